"""Run the platform: a gunicorn web server and the background task worker, together.

Ctrl-C (or SIGTERM) stops both. Other long-running processes an app needs (e.g. a periodic
sweeper) are listed in settings.TONGBAN_SERVE_PROCESSES as management-command argument lists.
The task worker is `db_worker` with the database task backend and RQ's `rqworker` with the
Redis one (TONGBAN_TASK_BACKEND=rq). docs/operations.md describes production mode.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def default_web_workers() -> int:
    """gunicorn workers when neither --workers nor WEB_CONCURRENCY says: one per core this process
    may run on, and one more. A request is CPU work here and its waits (a local database, an
    fsync) are short, so more processes only take turns on the cores, and with PostgreSQL on the
    same machine each brings a backend that competes for them too (benchmarks/README.md,
    bench_case_submission: 3 workers against 4 on two cores)."""
    if os.environ.get("WEB_CONCURRENCY"):
        return int(os.environ["WEB_CONCURRENCY"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


class Command(BaseCommand):
    help = "Serve the platform with gunicorn and start the background worker(s)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TONGBAN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=default_web_workers(),
                            help="gunicorn workers (default: WEB_CONCURRENCY, or cores + 1)")
        parser.add_argument("--no-worker", action="store_true", help="web server only")
        parser.add_argument("--task-workers", type=int, default=int(os.environ.get("TONGBAN_TASK_WORKERS", "1")))
        parser.add_argument("--production", action="store_true",
                            help="collect static files first and log JSON (also TONGBAN_PRODUCTION=1)")

    def handle(self, *args, bind, workers, no_worker, task_workers, production, **options):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "tongban.settings"))
        if production or settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
            env.setdefault("TONGBAN_LOG_FORMAT", "json")
        # Each gunicorn worker writes its Prometheus samples here; /metrics sums them.
        metrics_dir = Path(settings.VAR_DIR) / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        commands = [[
            sys.executable, "-m", "gunicorn", "tongban.wsgi:application",
            "--config", "python:tongban.gunicorn_conf",
            "--bind", bind, "--workers", str(workers), "--access-logfile", "-",
            "--timeout", "60", "--graceful-timeout", "10",
        ]]
        if not no_worker:
            if settings.TASK_BACKEND == "rq":
                worker = ["rqworker", "default", "--job-class", "django_tasks_rq.Job"]
            else:
                worker = ["db_worker", "--interval", "0.5"]
            commands += [[sys.executable, "-m", "tongban.cli", *worker] for _ in range(task_workers)]
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
