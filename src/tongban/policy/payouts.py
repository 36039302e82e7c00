"""Subsidy payouts (奖补兑现): programmes, claims by application or by matching (免申即享),
public notice (公示) and the append-only ledger.

Budget safety: every booking locks the programme row first (select_for_update on PostgreSQL;
on SQLite the IMMEDIATE transaction already serialises writers) and re-reads the ledger sum
under that lock, so concurrent approvals can never spend more than the budget.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import calendar
from tongban.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.policy import permissions, rules
from tongban.policy.models import (
    Claim,
    ClaimEvent,
    ClaimSource,
    ClaimState,
    Enterprise,
    LedgerEntry,
    LedgerKind,
    Measure,
    Objection,
    SubsidyProgramme,
)

log = logging.getLogger(__name__)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _event(claim: Claim, *, actor, action: str, from_state: str = "", note: str = "") -> None:
    ClaimEvent.objects.create(claim=claim, at=timezone.now(), actor=actor if actor and actor.is_authenticated else None,
                              action=action, from_state=from_state, to_state=claim.state, note=note)
    audit_record(actor=actor, action=f"claim.{action}", object_type="claim", object_id=str(claim.pk),
                 detail={"programme": claim.programme.code, "enterprise": claim.enterprise.credit_code})


def _programme(code: str, *, lock: bool = False) -> SubsidyProgramme:
    qs = SubsidyProgramme.objects.select_for_update() if lock else SubsidyProgramme.objects
    programme = qs.filter(code=code).first()
    if programme is None:
        raise NotFound(_("No subsidy programme %(c)s.") % {"c": code}, code="programme_not_found")
    return programme


def _claim(claim_id: int, *, lock: bool = False) -> Claim:
    qs = Claim.objects.select_for_update(of=("self",)) if lock else Claim.objects
    claim = qs.select_related("programme", "enterprise").filter(pk=claim_id).first()
    if claim is None:
        raise NotFound(_("No subsidy claim %(id)s.") % {"id": claim_id}, code="claim_not_found")
    return claim


def booked(programme: SubsidyProgramme) -> Decimal:
    """Net amount booked in the ledger (payouts minus reversals)."""
    return rules.money(programme.ledger.aggregate(s=Sum("amount"))["s"] or 0)


def remaining_budget(programme: SubsidyProgramme) -> Decimal:
    return programme.budget - booked(programme)


# -- programmes ----------------------------------------------------------------------------
@dataclass
class ProgrammeInput:
    code: str
    name: str
    document_code: str
    measure_number: int
    eligibility: dict
    amount_rule: dict
    budget: Decimal | str
    period: str
    opens_on: date
    closes_on: date
    notice_working_days: int = 5
    no_application: bool = False
    item_code: str = ""


@transaction.atomic
def programme_create(*, actor, data: ProgrammeInput) -> SubsidyProgramme:
    permissions.require(actor, "manage")
    rules.parse(data.eligibility)
    rules.parse_amount(data.amount_rule)
    measure = Measure.objects.filter(document__code=data.document_code, number=data.measure_number).first()
    if measure is None:
        raise InvalidInput(_("No measure %(n)s in document %(d)s.") % {"n": data.measure_number, "d": data.document_code},
                           field="measure")
    budget = rules.money(Decimal(str(data.budget)))
    if budget <= 0:
        raise InvalidInput(_("The budget must be more than zero."), field="budget")
    if data.closes_on < data.opens_on:
        raise InvalidInput(_("Applications close before they open."), field="closes_on")
    if not 1 <= data.notice_working_days <= 30:
        raise InvalidInput(_("The public notice lasts 1 to 30 working days."), field="notice_working_days")
    if data.item_code:
        from tongban.catalog.selectors import item_get_current

        if item_get_current(code=data.item_code) is None:
            raise InvalidInput(_("No service item with code %(c)s.") % {"c": data.item_code}, field="item_code")
    if SubsidyProgramme.objects.filter(code=data.code).exists():
        raise Conflict(_("A programme with code %(c)s exists already.") % {"c": data.code}, code="programme_exists")
    programme = SubsidyProgramme.objects.create(
        code=data.code, name=data.name, measure=measure, eligibility=data.eligibility, amount_rule=data.amount_rule,
        budget=budget, period=data.period, opens_on=data.opens_on, closes_on=data.closes_on,
        notice_working_days=data.notice_working_days, no_application=data.no_application, item_code=data.item_code,
    )
    audit_record(actor=actor, action="programme.create", object_type="programme", object_id=data.code)
    return programme


def assess(programme: SubsidyProgramme, enterprise: Enterprise, *, on: date) -> tuple[bool, list[str], Decimal, dict]:
    """(eligible, failed conditions, amount by the rule, facts) of an enterprise on a date."""
    facts = rules.facts_of(enterprise, on=on)
    condition = rules.parse(programme.eligibility)
    failed = rules.failures(condition, facts)
    amount = rules.parse_amount(programme.amount_rule).compute(facts)
    return not failed, failed, amount, {k: str(v) for k, v in facts.items()}


def _live_claim_exists(programme, enterprise, period) -> bool:
    return Claim.objects.filter(programme=programme, enterprise=enterprise, period=period).exclude(
        state=ClaimState.REJECTED).exists()


def _duplicate(programme, enterprise, period) -> Conflict:
    return Conflict(_("%(e)s already has a claim for %(p)s in period %(period)s.")
                    % {"e": enterprise.name, "p": programme.name, "period": period}, code="claim_duplicate")


# -- path (a): the enterprise applies --------------------------------------------------------
def claim_apply(*, actor, programme_code: str, credit_code: str, period: str | None = None,
                legal_representative: str = "") -> Claim:
    """An enterprise applies (online when actor is None, or through a clerk at a window). Checked
    against the rules at once; an ineligible application is refused with the failed conditions
    and nothing is written. Filed as a case when the programme names a service item."""
    if actor is not None:
        permissions.require(actor, "file_claim")
    with transaction.atomic():
        programme = _programme(programme_code)
        if programme.no_application:
            raise InvalidInput(_("%(p)s is paid without application; eligible enterprises are notified.")
                               % {"p": programme.name}, code="no_application_programme", field="programme")
        today = timezone.localdate()
        if not programme.opens_on <= today <= programme.closes_on:
            raise InvalidInput(_("Applications for %(p)s are taken from %(a)s to %(b)s.")
                               % {"p": programme.name, "a": programme.opens_on, "b": programme.closes_on},
                               code="application_window_closed", field="programme")
        enterprise = Enterprise.objects.filter(credit_code=(credit_code or "").strip().upper()).first()
        if enterprise is None or (actor is None and enterprise.legal_representative != legal_representative.strip()):
            # online: the credit code and the legal representative must match the record
            raise NotFound(_("No enterprise record matches this credit code and legal representative.")
                           if actor is None else _("No enterprise record for credit code %(c)s.") % {"c": credit_code},
                           code="enterprise_not_found")
        period = period or programme.period
        if _live_claim_exists(programme, enterprise, period):
            raise _duplicate(programme, enterprise, period)
        eligible, failed, amount, facts = assess(programme, enterprise, on=today)
        if not eligible:
            raise InvalidInput(_("%(e)s does not meet the conditions of %(p)s: %(f)s.")
                               % {"e": enterprise.name, "p": programme.name, "f": "; ".join(failed)},
                               code="not_eligible", field="eligibility")
        case = _file_case(actor, programme, enterprise) if programme.item_code else None
        try:
            with transaction.atomic():
                claim = Claim.objects.create(programme=programme, enterprise=enterprise, period=period,
                                             source=ClaimSource.APPLICATION, state=ClaimState.APPLIED, case=case,
                                             facts=facts, computed_amount=amount, created_at=timezone.now())
        except IntegrityError:  # a concurrent application won the race
            raise _duplicate(programme, enterprise, period) from None
        _event(claim, actor=actor, action="apply", note=case.number if case else "")
    return claim


def _file_case(actor, programme: SubsidyProgramme, enterprise: Enterprise):
    from tongban.cases.applicants import ApplicantInput
    from tongban.cases.models import Channel
    from tongban.cases.services import MaterialInput, case_submit
    from tongban.catalog.selectors import item_get_current

    version = item_get_current(code=programme.item_code)
    materials = [MaterialInput(name=m.name, status="exempted", source="policy.enterprise",
                               exemption_reason=_("held by the platform (enterprise record)"))
                 for m in version.materials.all() if m.required]
    return case_submit(
        actor=actor, item_code=programme.item_code, channel=Channel.WINDOW if actor else Channel.ONLINE,
        applicant=ApplicantInput(kind="entity", name=enterprise.name, credit_code=enterprise.credit_code,
                                 legal_representative=enterprise.legal_representative),
        materials=materials, note=programme.name,
    )


# -- path (b): no-application matching -------------------------------------------------------
@dataclass
class MatchResult:
    claims: list[Claim]
    tokens: dict[int, str]  # claim id -> confirmation token (sent to the enterprise, stored hashed)
    checked: int
    skipped_existing: int


@transaction.atomic
def programme_match_run(*, actor, programme_code: str, period: str | None = None) -> MatchResult:
    """Find every eligible enterprise in the records the platform holds and notify it."""
    permissions.require(actor, "review_claim")
    programme = _programme(programme_code, lock=True)
    if not programme.no_application:
        raise InvalidInput(_("%(p)s is paid on application only.") % {"p": programme.name},
                           code="application_programme", field="programme")
    period = period or programme.period
    today = timezone.localdate()
    taken = set(Claim.objects.filter(programme=programme, period=period).exclude(state=ClaimState.REJECTED)
                .values_list("enterprise_id", flat=True))
    result = MatchResult(claims=[], tokens={}, checked=0, skipped_existing=0)
    for enterprise in Enterprise.objects.order_by("id"):
        result.checked += 1
        if enterprise.id in taken:
            result.skipped_existing += 1
            continue
        eligible, _failed, amount, facts = assess(programme, enterprise, on=today)
        if not eligible or amount <= 0:
            continue
        token = secrets.token_urlsafe(16)
        now = timezone.now()
        claim = Claim.objects.create(programme=programme, enterprise=enterprise, period=period,
                                     source=ClaimSource.NO_APPLICATION, state=ClaimState.MATCHED, facts=facts,
                                     computed_amount=amount, created_at=now, notified_at=now,
                                     confirm_token_hash=_token_hash(token))
        _event(claim, actor=actor, action="match", note=_("notified"))
        transaction.on_commit(lambda c=claim: log.info("subsidy match notice to %s (%s)", c.enterprise.name,
                                                       c.programme.code))
        result.claims.append(claim)
        result.tokens[claim.id] = token
    return result


@transaction.atomic
def claim_confirm(*, token: str) -> Claim:
    """The enterprise confirms a matched claim with the token of its notice."""
    claim = Claim.objects.select_for_update().filter(confirm_token_hash=_token_hash(token or "")).first() \
        if token else None
    if claim is None:
        raise NotFound(_("This confirmation code is not valid."), code="claim_not_found")
    if claim.state != ClaimState.MATCHED:
        raise Conflict(_("This claim was confirmed already."), code="invalid_transition")
    claim.state = ClaimState.CONFIRMED
    claim.confirmed_at = timezone.now()
    claim.save(update_fields=["state", "confirmed_at"])
    _event(claim, actor=None, action="confirm", from_state=ClaimState.MATCHED)
    return claim


# -- review, notice, objections --------------------------------------------------------------
@transaction.atomic
def claim_review(*, actor, claim_id: int, amount: Decimal | str | None = None, note: str = "") -> Claim:
    """Approve a claim for public notice at the rule's amount (or less)."""
    permissions.require(actor, "review_claim")
    claim = _claim(claim_id)
    programme = _programme(claim.programme.code, lock=True)
    claim = _claim(claim_id, lock=True)
    if claim.state not in (ClaimState.APPLIED, ClaimState.CONFIRMED):
        raise Conflict(_("A claim that is %(s)s cannot be reviewed.") % {"s": claim.get_state_display()},
                       code="invalid_transition")
    value = claim.computed_amount if amount is None else Decimal(str(amount))
    if not value.is_finite() or value <= 0 or value >= Decimal("1e14") or value != rules.money(value):
        raise InvalidInput(_("The amount must be more than zero, in yuan with at most 2 decimals."), field="amount")
    cap = min(claim.computed_amount, rules.parse_amount(programme.amount_rule).ceiling)
    if value > cap:
        raise InvalidInput(_("%(a)s yuan is over the cap of %(c)s yuan for this enterprise.") % {"a": value, "c": cap},
                           code="amount_over_cap", field="amount")
    reserved = Claim.objects.filter(programme=programme, state=ClaimState.IN_NOTICE).aggregate(
        s=Sum("amount"))["s"] or Decimal(0)
    available = remaining_budget(programme) - reserved
    if value > available:
        raise Conflict(_("%(a)s yuan is more than the programme's remaining budget of %(r)s yuan.")
                       % {"a": value, "r": available}, code="amount_over_budget")
    today = timezone.localdate()
    from_state = claim.state
    claim.amount = value
    claim.state = ClaimState.IN_NOTICE
    claim.reviewed_by = actor
    claim.notice_from = today
    claim.notice_until = calendar.add_working_days(today, programme.notice_working_days)
    claim.note = note
    claim.save(update_fields=["amount", "state", "reviewed_by", "notice_from", "notice_until", "note"])
    _event(claim, actor=actor, action="review", from_state=from_state, note=note)
    return claim


