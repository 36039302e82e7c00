"""The PostgreSQL engine (tongban.core.postgresql): its health check sends no query of its own,
a connection the server has terminated is replaced before the request's first query, and
timestamps read back as Django's own loader reads them."""

import time
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from tongban.core.postgresql.base import TIMESTAMPTZ_OID, timestamptz_loader

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_session():
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine only")
    s = connection.settings_dict
    with psycopg.connect(dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"],
                         password=s["PASSWORD"], autocommit=True) as other:
        yield other


def last_query_of(other, pid: int) -> str:
    return other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def test_the_health_check_sends_nothing_to_the_server(other_session):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last query before the check'")
    pid = connection.connection.info.backend_pid
    assert connection.is_usable()
    assert last_query_of(other_session, pid) == "SELECT 'the last query before the check'"


def test_a_connection_the_server_terminated_is_replaced_before_the_next_query(other_session):
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    other_session.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:  # the server's goodbye is on its way
        time.sleep(0.01)
    assert not connection.is_usable()
    # What Django does when a request starts on a persistent connection:
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid


LITERALS = ["2026-11-29 19:29:10.378222+08", "0001-01-02 00:00:00+00", "9999-12-30 23:59:59.999999+00",
            "1969-12-31 23:59:59.5-03:30", "2000-02-29 12:00:00+14", "2026-03-29 02:30:00+01"]


@pytest.mark.parametrize("session_zone", ["UTC", "Asia/Shanghai", "America/St_Johns"])
def test_timestamps_read_back_as_django_s_own_loader_reads_them(session_zone):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine only")
    sql = "SELECT v::timestamptz FROM unnest(%s::text[]) v"
    with connection.cursor() as cursor:
        assert connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT) is \
            timestamptz_loader(connection.timezone)  # ours, not Django's, on the connection
        try:
            cursor.execute(f"SET TIME ZONE '{session_zone}'")
            cursor.execute(sql, [LITERALS])
            ours = cursor.fetchall()
            register_tzloader(connection.timezone, cursor)  # Django's loader, on this cursor only
            cursor.execute(sql, [LITERALS])
            django_s = cursor.fetchall()
        finally:
            cursor.execute("SET TIME ZONE 'UTC'")
    assert ours == django_s
    assert all(value.tzinfo is connection.timezone for (value,) in ours)
    if session_zone == "UTC":  # the session zone Django sets: the instants themselves
        assert ours[0][0] == datetime(2026, 11, 29, 11, 29, 10, 378222, tzinfo=UTC)
