"""Case API. Staff endpoints need a session or token; public ones are rate-limited and take
the applicant's ID number in the body (never in a URL that ends up in logs)."""

import json

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticError

from tongban.cases import extensions, ratings, selectors, services
from tongban.cases.applicants import ApplicantInput, applicant_reveal
from tongban.cases.models import Notification, Rectification
from tongban.cases.notifications import notification_mark_read
from tongban.cases.policy import allowed_actions
from tongban.cases.schemas import (
    ActionIn,
    CaseOut,
    CasePageOut,
    ExtensionDecisionIn,
    ExtensionIn,
    NotificationOut,
    OnlineSubmissionIn,
    PublicCaseOut,
    PublicQueryIn,
    PublicRatingIn,
    PublicWithdrawIn,
    RatingIn,
    RectificationOut,
    RevealIn,
    RevealOut,
    StaffSubmissionIn,
    case_detail,
    case_summary,
    public_case,
    public_status,
)
from tongban.core.errors import InvalidInput, NotFound
from tongban.core.ratelimit import check_rate
from tongban.org.auth import staff_auth
from tongban.org.scoping import scope_by_center

router = Router(tags=["cases"])
public_router = Router(tags=["public"])

MAX_FILES = 20


def _parse(schema, payload: str):
    try:
        return schema.model_validate(json.loads(payload))
    except json.JSONDecodeError:
        raise InvalidInput(_("The payload field must be JSON."), field="payload") from None
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(_("Invalid value for %(f)s: %(m)s") % {"f": where, "m": first["msg"]}, field=where) from None


def _materials(data, files: list[UploadedFile]) -> list[services.MaterialInput]:
    if len(files) > MAX_FILES:
        raise InvalidInput(_("At most %(n)s files per submission.") % {"n": MAX_FILES}, field="files")
    result = []
    for m in data.materials:
        upload = None
        if m.file is not None:
            if m.file >= len(files):
                raise InvalidInput(_("Material %(name)s points at a file that was not uploaded.") % {"name": m.name},
                                   field="materials")
            f = files[m.file]
            upload = services.UploadInput(name=f.name or "upload", data=f.read(), content_type=f.content_type or "")
        result.append(services.MaterialInput(name=m.name, status=m.status, exemption_reason=m.exemption_reason,
                                             file=upload))
    return result


def _applicant(data) -> ApplicantInput:
    a = data.applicant
    return ApplicantInput(kind=a.kind, name=a.name, id_number=a.id_number, phone=a.phone,
                          credit_code=a.credit_code, legal_representative=a.legal_representative)


def _detail(user, case) -> dict:
    case = selectors.case_get_for_staff(user=user, number=case.number if hasattr(case, "number") else case)
    return case_detail(case, events=selectors.case_events(case), allowed_actions=allowed_actions(user, case))


# -- staff ---------------------------------------------------------------------------------
@router.post("", response={201: CaseOut}, auth=staff_auth, summary="File a case at a window")
def submit(request, payload: Form[str], files: File[list[UploadedFile]] = None):
    """Multipart: `payload` is the JSON submission; `files` are the scans (PDF/JPEG/PNG), each
    material pointing at its file by index."""
    data = _parse(StaffSubmissionIn, payload)
    case = services.case_submit(
        actor=request.auth, item_code=data.item_code, applicant=_applicant(data),
        materials=_materials(data, files or []), channel=data.channel, delivery_method=data.delivery_method,
        note=data.note,
    )
    # The case in hand has every relation the detail shows (item, applicant, center, window,
    # clerk) and the rows just written: nothing to read back.
    rows = case.submitted_rows
    return Status(201, case_detail(case, events=rows.events, materials=rows.materials,
                                   allowed_actions=allowed_actions(request.auth, case)))


@router.get("", response=CasePageOut, auth=staff_auth, summary="Case queue (most urgent first)")
def queue(request, state: str | None = None, light: str | None = None, item: str | None = None,
          center: str | None = None, limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 200))
    offset = max(0, min(offset, 100_000))
    cases = selectors.case_queue(user=request.auth, state=state, light=light, item_code=item,
                                 center_code=center, limit=limit, offset=offset)
    return {"limit": limit, "offset": offset, "items": [case_summary(c) for c in cases]}