@transaction.atomic
def claim_reject(*, actor, claim_id: int, reason: str) -> Claim:
    permissions.require(actor, "review_claim")
    if not (reason or "").strip():
        raise InvalidInput(_("A rejection needs its reason."), field="reason")
    claim = _claim(claim_id, lock=True)
    if claim.state in (ClaimState.PAID, ClaimState.REJECTED):
        raise Conflict(_("A claim that is %(s)s cannot be rejected.") % {"s": claim.get_state_display()},
                       code="invalid_transition")
    from_state = claim.state
    claim.state = ClaimState.REJECTED
    claim.save(update_fields=["state"])
    _event(claim, actor=actor, action="reject", from_state=from_state, note=reason.strip())
    return claim


@transaction.atomic
def objection_record(*, actor, claim_id: int, text: str) -> Objection:
    """An objection received while the claim is on public notice."""
    permissions.require(actor, "view")
    claim = _claim(claim_id, lock=True)
    today = timezone.localdate()
    if claim.state != ClaimState.IN_NOTICE or today > claim.notice_until:
        raise Conflict(_("Objections are taken only while the claim is on public notice."),
                       code="not_in_notice")
    if not (text or "").strip():
        raise InvalidInput(_("Write down the objection."), field="text")
    objection = Objection.objects.create(claim=claim, received_at=timezone.now(), text=text.strip())
    _event(claim, actor=actor, action="objection", from_state=claim.state, note=text.strip()[:200])
    return objection


