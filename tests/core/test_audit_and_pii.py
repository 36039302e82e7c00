import pytest

from tongban.core import pii
from tongban.core.models import AuditEntry
from tongban.core.services import GENESIS_HASH, audit_entry_hash, audit_record


def test_encryption_round_trips_and_is_bound_to_its_column():
    blob = pii.encrypt("11010519491231002X", context="applicant.id_number")
    assert b"11010519491231002X" not in blob
    assert pii.decrypt(blob, context="applicant.id_number") == "11010519491231002X"
    with pytest.raises(Exception):  # noqa: B017  moved to another column: authentication fails
        pii.decrypt(blob, context="applicant.phone")


def test_same_value_encrypts_differently_but_has_one_blind_index():
    a = pii.encrypt("13800138000", context="p")
    b = pii.encrypt("13800138000", context="p")
    assert a != b
    assert pii.blind_index("13800138000", kind="phone") == pii.blind_index("13800138000", kind="phone")
    assert pii.blind_index("13800138000", kind="phone") != pii.blind_index("13800138000", kind="id")


def test_masks():
    assert pii.mask_id_number("61010219850612123X") == "6101**********123X"
    assert pii.mask_phone("13800138000") == "138****8000"
    assert pii.mask_name("王小明") == "王**"


def test_audit_entries_form_a_hash_chain(db):
    first = audit_record(actor=None, action="test.one", object_type="t", object_id="1")
    second = audit_record(actor=None, action="test.two", object_type="t", object_id="2", detail={"k": "值"})
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    second.refresh_from_db()
    recomputed = audit_entry_hash(
        prev_hash=second.prev_hash, at=second.at.isoformat(), actor_label=second.actor_label,
        action=second.action, object_type=second.object_type, object_id=second.object_id,
        purpose=second.purpose, detail=second.detail,
    )
    assert recomputed == second.entry_hash
    assert AuditEntry.objects.count() == 2
