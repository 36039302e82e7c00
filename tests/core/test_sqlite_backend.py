"""The SQLite backend queues write transactions on a lock file: the next writer starts as soon
as the last one commits or rolls back, a writer that waits too long gets SQLite's own error,
and a dead holder (a closed connection) never leaves the lock behind."""

import threading
import time

import pytest
from django.db import OperationalError, connections, transaction


@pytest.fixture
def file_databases(tmp_path, django_db_blocker):
    """Two connections (aliases) to one SQLite file through tongban's backend, outside the
    test database (whose transaction-per-test would hold the lock); on either suite."""
    base = {
        "ENGINE": "tongban.core.sqlite", "NAME": str(tmp_path / "queue.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.3}, "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None,
        "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {},
    }
    aliases = ("queue_a", "queue_b")
    for alias in aliases:
        connections.settings[alias] = dict(base)
    with django_db_blocker.unblock():
        with connections[aliases[0]].cursor() as c:
            c.execute("CREATE TABLE row (id integer PRIMARY KEY, who text)")
        yield aliases
        for alias in aliases:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def rows(alias):
    with connections[alias].cursor() as c:
        c.execute("SELECT who FROM row ORDER BY id")
        return [r[0] for r in c.fetchall()]


def test_the_engine_is_tongbans_and_takes_a_lock_file(file_databases):
    a, _b = file_databases
    assert connections[a].vendor == "sqlite"
    assert type(connections[a]).__module__ == "tongban.core.sqlite.base"
    with transaction.atomic(using=a):
        assert connections[a]._write_lock_fd is not None
    assert connections[a]._write_lock_fd is None


def test_a_second_writer_starts_as_soon_as_the_first_commits(file_databases):
    a, b = file_databases
    delays = []
    for hold in (0.15, 0.2, 0.25):
        started = {}

        def second(started=started):
            with transaction.atomic(using=b):
                started["b"] = time.monotonic()
                with connections[b].cursor() as c:
                    c.execute("INSERT INTO row (who) VALUES ('b')")
            connections[b].close()

        with transaction.atomic(using=a):
            with connections[a].cursor() as c:
                c.execute("INSERT INTO row (who) VALUES ('a')")
            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(hold)
            assert "b" not in started  # queued behind the open transaction
            released = time.monotonic()
        thread.join(5)
        delays.append(started["b"] - released)
    assert rows(a) == ["a", "b"] * 3
    # SQLite's own busy handler would sleep 25-100 ms steps by now
    assert max(delays) < 0.02, delays


def test_a_writer_that_waits_too_long_fails_cleanly_and_the_lock_comes_back(file_databases):
    a, b = file_databases
    errors = []

    def second():
        try:
            with transaction.atomic(using=b):
                with connections[b].cursor() as c:
                    c.execute("INSERT INTO row (who) VALUES ('late')")
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            connections[b].close()

    with transaction.atomic(using=a):
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(5)
    assert errors == ["database is locked"]
    with transaction.atomic(using=b):  # nothing was left locked by the failed attempt
        with connections[b].cursor() as c:
            c.execute("INSERT INTO row (who) VALUES ('b')")
    assert rows(a) == ["b"]


def test_a_rolled_back_or_closed_transaction_releases_the_lock(file_databases):
    a, b = file_databases
    with pytest.raises(ZeroDivisionError), transaction.atomic(using=a):
        with connections[a].cursor() as c:
            c.execute("INSERT INTO row (who) VALUES ('undone')")
        1 / 0  # noqa: B018
    with transaction.atomic(using=b):
        with connections[b].cursor() as c:
            c.execute("INSERT INTO row (who) VALUES ('b')")
    connections[a].connect()
    connections[a]._start_transaction_under_autocommit()
    connections[a].close()  # e.g. a worker that dies half-way
    with transaction.atomic(using=b):
        with connections[b].cursor() as c:
            c.execute("INSERT INTO row (who) VALUES ('b2')")
    assert rows(b) == ["b", "b2"]