@transaction.atomic
def objection_resolve(*, actor, objection_id: int, upheld: bool, resolution: str) -> Objection:
    permissions.require(actor, "review_claim")
    objection = Objection.objects.select_for_update().filter(pk=objection_id).first()
    if objection is None:
        raise NotFound(_("No objection %(id)s.") % {"id": objection_id}, code="objection_not_found")
    if objection.outcome != Objection.Outcome.OPEN:
        raise Conflict(_("This objection was resolved already."), code="objection_resolved")
    if not (resolution or "").strip():
        raise InvalidInput(_("Say how the objection was resolved."), field="resolution")
    objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.DISMISSED
    objection.resolution = resolution.strip()
    objection.resolved_by = actor
    objection.save(update_fields=["outcome", "resolution", "resolved_by"])
    if upheld:
        claim = _claim(objection.claim_id, lock=True)
        claim.state = ClaimState.REJECTED
        claim.save(update_fields=["state"])
        _event(claim, actor=actor, action="objection_upheld", from_state=ClaimState.IN_NOTICE, note=resolution)
    return objection


# -- paying and reversing --------------------------------------------------------------------
def claim_pay(*, actor, claim_id: int, payment_reference: str = "") -> LedgerEntry:
    """Approve the payout of a claim whose public notice has ended: one ledger entry."""
    permissions.require(actor, "approve_payout")
    with transaction.atomic():
        programme_code = _claim(claim_id).programme.code
        programme = _programme(programme_code, lock=True)  # the budget lock comes first, always
        claim = _claim(claim_id, lock=True)
        if claim.state != ClaimState.IN_NOTICE:
            raise Conflict(_("A claim that is %(s)s cannot be paid.") % {"s": claim.get_state_display()},
                           code="invalid_transition")
        today = timezone.localdate()
        if today <= claim.notice_until:
            raise Conflict(_("The public notice runs until %(d)s; the payout can be approved after it ends.")
                           % {"d": claim.notice_until}, code="notice_period_running")
        if claim.objections.filter(outcome=Objection.Outcome.OPEN).exists():
            raise Conflict(_("An objection to this claim is still open."), code="objection_open")
        if claim.reviewed_by_id == actor.pk:
            raise Forbidden(_("The reviewer of a claim cannot also approve its payout."), code="four_eyes")
        remaining = remaining_budget(programme)
        if claim.amount > remaining:
            raise Conflict(_("Paying %(a)s yuan would overspend the budget: %(r)s yuan remain.")
                           % {"a": claim.amount, "r": remaining}, code="budget_exceeded")
        reference = (payment_reference or "").strip() or f"PAY-{programme.code}-{claim.pk:06d}"
        if LedgerEntry.objects.filter(payment_reference=reference).exists():
            raise Conflict(_("Payment reference %(r)s is used already.") % {"r": reference}, code="reference_used")
        measure = programme.measure
        entry = LedgerEntry(
            programme=programme, enterprise=claim.enterprise, claim=claim, kind=LedgerKind.PAYOUT,
            amount=claim.amount, approver=actor, payment_reference=reference[:60], created_at=timezone.now(),
            basis=_("%(doc)s measure %(n)s; %(p)s; %(src)s; notice %(a)s-%(b)s")
            % {"doc": measure.document.title, "n": measure.number, "p": programme.name,
               "src": claim.get_source_display(), "a": claim.notice_from, "b": claim.notice_until},
        )
        entry.save()
        claim.state = ClaimState.PAID
        claim.save(update_fields=["state"])
        _event(claim, actor=actor, action="pay", from_state=ClaimState.IN_NOTICE, note=reference)
    return entry


