"""Reporting reads go to a read replica; everything else to the primary.

Dashboards and reports scan many rows and tolerate a replica's few seconds of lag; case handling
must read its own writes. So routing is opt-in: code that only reports wraps itself in
`reporting_reads()` (a context manager and a decorator), and inside it every read goes to
settings.TONGBAN_REPORTING_DATABASE ("replica" when DATABASE_REPLICA_URL is set, else "default").
Writes always go to the primary.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reporting = ContextVar("tongban_reporting_reads", default=False)


@contextmanager
def reporting_reads():
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


class ReportingReplicaRouter:
    def db_for_read(self, model, **hints):
        return settings.TONGBAN_REPORTING_DATABASE if _reporting.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary
