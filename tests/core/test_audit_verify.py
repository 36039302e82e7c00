from io import StringIO

import pytest
from django.core.management import call_command

from tongban.core.models import AuditEntry
from tongban.core.services import audit_record


@pytest.fixture
def chain(db):
    return [audit_record(actor=None, action=f"test.{i}", object_type="t", object_id=str(i)) for i in range(5)]


def verify():
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
        return 0, out.getvalue() + err.getvalue()
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()


def test_an_untouched_chain_verifies(chain):
    code, output = verify()
    assert code == 0 and "5 entries" in output


def test_an_edited_entry_is_named(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).update(purpose="改过")
    code, output = verify()
    assert code == 1 and f"entry {chain[2].pk}: content does not match" in output


def test_a_deleted_entry_breaks_the_next_link(chain):
    AuditEntry.objects.filter(pk=chain[1].pk).delete()
    code, output = verify()
    assert code == 1 and f"entry {chain[2].pk}: link" in output


def test_a_removed_tail_no_longer_matches_the_head(chain):
    AuditEntry.objects.filter(pk=chain[4].pk).delete()
    code, output = verify()
    assert code == 1 and "head" in output
