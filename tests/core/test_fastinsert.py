"""core.fastinsert.insert() stores a row exactly as Model.save() does: defaults, auto_now_add,
JSON, binary and foreign keys, with the new primary key set on the object; the values it passes
on without conversion are those the field would have passed on unchanged."""

from datetime import UTC

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tongban.cases.models import Applicant, Case
from tongban.core.fastinsert import (
    insert,
    insert_fields,
    insert_params,
    integer_type,
    unchanged_types,
)
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


# Every field of every tongban model, with every kind of value a form or a service could leave on
# an instance: insert_params() skips the field's conversion only where the result is the same.
TONGBAN_FIELDS = [
    (model, field) for config in django_apps.get_app_configs() if config.name.startswith("tongban.")
    for model in config.get_models() for field in insert_fields(model)
]
VALUES = st.one_of(
    st.none(), st.text(max_size=12), st.integers(min_value=-(2**63), max_value=2**63 - 1), st.booleans(),
    st.dates(), st.datetimes(timezones=st.just(UTC)), st.binary(max_size=8),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def prepared(do):
    try:
        value = do()
    except Exception as exc:  # noqa: BLE001 (the same failure is the same answer)
        return "error", type(exc)
    if hasattr(value, "obj"):  # psycopg's Jsonb and Binary wrappers are equal by identity only
        return type(value), value.obj
    return type(value), value  # the type too: PostgreSQL's Int2/Int4/Int8 equal plain ints


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@time_machine.travel("2026-06-01 09:00 +0800", tick=False)  # auto_now fields: one "now" for both
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(TONGBAN_FIELDS), VALUES)
def test_every_value_is_stored_as_the_field_itself_would_store_it(model_field, value):
    model, field = model_field
    obj = model()
    try:
        setattr(obj, field.attname, value)
    except TypeError:
        assume(False)  # refused on assignment (a dict for a state): never reaches an insert
    position = insert_fields(model).index(field)
    ours = prepared(lambda: insert_params(obj, connection)[position])
    django_s = prepared(lambda: field.get_db_prep_save(field.pre_save(obj, True), connection))
    assert ours == django_s


def test_most_fields_of_a_case_need_no_conversion_for_their_usual_values():
    plain = [f.attname for f in insert_fields(Case) if unchanged_types(f) or integer_type(f)]
    assert {"number", "state", "channel", "center_id", "applicant_id", "version", "id_only", "submitted_at",
            "promised_due", "paused_days"} <= set(plain)
