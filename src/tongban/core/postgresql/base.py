"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a persistent connection at the start of each request
that uses it by running `SELECT 1`: one more round trip per request, half of the database time
of the public status query. Here the check reads, without waiting, whatever the server sent
while the connection sat idle: a server that restarts or terminates the backend says so
(`FATAL: terminating connection ...`) and closes the socket, libpq then marks the connection
bad, and Django opens a new one before the request's first query, as with `SELECT 1`. A
connection whose server vanished without a word (a cut cable) is found out by the first query,
which fails that request; Django then drops the connection at the end of the request.
"""

from __future__ import annotations

from django.db.backends.postgresql import base
from psycopg import OperationalError, pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        try:
            pgconn.consume_input()  # never blocks: reads only what has already arrived
        except OperationalError:
            return False
        return pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status != pq.TransactionStatus.UNKNOWN
