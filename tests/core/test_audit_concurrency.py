"""Writers appending to the audit log at the same moment still leave one unbroken chain.

On PostgreSQL each entry is appended by one statement that moves the head row on and computes
the new hash in the database; on SQLite the write lock serialises the writers. Either way the
chain that comes out must verify entry by entry with the Python digest."""

import threading

import pytest
from django.db import connection, transaction

from tests.policy.test_budget_concurrency import retry_when_locked
from tongban.core.audit import audit_chain_verify
from tongban.core.models import AuditEntry, AuditHead
from tongban.core.services import audit_record

WRITERS = 6
EACH = 15


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_verifiable_chain():
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait(timeout=10)
            for k in range(EACH):
                def append(k=k) -> None:
                    with transaction.atomic():
                        # pipelined-style entries (no id asked for) and ordinary ones, mixed
                        audit_record(actor=None, action="test.concurrent", object_type="t",
                                     object_id=f"{worker}-{k}", detail={"worker": worker, "名": "值"},
                                     need_pk=bool(k % 2))
                retry_when_locked(append)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert failures == []
    report = audit_chain_verify()
    assert report.ok, report.problems
    assert report.checked == AuditEntry.objects.count() == WRITERS * EACH
    head = AuditHead.objects.get()
    assert head.count == WRITERS * EACH
    last, before_last = AuditEntry.objects.order_by("-id")[:2]
    assert (head.last_hash, head.prev_hash) == (last.entry_hash, before_last.entry_hash)


@pytest.mark.django_db
def test_an_entry_hands_back_its_links():
    first = audit_record(actor=None, action="test.one", object_type="t", object_id="1")
    with transaction.atomic():
        audit_record(actor=None, action="test.two", object_type="t", object_id="2", need_pk=False)
    third = audit_record(actor=None, action="test.three", object_type="t", object_id="3", detail={"引号": "\"'\\"})
    second = AuditEntry.objects.get(object_id="2")
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    assert audit_chain_verify().ok