@router.get("/{number}", response=CaseOut, auth=staff_auth, summary="A case with its materials and timeline")
def detail(request, number: str):
    return _detail(request.auth, number)


ACTIONS = {
    "accept": lambda u, n, d: services.case_accept(actor=u, number=n, expected_version=d.version, note=d.note),
    "refuse": lambda u, n, d: services.case_refuse(actor=u, number=n, reason=d.reason or d.note,
                                                   expected_version=d.version),
    "request_correction": lambda u, n, d: services.case_request_correction(
        actor=u, number=n, missing=d.missing, note=d.note, expected_version=d.version),
    "start_review": lambda u, n, d: services.case_start_review(actor=u, number=n, expected_version=d.version,
                                                               note=d.note),
    "start_special_procedure": lambda u, n, d: services.case_start_special_procedure(
        actor=u, number=n, reason=d.reason, expected_version=d.version, note=d.note),
    "end_special_procedure": lambda u, n, d: services.case_end_special_procedure(
        actor=u, number=n, expected_version=d.version, note=d.note),
    "approve": lambda u, n, d: services.case_approve(actor=u, number=n, expected_version=d.version, note=d.note),
    "deny": lambda u, n, d: services.case_deny(actor=u, number=n, reason=d.reason or d.note,
                                               expected_version=d.version),
    "conclude": lambda u, n, d: services.case_conclude(actor=u, number=n, expected_version=d.version, note=d.note),
    "deliver": lambda u, n, d: services.case_deliver(actor=u, number=n, method=d.method, reference=d.reference,
                                                     expected_version=d.version, note=d.note),
    "withdraw": lambda u, n, d: services.case_withdraw(actor=u, number=n, reason=d.reason or d.note,
                                                       expected_version=d.version),
}


