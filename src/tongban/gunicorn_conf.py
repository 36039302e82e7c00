"""gunicorn settings `tongban serve` passes with --config.

Prometheus metrics from several worker processes are aggregated through files in
PROMETHEUS_MULTIPROC_DIR; a worker that exits must have its live gauges removed from there.
"""

import os

from prometheus_client import multiprocess

# One JSON object per request in production, Apache's combined format for the demo.
if os.environ.get("TONGBAN_LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
        '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "agent": "%(a)s"}'
    )


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
