"""The PostgreSQL engine's health check (tongban.core.postgresql): no query of its own, and a
connection the server has terminated is replaced before the request's first query."""

import time

import psycopg
import pytest
from django.db import connection

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
