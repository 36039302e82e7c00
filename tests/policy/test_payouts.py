"""Both ways to a payout: an application through the public notice to the ledger, and the
no-application run. Dates: Monday 5 June 2023; 5 working days of notice end on Monday 12 June."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tests import factories
from tongban.cases.models import Case
from tongban.catalog.services import MaterialSpec
from tongban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tongban.policy import payouts
from tongban.policy.models import ClaimState, LedgerEntry


def after_notice():
    return time_machine.travel("2023-06-13 10:00 +0800", tick=True)


@pytest.fixture
def programme(make_programme):
    return make_programme()


@pytest.fixture
def firm(make_enterprise):
    return make_enterprise(name="秦汉纳税大户有限公司", tax_paid_last_year="800000")


def test_an_enterprise_applies_is_reviewed_noticed_and_paid(programme, firm, fd_clerk, fd_approver, leader):
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    assert claim.state == ClaimState.APPLIED
    assert claim.computed_amount == Decimal("40000.00")  # 5% of 800,000 tax, under the 100,000 cap

    claim = payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    assert claim.state == ClaimState.IN_NOTICE
    assert (claim.notice_from, claim.notice_until) == (date(2023, 6, 5), date(2023, 6, 12))

    with after_notice():
        entry = payouts.claim_pay(actor=leader, claim_id=claim.id, payment_reference="BANK-2023-0001")
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID
    assert (entry.amount, entry.enterprise, entry.approver, entry.payment_reference) == (
        Decimal("40000.00"), firm, leader, "BANK-2023-0001")
    assert "纳税贡献奖励" in entry.basis
    assert payouts.remaining_budget(programme) == Decimal("160000.00")


def test_approval_during_the_public_notice_is_refused_and_nothing_is_paid(programme, firm, fd_clerk,
                                                                           fd_approver, leader):
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    with time_machine.travel("2023-06-12 16:00 +0800"), pytest.raises(Conflict) as info:
        payouts.claim_pay(actor=leader, claim_id=claim.id)
    assert info.value.code == "notice_period_running"
    assert not LedgerEntry.objects.exists()


def test_an_open_objection_blocks_the_payout_and_an_upheld_one_rejects_the_claim(programme, firm, fd_clerk,
                                                                                  fd_approver, leader):
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    objection = payouts.objection_record(actor=fd_clerk, claim_id=claim.id, text="该企业上年度存在欠税")
    with after_notice():
        with pytest.raises(Conflict) as info:
            payouts.claim_pay(actor=leader, claim_id=claim.id)
        assert info.value.code == "objection_open"
        with pytest.raises(Conflict):  # the notice is over: no more objections
            payouts.objection_record(actor=fd_clerk, claim_id=claim.id, text="迟到的异议")
        payouts.objection_resolve(actor=fd_approver, objection_id=objection.id, upheld=True,
                                  resolution="经核实存在欠税，取消奖励")
    claim.refresh_from_db()
    assert claim.state == ClaimState.REJECTED
    assert not LedgerEntry.objects.exists()


def test_applying_twice_for_the_same_programme_and_period_is_refused(programme, firm, fd_clerk):
    payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    with pytest.raises(Conflict) as info:
        payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    assert info.value.code == "claim_duplicate"
    # another period is another claim
    assert payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code,
                               period="2024").period == "2024"


def test_an_ineligible_enterprise_is_told_which_conditions_it_misses(programme, make_enterprise, fd_clerk):
    small = make_enterprise(name="新设小微企业", tax_paid_last_year="20000", established_on=date(2022, 1, 1))
    with pytest.raises(InvalidInput) as info:
        payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=small.credit_code)
    assert info.value.code == "not_eligible"
    assert "tax_paid_last_year >= 500000" in info.value.message
    assert "years_in_operation >= 3" in info.value.message
    assert not small.claims.exists()


def test_applications_outside_the_window_are_refused(make_programme, firm, fd_clerk):
    later = make_programme(code="later", opens_on=date(2023, 7, 1), closes_on=date(2023, 7, 31))
    with pytest.raises(InvalidInput) as info:
        payouts.claim_apply(actor=fd_clerk, programme_code=later.code, credit_code=firm.credit_code)
    assert info.value.code == "application_window_closed"


def test_an_amount_over_the_cap_or_the_remaining_budget_is_refused(make_programme, firm, make_enterprise,
                                                                    fd_clerk, fd_approver):
    programme = make_programme(budget=Decimal("50000"))
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    with pytest.raises(InvalidInput) as info:
        payouts.claim_review(actor=fd_approver, claim_id=claim.id, amount="40000.01")
    assert info.value.code == "amount_over_cap"
    payouts.claim_review(actor=fd_approver, claim_id=claim.id, amount="30000")
    other = make_enterprise(name="另一家企业")
    second = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=other.credit_code)
    with pytest.raises(Conflict) as info:  # 30,000 is promised already; 20,000 remain
        payouts.claim_review(actor=fd_approver, claim_id=second.id)
    assert info.value.code == "amount_over_budget"
    assert payouts.claim_review(actor=fd_approver, claim_id=second.id, amount="20000").amount == Decimal("20000")


def test_the_reviewer_cannot_approve_the_payout_too(programme, firm, fd_clerk, leader):
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    payouts.claim_review(actor=leader, claim_id=claim.id)
    with after_notice(), pytest.raises(Forbidden) as info:
        payouts.claim_pay(actor=leader, claim_id=claim.id)
    assert info.value.code == "four_eyes"


def test_a_clerk_may_not_review_and_an_approver_may_not_pay(programme, firm, fd_clerk, fd_approver):
    claim = payouts.claim_apply(actor=fd_clerk, programme_code=programme.code, credit_code=firm.credit_code)
    with pytest.raises(Forbidden):
        payouts.claim_review(actor=fd_clerk, claim_id=claim.id)
    payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    with after_notice(), pytest.raises(Forbidden):
        payouts.claim_pay(actor=fd_approver, claim_id=claim.id)


def test_an_application_is_filed_as_a_case_of_the_subsidy_item(make_programme, firm, leader):
    factories.item("QYTZ-9001", name="惠企政策奖补申请", category="enterprise_investment", legal=20, promised=10,
                   cross_region=False, materials=[MaterialSpec(name="奖补申请表")])
    from tongban.catalog.models import ItemVersion

    ItemVersion.objects.filter(item__code="QYTZ-9001").update(subject="entity")
    programme = make_programme(code="with-item", item_code="QYTZ-9001")
    claim = payouts.claim_apply(actor=None, programme_code=programme.code, credit_code=firm.credit_code,
                                legal_representative="张建国")
    case = Case.objects.get(pk=claim.case_id)
    assert (case.channel, case.applicant.credit_code, case.item_version.item.code) == (
        "online", firm.credit_code, "QYTZ-9001")


def test_online_applicants_must_name_the_legal_representative_of_the_record(programme, firm):
    with pytest.raises(NotFound):
        payouts.claim_apply(actor=None, programme_code=programme.code, credit_code=firm.credit_code,
                            legal_representative="李四")


# -- no-application payout --------------------------------------------------------------------
def test_a_no_application_run_finds_notifies_and_pays_the_eligible_enterprises(make_programme, make_enterprise,
                                                                                fd_approver, leader):
    programme = make_programme(
        code="hightech", measure_number=1, no_application=True,
        eligibility={"all": [{"attr": "high_tech", "op": "==", "value": True},
                             {"attr": "industry_code", "op": "startswith", "value": "C"}]},
        amount_rule={"kind": "tiers", "of": "employees",
                     "tiers": [{"min": 0, "amount": "10000"}, {"min": 100, "amount": "30000"}]})
    big = make_enterprise(name="高新制造甲", employees=150)
    small = make_enterprise(name="高新制造乙", employees=20)
    make_enterprise(name="软件企业丙", industry_code="I65")
    make_enterprise(name="普通制造丁", high_tech=False)

    run = payouts.programme_match_run(actor=fd_approver, programme_code=programme.code)
    assert {c.enterprise for c in run.claims} == {big, small}
    assert run.checked == 4
    for claim in run.claims:
        payouts.claim_confirm(token=run.tokens[claim.id])
        payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    again = payouts.programme_match_run(actor=fd_approver, programme_code=programme.code)
    assert again.claims == [] and again.skipped_existing == 2  # nobody is matched twice

    with after_notice():
        result = payouts.programme_pay_due(actor=leader, programme_code=programme.code)
    assert sorted((e.enterprise.name, e.amount) for e in result.paid) == [
        ("高新制造乙", Decimal("10000.00")), ("高新制造甲", Decimal("30000.00"))]


def test_a_matched_claim_cannot_be_reviewed_before_the_enterprise_confirms(make_programme, make_enterprise,
                                                                            fd_approver):
    programme = make_programme(code="auto", no_application=True)
    make_enterprise()
    claim = payouts.programme_match_run(actor=fd_approver, programme_code=programme.code).claims[0]
    with pytest.raises(Conflict):
        payouts.claim_review(actor=fd_approver, claim_id=claim.id)
    with pytest.raises(NotFound):
        payouts.claim_confirm(token="not-the-token")


def test_programmes_with_bad_rules_are_refused(make_programme):
    with pytest.raises(InvalidInput) as info:
        make_programme(code="bad", eligibility={"attr": "turnover", "op": ">", "value": 1})
    assert info.value.code == "rule_unknown_attribute"
    with pytest.raises(InvalidInput):
        make_programme(code="bad2", amount_rule={"kind": "percentage", "of": "employees", "rate": "2", "cap": "1"})