@router.post("/{number}/actions/{action}", response=CaseOut, auth=staff_auth, summary="Act on a case")
def act(request, number: str, action: str, data: ActionIn):
    """Actions: accept, refuse (reason), request_correction (missing: every missing material),
    start_review, start_special_procedure (reason: one of the item's special steps),
    end_special_procedure, approve, deny (reason), conclude, deliver (method, reference), withdraw.
    Send the `version` you saw: if someone acted first you get 409 and nothing changes."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(_("Unknown action %(a)s.") % {"a": action}, code="unknown_action")
    case = handler(request.auth, number, data)
    # The case in hand was loaded with every relation its detail shows (services.DETAIL_RELATED).
    return case_detail(case, events=selectors.case_events(case), allowed_actions=allowed_actions(request.auth, case))


@router.post("/{number}/materials", response=CaseOut, auth=staff_auth, summary="Attach a material")
def add_material(request, number: str, name: Form[str], file: File[UploadedFile], version: Form[int] = None):
    upload = services.UploadInput(name=file.name or "upload", data=file.read(), content_type=file.content_type or "")
    case = services.case_material_add(actor=request.auth, number=number, expected_version=version,
                                      material=services.MaterialInput(name=name[:120], file=upload))
    return _detail(request.auth, case)


@router.post("/{number}/extension", response=CaseOut, auth=staff_auth, summary="Request the one extension")
def request_extension(request, number: str, data: ExtensionIn):
    case = extensions.extension_request(actor=request.auth, number=number, days=data.days, reason=data.reason,
                                        expected_version=data.version)
    return _detail(request.auth, case)


@router.post("/{number}/extension/decision", response=CaseOut, auth=staff_auth,
             summary="Grant or reject an extension (bureau leader)")
def decide_extension(request, number: str, data: ExtensionDecisionIn):
    case = extensions.extension_decide(actor=request.auth, number=number, grant=data.grant, note=data.note)
    return _detail(request.auth, case)


@router.post("/{number}/rating", response={201: dict}, auth=staff_auth,
             summary="Record a rating given at the window")
def record_rating(request, number: str, data: RatingIn):
    case = selectors.case_get_for_staff(user=request.auth, number=number)
    rating = ratings.rating_submit(case=case, score=data.score, text=data.text, channel=data.channel,
                                   actor=request.auth)
    return Status(201, {"score": rating.score, "rectification": hasattr(rating, "rectification")})


@router.post("/{number}/applicant/reveal", response=RevealOut, auth=staff_auth,
             summary="The applicant's full ID number and phone (audited, with purpose)")
def reveal(request, number: str, data: RevealIn):
    case = selectors.case_get_for_staff(user=request.auth, number=number)
    return applicant_reveal(user=request.auth, case=case, purpose=data.purpose)


notifications_router = Router(tags=["cases"])


@notifications_router.get("/notifications", response=list[NotificationOut], auth=staff_auth,
                          summary="My notifications, newest first")
def notifications(request, unread: bool = False):
    qs = Notification.objects.filter(user=request.auth).select_related("case")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [{"id": n.id, "case": n.case.number, "kind": n.kind, "message": n.message, "created_at": n.created_at,
             "read": n.read_at is not None} for n in qs[:100]]


@notifications_router.post("/notifications/{notification_id}/read", response={204: None}, auth=staff_auth,
                           summary="Mark a notification read")
def notification_read(request, notification_id: int):
    if not notification_mark_read(user=request.auth, notification_id=notification_id):
        raise NotFound(_("No such unread notification."))
    return Status(204, None)


@notifications_router.get("/rectifications", response=list[RectificationOut], auth=staff_auth,
                          summary="Rectifications of my centers")
def rectifications(request, state: str | None = None):
    qs = scope_by_center(Rectification.objects.select_related("rating__case"), request.auth)
    if state:
        qs = qs.filter(state=state)
    return [_rectification_out(r) for r in qs.order_by("due_on", "id")[:200]]


def _rectification_out(r) -> dict:
    return {"id": r.id, "case": r.rating.case.number, "score": r.rating.score, "text": r.rating.text,
            "state": r.state, "due_on": r.due_on, "answer": r.answer, "follow_up_note": r.follow_up_note}


@notifications_router.post("/rectifications/{rectification_id}/answer", response=RectificationOut,
                           auth=staff_auth, summary="Answer a poor rating")
def rectification_answer(request, rectification_id: int, answer: Form[str]):
    return _rectification_out(ratings.rectification_answer(actor=request.auth, rectification_id=rectification_id,
                                                           answer=answer))


@notifications_router.post("/rectifications/{rectification_id}/close", response=RectificationOut,
                           auth=staff_auth, summary="Record the follow-up call and close")
def rectification_close(request, rectification_id: int, follow_up_note: Form[str]):
    return _rectification_out(ratings.rectification_close(actor=request.auth, rectification_id=rectification_id,
                                                          follow_up_note=follow_up_note))


# -- public --------------------------------------------------------------------------------
@public_router.post("/applications", response={201: PublicCaseOut}, summary="Apply online")
def apply_online(request, payload: Form[str], files: File[list[UploadedFile]] = None):
    check_rate(request, "apply", per_minute=10)
    data = _parse(OnlineSubmissionIn, payload)
    case = services.case_submit(
        actor=None, item_code=data.item_code, applicant=_applicant(data), materials=_materials(data, files or []),
        channel="online", center_code=data.center, delivery_method=data.delivery_method, note=data.note,
    )
    return Status(201, public_case(case))


@public_router.post("/cases/query", response=PublicCaseOut, summary="Track a case by number and ID number")
def public_query(request, data: PublicQueryIn):
    check_rate(request, "query")
    return public_status(*selectors.case_public_status(number=data.number, id_number=data.id_number))


@public_router.post("/cases/rating", response={201: dict}, summary="Rate a concluded case")
def public_rating(request, data: PublicRatingIn):
    check_rate(request, "rate")
    case = selectors.case_public_lookup(number=data.number, id_number=data.id_number)
    rating = ratings.rating_submit(case=case, score=data.score, text=data.text, channel="online")
    return Status(201, {"score": rating.score, "rectification": hasattr(rating, "rectification")})


@public_router.post("/cases/withdraw", response=PublicCaseOut, summary="Withdraw an application before a decision")
def public_withdraw(request, data: PublicWithdrawIn):
    check_rate(request, "withdraw")
    case = services.case_withdraw_by_applicant(number=data.number, id_number=data.id_number, reason=data.reason)
    return public_case(case)
