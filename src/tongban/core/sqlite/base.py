"""Django's SQLite backend, with write transactions queued on a lock file.

SQLite lets one writer at a time hold the database. A writer that finds it taken sleeps in
SQLite's own busy handler, in steps that grow to 100 ms, so under a burst of submissions the
database sits idle while writers sleep, and the unlucky ones wait hundreds of milliseconds.
Here every transaction first takes an exclusive lock on `<database>.writelock` (flock: released
by the kernel if the process dies), polled every millisecond or less, so the next writer starts
as soon as the last one commits. Reads need no lock (WAL), and a write outside a transaction
still goes through SQLite's busy handler as before. A wait longer than the database's timeout
fails the same way SQLite does ("database is locked").
"""

from __future__ import annotations

import fcntl
import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

POLL_SECONDS = (0.0001, 0.0002, 0.0005)  # then every millisecond
STEADY_POLL_SECONDS = 0.001


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd: int | None = None

    def _write_lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writelock"

    def _write_lock_take(self) -> None:
        path = self._write_lock_path()
        if path is None or self._write_lock_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        attempt = 0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise OperationalError("database is locked") from None
                time.sleep(POLL_SECONDS[attempt] if attempt < len(POLL_SECONDS) else STEADY_POLL_SECONDS)
                attempt += 1
        self._write_lock_fd = fd

    def _write_lock_release(self) -> None:
        fd, self._write_lock_fd = self._write_lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops its flock

    def _start_transaction_under_autocommit(self):
        self._write_lock_take()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._write_lock_release()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._write_lock_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._write_lock_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._write_lock_release()
