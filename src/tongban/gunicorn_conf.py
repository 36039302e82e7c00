"""gunicorn settings `tongban serve` passes with --config.

Prometheus metrics from several worker processes are aggregated through files in
PROMETHEUS_MULTIPROC_DIR; a worker that exits must have its live gauges removed from there.
"""

import gc
import os

from prometheus_client import multiprocess

# One JSON object per request in production, Apache's combined format for the demo; masked,
# and without the per-header atoms neither format uses (see tongban.core.accesslog).
logger_class = "tongban.core.accesslog.AccessLogger"
if os.environ.get("TONGBAN_LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
        '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "agent": "%(a)s"}'
    )


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Load every view module now, then freeze what is loaded: the modules, URL patterns and API
    schema live as long as the worker, and without the freeze each full garbage collection scans
    them all (~200,000 objects, a 50-130 ms pause in the middle of some request)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    gc.collect()
    gc.freeze()
