from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    requires_system_checks = []
    help = "Load the demo data of every app (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.name.startswith("tongban.") or not find_spec(f"{config.name}.demo"):
                continue
            module = import_module(f"{config.name}.demo")
            with transaction.atomic():
                summary = module.load()
            self.stdout.write(f"{config.label}: {summary}")
