"""Policy API: public measure search and programme list, online application and the
confirmation of a no-application match; staff endpoints for tasks, claims and the ledger."""

from datetime import date

from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from tongban.core.ratelimit import check_rate
from tongban.org.auth import staff_auth
from tongban.policy import payouts, selectors, services
from tongban.policy.schemas import (
    ClaimOut,
    ConfirmIn,
    DepartmentCompletionOut,
    FileClaimIn,
    LedgerOut,
    MatchOut,
    MeasurePageOut,
    ObjectionIn,
    ObjectionOut,
    OnlineClaimIn,
    PayIn,
    ProgrammeOut,
    ReasonIn,
    ReportOut,
    ResolveIn,
    ReviewIn,
    TaskOut,
    TotalOut,
    claim_out,
    ledger_out,
    measure_out,
    task_out,
)

router = Router(tags=["policy"])

def page(offset: int, limit: int, most: int) -> slice:
    """A bounded slice: offsets past a million rows are answered with an empty page."""
    offset = min(max(0, offset), 1_000_000)
    return slice(offset, offset + max(1, min(limit, most)))


# -- public ------------------------------------------------------------------------------------
@router.get("/measures", response=MeasurePageOut, summary="Search published measures")
def measures(request, q: str = "", industry: str = "", size: str = "", location: str = "", department: str = "",
             document: str = "", valid_on: date | None = None, limit: int = 50, offset: int = 0):
    qs = selectors.measure_search(q=q[:100], industry=industry, size=size, location=location,
                                  department=department, document=document, valid_on=valid_on)
    return {"count": qs.count(), "results": [measure_out(m) for m in qs[page(offset, limit, 200)]]}


@router.get("/programmes", response=list[ProgrammeOut], summary="Subsidy programmes")
def programmes(request):
    return [{"code": p.code, "name": p.name, "measure": f"{p.measure.document.code}#{p.measure.number}",
             "period": p.period, "opens_on": p.opens_on, "closes_on": p.closes_on, "no_application": p.no_application,
             "budget": p.budget, "booked": p.booked or 0, "notice_working_days": p.notice_working_days,
             "eligibility": p.eligibility, "amount_rule": p.amount_rule} for p in selectors.programmes()]


@router.post("/programmes/{code}/apply", response={201: ClaimOut}, summary="An enterprise applies online")
def apply_online(request, code: str, payload: OnlineClaimIn):
    check_rate(request, "policy-apply")
    claim = payouts.claim_apply(actor=None, programme_code=code, credit_code=payload.credit_code,
                                period=payload.period, legal_representative=payload.legal_representative)
    return Status(201, claim_out(claim))


@router.post("/claims/confirm", response=ClaimOut, summary="An enterprise confirms a no-application match")
def confirm(request, payload: ConfirmIn):
    check_rate(request, "policy-confirm")
    return claim_out(payouts.claim_confirm(token=payload.token))


# -- staff: reform tasks -------------------------------------------------------------------------
@router.get("/tasks", response=list[TaskOut], auth=staff_auth, summary="Reform tasks (overdue flags)")
def tasks(request, department: str = "", overdue: bool | None = None, limit: int = 300, offset: int = 0):
    today = timezone.localdate()
    qs = selectors.reform_tasks(user=request.auth, department=department, overdue=overdue, today=today)
    return [task_out(t, today) for t in qs[page(offset, limit, 500)]]


@router.get("/tasks/by-department", response=list[DepartmentCompletionOut], auth=staff_auth,
            summary="Leader's view: completion by department")
def tasks_by_department(request):
    return selectors.completion_by_department(user=request.auth)


@router.post("/tasks/{number}/reports", response={201: ReportOut}, auth=staff_auth, summary="Report progress")
def report(request, number: str, text: Form[str], progress: Form[int], milestones_done: Form[str] = "",
           attachment: File[UploadedFile] = None):
    from tongban.cases.files import store
    from tongban.core.errors import InvalidInput

    try:
        done = [int(p) for p in milestones_done.split(",") if p.strip()]
    except ValueError:
        raise InvalidInput("milestones_done is a comma-separated list of milestone numbers.",
                           field="milestones_done") from None
    stored = store(attachment.read(), name=attachment.name or "attachment",
                   claimed_type=attachment.content_type or "") if attachment else None
    r = services.reform_task_report(actor=request.auth, number=number, text=text, progress=progress,
                                    milestones_done=done, attachment=stored)
    return Status(201, {"task": number, "progress": r.progress, "at": r.at, "attachment_name": r.attachment_name})


