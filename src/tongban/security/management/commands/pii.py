from django.core.management.base import BaseCommand

from tongban.security.pii_rotation import pii_rotate, pii_status


class Command(BaseCommand):
    help = ("Personal data keys: `status` counts values per key id; `rotate` re-encrypts every value "
            "with the current (first) key of TONGBAN_PII_KEYS.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "rotate"])

    def handle(self, *args, action, **options):
        if action == "rotate":
            for column, n in pii_rotate().items():
                self.stdout.write(f"{column}: {n} re-encrypted")
        for column, counts in pii_status().items():
            keys = ", ".join(f"{kid}={n}" for kid, n in sorted(counts.items())) or "empty"
            self.stdout.write(f"{column}: {keys}")
