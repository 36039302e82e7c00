"""`pipelined()`: on PostgreSQL, statements whose answer nobody waits for travel together.

A submission writes a dozen rows; one round trip to the server each, on a machine where the
server shares the cores with the workers, is a context switch each way and costs more than the
statement. In psycopg's pipeline mode a statement is sent at once but its answer is read only
when something needs it (a fetch, a commit), so the INSERTs that return nothing queue behind
each other and share the next round trip. Errors surface at that point, still inside the
transaction, which then rolls back as usual. SQLite runs in process: there it does nothing.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections


@contextmanager
def pipelined(using: str = "default"):
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():  # nests: psycopg leaves pipeline mode with the outermost
        yield
