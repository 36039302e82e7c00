from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tongban.security.second_factor import confirmed_device, current_code, secret_base32


class Command(BaseCommand):
    help = "Print the current 6-digit code of a user's authenticator (operators and the demo)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        device = confirmed_device(user) if user else None
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator")
        self.stdout.write(f"{current_code(device)}  (key {secret_base32(device)})")
