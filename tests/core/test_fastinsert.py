"""core.fastinsert.insert() stores a row exactly as Model.save() does: defaults, auto_now_add,
JSON, binary and foreign keys, with the new primary key set on the object."""

import pytest
from django.utils import timezone

from tongban.cases.models import Applicant
from tongban.core.fastinsert import insert
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def stored(obj) -> dict:
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    return {k: (bytes(v) if isinstance(v, memoryview) else v) for k, v in row.items()}


def test_a_row_inserted_fast_reads_back_like_one_saved_by_the_orm(fd_clerk):
    at = timezone.now()
    fields = dict(at=at, actor=fd_clerk, actor_label="fd_clerk", action="case.submit", object_type="case",
                  object_id="611100-20230605-000001", detail={"item": "GJJ-7001", "n": [1, 2], "名": "王"},
                  prev_hash="0" * 64)
    fast = insert(AuditEntry(**fields, entry_hash="a" * 64))
    orm = AuditEntry.objects.create(**fields, entry_hash="b" * 64)
    assert fast.pk is not None and not fast._state.adding
    fast_row, orm_row = stored(fast), stored(orm)
    assert {k: v for k, v in fast_row.items() if k not in ("id", "entry_hash")} == \
           {k: v for k, v in orm_row.items() if k not in ("id", "entry_hash")}
    assert fast_row["detail"] == {"item": "GJJ-7001", "n": [1, 2], "名": "王"}


def test_defaults_auto_now_add_and_binary_fields():
    before = timezone.now()
    applicant = insert(Applicant(kind="person", name="李华", id_number_enc=b"\x00\x01secret", id_number_index="x" * 64))
    row = stored(applicant)
    assert row["id_number_enc"] == b"\x00\x01secret"
    assert row["phone_masked"] == "" and row["credit_code"] == ""
    assert row["created_at"] >= before and applicant.created_at == row["created_at"]


def test_several_rows_in_one_statement_read_back_like_rows_saved_one_by_one(fd_clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.core.fastinsert import insert_rows

    at = timezone.now()
    entries = [AuditEntry(at=at, actor=fd_clerk, actor_label="fd_clerk", action="test.rows", object_type="t",
                          object_id=str(n), detail={"n": n, "名": "王"}, prev_hash="0" * 64, entry_hash=f"{n:064d}")
               for n in range(3)]
    with CaptureQueriesContext(connection) as sql:
        insert_rows(entries)
    assert len(sql.captured_queries) == 1
    saved = AuditEntry.objects.filter(action="test.rows").order_by("object_id")
    assert [(e.object_id, e.detail, e.actor_id, e.at) for e in saved] == \
           [(str(n), {"n": n, "名": "王"}, fd_clerk.pk, at) for n in range(3)]
    insert_rows([])  # nothing to write: no statement
    assert AuditEntry.objects.filter(action="test.rows").count() == 3
