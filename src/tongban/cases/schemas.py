from datetime import date, datetime

from pydantic import Field

from tongban.cases import clock
from tongban.cases.models import CaseState
from tongban.core.pii import mask_name
from tongban.core.schemas import DataSchema


class ApplicantIn(DataSchema):
    kind: str = Field("person", pattern="^(person|entity)$")
    name: str = Field(..., min_length=1, max_length=100)
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    credit_code: str = Field("", max_length=30)
    legal_representative: str = Field("", max_length=60)


class MaterialIn(DataSchema):
    name: str = Field(..., min_length=1, max_length=120)
    status: str = Field("received", pattern="^(received|exempted)$")
    exemption_reason: str = Field("", max_length=200)
    file: int | None = Field(None, ge=0, le=19, description="index into the uploaded files")


class SubmissionIn(DataSchema):
    item_code: str = Field(..., min_length=1, max_length=40)
    applicant: ApplicantIn
    materials: list[MaterialIn] = Field(default_factory=list, max_length=40)
    delivery_method: str = Field("pickup", pattern="^(pickup|post|electronic)$")
    note: str = Field("", max_length=500)


class StaffSubmissionIn(SubmissionIn):
    channel: str = Field("window", pattern="^(window|self_service|holiday_window|cross_region)$")


class OnlineSubmissionIn(SubmissionIn):
    center: str | None = Field(None, max_length=40)


class ActionIn(DataSchema):
    version: int | None = Field(None, ge=1, description="the version you saw; a newer one gives 409")
    note: str = Field("", max_length=1000)
    reason: str = Field("", max_length=500)
    missing: list[str] = Field(default_factory=list, max_length=40)
    method: str | None = Field(None, pattern="^(pickup|post|electronic)$")
    reference: str = Field("", max_length=60)


class ExtensionIn(DataSchema):
    version: int | None = Field(None, ge=1)
    days: int = Field(..., ge=1, le=10)
    reason: str = Field(..., min_length=1, max_length=200)


class ExtensionDecisionIn(DataSchema):
    grant: bool
    note: str = Field("", max_length=500)


class RatingIn(DataSchema):
    score: int = Field(..., ge=1, le=5)
    text: str = Field("", max_length=500)
    channel: str = Field("window", pattern="^(window|online|phone|sms|self_service)$")


class PublicQueryIn(DataSchema):
    number: str = Field(..., min_length=1, max_length=24)
    id_number: str = Field(..., min_length=1, max_length=30)


class PublicRatingIn(PublicQueryIn):
    score: int = Field(..., ge=1, le=5)
    text: str = Field("", max_length=500)


class PublicWithdrawIn(PublicQueryIn):
    reason: str = Field("", max_length=500)


class RevealIn(DataSchema):
    purpose: str = Field(..., min_length=2, max_length=200)


class ApplicantOut(DataSchema):
    kind: str
    name: str
    id_number_masked: str
    phone_masked: str
    credit_code: str


class MaterialOut(DataSchema):
    name: str
    status: str
    exemption_reason: str
    source: str
    sha256: str
    content_type: str
    size: int
    original_name: str


class EventOut(DataSchema):
    at: datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    note: str


class CaseSummaryOut(DataSchema):
    number: str
    state: str
    state_label: str
    version: int
    item_code: str
    item_name: str
    applicant_name: str
    center: str
    channel: str
    submitted_at: datetime
    promised_due: date | None
    light: str


class CaseOut(CaseSummaryOut):
    item_version: int
    applicant: ApplicantOut
    window: str | None
    id_only: bool
    accepted_on: date | None
    legal_due: date | None
    remaining_working_days: int | None
    paused: bool
    paused_working_days: int
    extension_days: int
    on_time: bool | None
    duration_days: int | None
    outcome_note: str
    delivery_method: str
    delivery_reference: str
    materials: list[MaterialOut]
    events: list[EventOut]
    allowed_actions: list[str]


class CasePageOut(DataSchema):
    limit: int
    offset: int
    items: list[CaseSummaryOut]


