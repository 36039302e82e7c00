from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class MeasureOut(Schema):
    document: str
    document_title: str
    number: int
    text: str
    department: str
    department_name: str
    valid_from: date
    valid_until: date | None
    tags: dict[str, list[str]]


class MeasurePageOut(Schema):
    count: int
    results: list[MeasureOut]


class MilestoneOut(Schema):
    position: int
    title: str
    due_on: date
    done_on: date | None


class TaskOut(Schema):
    number: str
    title: str
    department: str
    published_on: date
    deadline: date
    progress: int
    completed_on: date | None
    overdue: bool
    milestones: list[MilestoneOut]


class DepartmentCompletionOut(Schema):
    department: str
    name: str
    total: int
    completed: int
    completed_on_time: int
    overdue_open: int
    completion_rate: float | None


class ReportOut(Schema):
    task: str
    progress: int
    at: datetime
    attachment_name: str


class ProgrammeOut(Schema):
    code: str
    name: str
    measure: str
    period: str
    opens_on: date
    closes_on: date
    no_application: bool
    budget: Decimal
    booked: Decimal
    notice_working_days: int
    eligibility: dict
    amount_rule: dict


class FileClaimIn(Schema):
    credit_code: str = Field(max_length=18)
    period: str | None = Field(default=None, max_length=20)


class OnlineClaimIn(FileClaimIn):
    legal_representative: str = Field(max_length=60)


class ConfirmIn(Schema):
    token: str = Field(max_length=64)


class ReviewIn(Schema):
    amount: Decimal | None = None
    note: str = Field(default="", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class ObjectionIn(Schema):
    text: str = Field(max_length=2000)


class ResolveIn(Schema):
    upheld: bool
    resolution: str = Field(max_length=2000)


class PayIn(Schema):
    payment_reference: str = Field(default="", max_length=60)


class ClaimOut(Schema):
    id: int
    programme: str
    enterprise: str
    credit_code: str
    period: str
    source: str
    state: str
    case_number: str | None
    computed_amount: Decimal
    amount: Decimal | None
    notice_from: date | None
    notice_until: date | None


class ObjectionOut(Schema):
    id: int
    claim: int
    outcome: str


class MatchOut(Schema):
    checked: int
    matched: int
    skipped_existing: int
    claims: list[ClaimOut]


class LedgerOut(Schema):
    id: int
    programme: str
    enterprise: str
    kind: str
    amount: Decimal
    basis: str
    approver: str
    payment_reference: str
    reverses: int | None
    created_at: datetime


class TotalOut(Schema):
    key: str
    total: Decimal
    payouts: int
    reversals: int


def claim_out(c) -> dict:
    return {"id": c.id, "programme": c.programme.code, "enterprise": c.enterprise.name,
            "credit_code": c.enterprise.credit_code, "period": c.period, "source": c.source, "state": c.state,
            "case_number": c.case.number if c.case_id else None, "computed_amount": c.computed_amount,
            "amount": c.amount, "notice_from": c.notice_from, "notice_until": c.notice_until}


def ledger_out(e) -> dict:
    return {"id": e.id, "programme": e.programme.code, "enterprise": e.enterprise.name, "kind": e.kind,
            "amount": e.amount, "basis": e.basis, "approver": e.approver.get_username(),
            "payment_reference": e.payment_reference, "reverses": e.reverses_id, "created_at": e.created_at}


def measure_out(m) -> dict:
    tags: dict[str, list[str]] = {"industry": [], "size": [], "location": []}
    for t in sorted(m.tags.all(), key=lambda t: t.id):  # in the order they were published
        tags.setdefault(t.kind, []).append(t.value)
    return {"document": m.document.code, "document_title": m.document.title, "number": m.number, "text": m.text,
            "department": m.department.code, "department_name": m.department.name, "valid_from": m.valid_from,
            "valid_until": m.valid_until, "tags": tags}


def task_out(t, today) -> dict:
    return {"number": t.number, "title": t.title, "department": t.department.code, "published_on": t.published_on,
            "deadline": t.deadline, "progress": t.progress, "completed_on": t.completed_on,
            "overdue": t.is_overdue(today),
            "milestones": [{"position": m.position, "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
                           for m in t.milestones.all()]}
