from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from tongban.core.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) with a verification manifest."

    def add_arguments(self, parser):
        parser.add_argument("target", nargs="?", type=Path)

    def handle(self, *args, target, **options):
        from django.conf import settings

        target = target or Path(settings.VAR_DIR) / "backups" / f"tongban-{timezone.now():%Y%m%d-%H%M%S}.backup"
        path = backup_create(target)
        self.stdout.write(f"backup written: {path} (+ {path}.manifest.json)")