# -- staff: claims -------------------------------------------------------------------------------
@router.get("/claims", response=list[ClaimOut], auth=staff_auth, summary="Subsidy claims")
def claims(request, programme: str = "", state: str = "", limit: int = 100, offset: int = 0):
    qs = selectors.claims(user=request.auth, programme=programme, state=state)
    return [claim_out(c) for c in qs[page(offset, limit, 500)]]


@router.post("/programmes/{code}/claims", response={201: ClaimOut}, auth=staff_auth,
             summary="File an enterprise's application at a window")
def file_claim(request, code: str, payload: FileClaimIn):
    claim = payouts.claim_apply(actor=request.auth, programme_code=code, credit_code=payload.credit_code,
                                period=payload.period)
    return Status(201, claim_out(claim))


@router.post("/programmes/{code}/match", response=MatchOut, auth=staff_auth,
             summary="No-application run: match and notify eligible enterprises")
def match(request, code: str):
    result = payouts.programme_match_run(actor=request.auth, programme_code=code)
    return {"checked": result.checked, "matched": len(result.claims), "skipped_existing": result.skipped_existing,
            "claims": [claim_out(c) for c in result.claims]}


@router.post("/claims/{claim_id}/review", response=ClaimOut, auth=staff_auth, summary="Review; start the notice")
def review(request, claim_id: int, payload: ReviewIn):
    return claim_out(payouts.claim_review(actor=request.auth, claim_id=claim_id, amount=payload.amount,
                                          note=payload.note))


@router.post("/claims/{claim_id}/reject", response=ClaimOut, auth=staff_auth, summary="Reject a claim")
def reject(request, claim_id: int, payload: ReasonIn):
    return claim_out(payouts.claim_reject(actor=request.auth, claim_id=claim_id, reason=payload.reason))


@router.post("/claims/{claim_id}/objections", response={201: ObjectionOut}, auth=staff_auth,
             summary="Record an objection received during the notice")
def objection(request, claim_id: int, payload: ObjectionIn):
    o = payouts.objection_record(actor=request.auth, claim_id=claim_id, text=payload.text)
    return Status(201, {"id": o.id, "claim": o.claim_id, "outcome": o.outcome})


@router.post("/objections/{objection_id}/resolve", response=ObjectionOut, auth=staff_auth)
def resolve(request, objection_id: int, payload: ResolveIn):
    o = payouts.objection_resolve(actor=request.auth, objection_id=objection_id, upheld=payload.upheld,
                                  resolution=payload.resolution)
    return {"id": o.id, "claim": o.claim_id, "outcome": o.outcome}


@router.post("/claims/{claim_id}/pay", response={201: LedgerOut}, auth=staff_auth,
             summary="Approve the payout (after the notice)")
def pay(request, claim_id: int, payload: PayIn):
    entry = payouts.claim_pay(actor=request.auth, claim_id=claim_id, payment_reference=payload.payment_reference)
    return Status(201, ledger_out(entry))


# -- staff: ledger -------------------------------------------------------------------------------
@router.get("/ledger", response=list[LedgerOut], auth=staff_auth, summary="Payout ledger")
def ledger(request, programme: str = "", limit: int = 200, offset: int = 0):
    qs = selectors.ledger(user=request.auth, programme=programme)
    return [ledger_out(e) for e in qs[page(offset, limit, 1000)]]


@router.get("/ledger/totals", response=list[TotalOut], auth=staff_auth, summary="Totals by programme or department")
def totals(request, by: str = "programme", start: date | None = None, end: date | None = None):
    from tongban.core.errors import InvalidInput

    if by not in ("programme", "department"):
        raise InvalidInput("by is programme or department.", field="by")
    return selectors.ledger_totals(user=request.auth, by=by, start=start, end=end)


@router.post("/ledger/{entry_id}/reverse", response={201: LedgerOut}, auth=staff_auth, summary="Reverse a payout")
def reverse(request, entry_id: int, payload: ReasonIn):
    return Status(201, ledger_out(payouts.ledger_reverse(actor=request.auth, entry_id=entry_id,
                                                         reason=payload.reason)))
