import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from tongban.core.backup import backup_restore


class Command(BaseCommand):
    help = "Restore the database from a backup (stop the platform first) and verify it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source, **options):
        result = backup_restore(source)
        if result["verified"]:
            self.stdout.write("restored and verified: every table matches the backup's manifest")
        else:
            self.stderr.write("restored, but these tables differ from the manifest: " + ", ".join(result["differences"]))
            sys.exit(1)
