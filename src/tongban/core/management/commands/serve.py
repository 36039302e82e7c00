"""Run the platform: a gunicorn web server and the background task worker, together.

Ctrl-C (or SIGTERM) stops both. Other long-running processes an app needs (e.g. a periodic
sweeper) are listed in settings.TONGBAN_SERVE_PROCESSES as management-command argument lists.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with gunicorn and start the background worker(s)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TONGBAN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "4")))
        parser.add_argument("--no-worker", action="store_true", help="web server only")
        parser.add_argument("--production", action="store_true", help="collect static files first")

    def handle(self, *args, bind, workers, no_worker, production, **options):
        if production or settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="tongban.settings")
        commands = [[
            sys.executable, "-m", "gunicorn", "tongban.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
            "--timeout", "60", "--graceful-timeout", "10",
        ]]
        if not no_worker:
            commands.append([sys.executable, "-m", "tongban.cli", "db_worker", "--interval", "0.5"])
            for extra in getattr(settings, "TONGBAN_SERVE_PROCESSES", []):
                commands.append([sys.executable, "-m", "tongban.cli", *extra])
        children = [subprocess.Popen(cmd, env=env) for cmd in commands]  # noqa: S603
        self.stdout.write(f"tongban serving on http://{bind}/ ({len(children)} processes); Ctrl-C stops")

        def stop(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"process {child.args[2:4]} exited with {child.returncode}; stopping")
                    stop(None, None)
            time.sleep(1)
