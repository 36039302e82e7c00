"""Concurrent payout approvals never overspend a programme's budget.

Runs on both databases: on SQLite the IMMEDIATE transactions serialise the writers; on
PostgreSQL the programme row is locked with select_for_update before the ledger is summed."""

import threading
import time
from decimal import Decimal

import pytest
import time_machine
from django.db import OperationalError, connection

from tongban.core.errors import Conflict
from tongban.policy import payouts
from tongban.policy.models import LedgerEntry

WORKERS = 6


def retry_when_locked(fn):
    """The SQLite test database is in memory with a shared cache, where a writer that finds the
    lock taken fails at once ("table is locked") instead of waiting out busy_timeout as it does
    on a file database. Waiting and retrying here stands in for busy_timeout; every failed try
    rolled back whole, so retrying cannot double-book."""
    for _attempt in range(400):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the lock was never released")


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_spend_more_than_the_budget(make_programme, make_enterprise, fd_clerk,
                                                                fd_approver, leader):
    # six claims of 30,000 each against a budget of 100,000: at most three can be paid
    programme = make_programme(
        budget=Decimal("100000"), amount_rule={"kind": "fixed", "amount": "30000"},
        eligibility={"attr": "employees", "op": ">=", "value": 1})
    claims = []
    for i in range(WORKERS):
        firm = make_enterprise(name=f"并发企业{i}")
        claims.append(payouts.claim_apply(actor=fd_clerk, programme_code=programme.code,
                                          credit_code=firm.credit_code))
    # the review reserves budget, so six could not reach the payout stage against 100,000: the
    # budget is cut only after the reviews (as when a budget is reduced mid-year)
    from tongban.policy.models import SubsidyProgramme

    SubsidyProgramme.objects.filter(pk=programme.pk).update(budget=Decimal("1000000"))
    for claim in claims:
        payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    SubsidyProgramme.objects.filter(pk=programme.pk).update(budget=Decimal("100000"))

    outcomes: list[str] = []
    barrier = threading.Barrier(WORKERS)

    def approve(claim_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            retry_when_locked(lambda: payouts.claim_pay(actor=leader, claim_id=claim_id))
            outcomes.append("paid")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    with time_machine.travel("2023-06-13 10:00 +0800", tick=True):
        threads = [threading.Thread(target=approve, args=(c.id,)) for c in claims]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

    assert sorted(outcomes) == ["budget_exceeded"] * 3 + ["paid"] * 3
    assert sum(e.amount for e in LedgerEntry.objects.all()) == Decimal("90000.00")
    assert payouts.remaining_budget(programme) == Decimal("10000.00")
