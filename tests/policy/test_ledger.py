"""The ledger: a payout is never edited; a correction is a reversing entry; totals are net."""

from decimal import Decimal

import pytest
import time_machine

from tongban.core.errors import Conflict
from tongban.policy import payouts, selectors
from tongban.policy.models import ClaimState, LedgerEntry


@pytest.fixture
def paid(make_programme, make_enterprise, fd_clerk, fd_approver, leader):
    programme = make_programme()
    firm = make_enterprise(name="纳税企业")
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    with time_machine.travel("2023-06-13 10:00 +0800", tick=True):
        entry = payouts.claim_pay(actor=leader, claim_id=claim.id, payment_reference="BANK-1")
    return entry


def test_a_payout_is_never_edited_or_deleted(paid):
    paid.amount = Decimal("1.00")
    with pytest.raises(ValueError):
        paid.save()
    with pytest.raises(ValueError):
        paid.delete()
    assert LedgerEntry.objects.get(pk=paid.pk).amount == Decimal("40000.00")


def test_a_reversal_restores_the_budget_and_the_totals_are_net(paid, leader, fd_clerk, fd_approver):
    programme = paid.programme
    reversal = payouts.ledger_reverse(actor=leader, entry_id=paid.id, reason="纳税额核定有误")
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == ("reversal", Decimal("-40000.00"), paid.id)
    assert LedgerEntry.objects.count() == 2  # the original stays
    assert payouts.remaining_budget(programme) == Decimal("200000.00")
    paid.claim.refresh_from_db()
    assert paid.claim.state == ClaimState.REJECTED

    # the enterprise may now be paid correctly on a new claim
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code,
                                credit_code=paid.enterprise.credit_code)
    payouts.claim_review(actor=fd_approver, claim_id=claim.id, amount="35000")
    with time_machine.travel("2023-06-13 10:00 +0800", tick=True):
        payouts.claim_pay(actor=leader, claim_id=claim.id)
    by_programme = selectors.ledger_totals(user=leader, by="programme")
    assert by_programme == [{"key": programme.code, "total": Decimal("35000.00"), "payouts": 2, "reversals": 1}]
    by_department = selectors.ledger_totals(user=leader, by="department")
    assert [(r["key"], r["total"]) for r in by_department] == [("tax", Decimal("35000.00"))]


def test_a_payout_is_reversed_once_only(paid, leader):
    payouts.ledger_reverse(actor=leader, entry_id=paid.id, reason="退回")
    with pytest.raises(Conflict) as info:
        payouts.ledger_reverse(actor=leader, entry_id=paid.id, reason="再次退回")
    assert info.value.code == "already_reversed"
