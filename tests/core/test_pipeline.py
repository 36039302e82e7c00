"""core.pipeline.pipelined(): statements sent together on PostgreSQL (nothing changes on SQLite);
what was written reads back, and a failing statement still rolls back the whole transaction."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tongban.core.fastinsert import insert
from tongban.core.models import AuditEntry
from tongban.core.pipeline import pipelined

pytestmark = pytest.mark.django_db(transaction=True)


def entry(n: int, **extra) -> AuditEntry:
    fields = dict(at=timezone.now(), actor_label="system", action="test.pipeline", object_type="test",
                  object_id=str(n), detail={"n": n}, prev_hash="0" * 64, entry_hash=f"{n:064d}")
    return AuditEntry(**(fields | extra))


def test_rows_written_in_a_pipeline_are_all_there_after_the_commit():
    with transaction.atomic(), pipelined():
        for n in range(5):
            insert(entry(n), need_pk=False)
        with_pk = insert(entry(5))
        assert with_pk.pk is not None
    stored = AuditEntry.objects.filter(action="test.pipeline").order_by("object_id")
    assert [e.detail["n"] for e in stored] == [0, 1, 2, 3, 4, 5]


def test_inside_the_block_postgresql_statements_run_in_pipeline_mode():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs in process: no round trips to share")
    from psycopg import pq

    with transaction.atomic(), pipelined():
        insert(entry(1))  # starts the transaction and waits for its id
        for n in range(2, 5):
            insert(entry(n), need_pk=False)
        assert connection.connection.pgconn.pipeline_status == pq.PipelineStatus.ON
    assert connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF
    assert AuditEntry.objects.filter(action="test.pipeline").count() == 4


def test_a_failing_statement_in_the_pipeline_rolls_back_everything_before_it():
    with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
        insert(entry(1), need_pk=False)
        insert(entry(2, actor_label=None), need_pk=False)  # NOT NULL: fails at once, not at the commit
        insert(entry(3))
    assert not AuditEntry.objects.filter(action="test.pipeline").exists()
    # The connection is usable afterwards.
    with transaction.atomic(), pipelined():
        insert(entry(4), need_pk=False)
    assert list(AuditEntry.objects.filter(action="test.pipeline").values_list("object_id", flat=True)) == ["4"]
