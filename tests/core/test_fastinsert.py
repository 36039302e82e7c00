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
