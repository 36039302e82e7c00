"""`tongban refdata [--host H] [--port P]`: serve the demo reference data service.

Host and port default to those of settings.TONGBAN_REFDATA_URL; it answers with the token of
TONGBAN_REFDATA_TOKEN. It reads only its own people.yaml, never the platform database.
"""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from tongban.idonly.refdata.app import RefDataApp
from tongban.idonly.refdata.server import make


class Command(BaseCommand):
    help = "Serve the reference data service (demo population, social security, housing fund, vehicle records)."
    requires_system_checks = []

    def add_arguments(self, parser):
        url = urlsplit(settings.TONGBAN_REFDATA_URL)
        parser.add_argument("--host", default=url.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=url.port or 8100)
        parser.add_argument("--access-log", action="store_true")

    def handle(self, *args, host, port, access_log, **options):
        os.environ.setdefault("TONGBAN_REFDATA_TOKEN", settings.TONGBAN_REFDATA_TOKEN)
        server = make(host, port, app=RefDataApp(token=settings.TONGBAN_REFDATA_TOKEN), quiet=not access_log)
        self.stdout.write(f"reference data service on http://{host}:{port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