@dataclass
class PayRun:
    paid: list[LedgerEntry]
    waiting: int  # notice still running or an objection open
    over_budget: int


def programme_pay_due(*, actor, programme_code: str) -> PayRun:
    """Pay every claim of a programme whose notice has ended without an open objection."""
    permissions.require(actor, "approve_payout")
    run = PayRun(paid=[], waiting=0, over_budget=0)
    ids = list(Claim.objects.filter(programme__code=programme_code, state=ClaimState.IN_NOTICE)
               .order_by("id").values_list("id", flat=True))
    for claim_id in ids:
        try:
            run.paid.append(claim_pay(actor=actor, claim_id=claim_id))
        except Conflict as exc:
            if exc.code == "budget_exceeded":
                run.over_budget += 1
            else:
                run.waiting += 1
    return run


@transaction.atomic
def ledger_reverse(*, actor, entry_id: int, reason: str) -> LedgerEntry:
    """Correct a payout by a reversing entry; the claim is closed (rejected) so that a correct
    claim can be filed again."""
    permissions.require(actor, "approve_payout")
    if not (reason or "").strip():
        raise InvalidInput(_("A reversal needs its reason."), field="reason")
    original = LedgerEntry.objects.filter(pk=entry_id).select_related("programme").first()
    if original is None:
        raise NotFound(_("No ledger entry %(id)s.") % {"id": entry_id}, code="ledger_entry_not_found")
    _programme(original.programme.code, lock=True)
    if original.kind != LedgerKind.PAYOUT:
        raise InvalidInput(_("Only a payout can be reversed."), field="entry")
    if LedgerEntry.objects.filter(reverses=original).exists():
        raise Conflict(_("This payout was reversed already."), code="already_reversed")
    reversal = LedgerEntry(
        programme=original.programme, enterprise_id=original.enterprise_id, claim_id=original.claim_id,
        kind=LedgerKind.REVERSAL, amount=-original.amount, reverses=original, approver=actor,
        payment_reference=f"{original.payment_reference}-R"[:60], created_at=timezone.now(),
        basis=_("Reversal of %(ref)s: %(why)s") % {"ref": original.payment_reference, "why": reason.strip()},
    )
    reversal.save()
    claim = _claim(original.claim_id, lock=True)
    claim.state = ClaimState.REJECTED
    claim.save(update_fields=["state"])
    _event(claim, actor=actor, action="reverse", from_state=ClaimState.PAID, note=reason.strip())
    return reversal
