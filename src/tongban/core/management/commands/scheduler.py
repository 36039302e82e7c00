"""Enqueue periodic tasks on a fixed interval (the worker runs them). Started by `tongban serve`."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

DEFAULT_SCHEDULE = {"tongban.cases.tasks.sweep_deadlines": 300}


class Command(BaseCommand):
    help = "Enqueue periodic tasks (deadline sweep...) every N seconds; runs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every task once and exit")

    def handle(self, *args, once, **options):
        schedule = getattr(settings, "TONGBAN_SCHEDULE", DEFAULT_SCHEDULE)
        last: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for path, every in schedule.items():
                if now - last.get(path, -1e9) >= every:
                    import_string(path).enqueue()
                    last[path] = now
            if once:
                return
            time.sleep(5)