class PublicCaseOut(DataSchema):
    number: str
    state: str
    state_label: str
    item_name: str
    applicant_name: str
    id_number_masked: str
    center: str
    submitted_at: datetime
    promised_due: date | None
    timeline: list[dict]
    rated: bool


class RevealOut(DataSchema):
    id_number: str
    phone: str


class NotificationOut(DataSchema):
    id: int
    case: str
    kind: str
    message: str
    created_at: datetime
    read: bool


class RectificationOut(DataSchema):
    id: int
    case: str
    score: int
    text: str
    state: str
    due_on: date
    answer: str
    follow_up_note: str


def case_summary(case) -> dict:
    return {
        "number": case.number, "state": case.state, "state_label": str(case.get_state_display()),
        "version": case.version, "item_code": case.item_version.item.code, "item_name": case.item_version.name,
        "applicant_name": case.applicant.name, "center": case.center.code, "channel": case.channel,
        "submitted_at": case.submitted_at, "promised_due": case.promised_due, "light": case.light,
    }


def case_detail(case, *, events, allowed_actions, materials=None) -> dict:
    data = case_summary(case)
    applicant = case.applicant
    data.update(
        item_version=case.item_version.version,
        applicant={"kind": applicant.kind, "name": applicant.name, "id_number_masked": applicant.id_number_masked,
                   "phone_masked": applicant.phone_masked, "credit_code": applicant.credit_code},
        window=case.window.number if case.window_id else None, id_only=case.id_only,
        accepted_on=case.accepted_on, legal_due=case.legal_due,
        remaining_working_days=clock.remaining_working_days(case), paused=case.paused_since is not None,
        paused_working_days=case.paused_days, extension_days=case.extension_days, on_time=case.on_time,
        duration_days=case.duration_days, outcome_note=case.outcome_note,
        delivery_method=case.delivery_method, delivery_reference=case.delivery_reference,
        materials=[
            {"name": m.name, "status": m.status, "exemption_reason": m.exemption_reason, "source": m.source,
             "sha256": m.sha256, "content_type": m.content_type, "size": m.size, "original_name": m.original_name}
            for m in (case.materials.all() if materials is None else materials)
        ],
        events=[
            {"at": e.at, "actor": e.actor_label, "action": e.action, "from_state": e.from_state,
             "to_state": e.to_state, "note": e.note}
            for e in events
        ],
        allowed_actions=allowed_actions,
    )
    return data


PUBLIC_ACTIONS = {"submit", "accept", "refuse", "request_correction", "start_review", "start_special_procedure",
                  "end_special_procedure", "approve", "deny", "conclude", "deliver", "withdraw"}


def public_case(case) -> dict:
    return {
        "number": case.number, "state": case.state, "state_label": str(case.get_state_display()),
        "item_name": case.item_version.name, "applicant_name": mask_name(case.applicant.name),
        "id_number_masked": case.applicant.id_number_masked or case.applicant.credit_code,
        "center": case.center.name, "submitted_at": case.submitted_at, "promised_due": case.promised_due,
        "timeline": [
            {"at": e.at.isoformat(), "action": e.action, "to_state": e.to_state}
            for e in case.events.order_by("id") if e.action in PUBLIC_ACTIONS
        ],
        "rated": hasattr(case, "rating"),
    }


_STATE_LABELS = dict(CaseState.choices)


def public_status(row: dict, timeline: list[tuple]) -> dict:
    """public_case() from the plain row and events of selectors.case_public_status()."""
    return {
        "number": row["number"], "state": row["state"], "state_label": str(_STATE_LABELS.get(row["state"], row["state"])),
        "item_name": row["item_version__name"], "applicant_name": mask_name(row["applicant__name"]),
        "id_number_masked": row["applicant__id_number_masked"] or row["applicant__credit_code"],
        "center": row["center__name"], "submitted_at": row["submitted_at"], "promised_due": row["promised_due"],
        "timeline": [{"at": at.isoformat(), "action": action, "to_state": to_state} for at, action, to_state in timeline],
        "rated": row["rated"],
    }
