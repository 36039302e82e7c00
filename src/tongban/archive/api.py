from datetime import date, datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from tongban.archive import selectors, services
from tongban.cases.selectors import case_get_for_staff
from tongban.core.errors import Forbidden
from tongban.org.auth import staff_auth
from tongban.org.models import Role
from tongban.org.scoping import has_role

router = Router(tags=["archive"], auth=staff_auth)


class PackageOut(Schema):
    case_number: str
    item_code: str
    item_name: str
    applicant: str
    concluded_on: date
    archived_at: datetime
    retention: str
    retain_until: date | None
    files: int
    bytes: int
    register_batch: int | None
    disposed_at: datetime | None


class SearchIn(Schema):
    case_number: str = Field("", max_length=24)
    applicant_id: str = Field("", max_length=18)
    item_code: str = Field("", max_length=40)
    date_from: date | None = None
    date_to: date | None = None


class EventOut(Schema):
    at: datetime
    event_type: str
    outcome: str
    detail: str


class StatusOut(Schema):
    case_number: str
    state: str
    reason: str
    attempts: int
    events: list[EventOut]


def _out(p) -> dict:
    return {"case_number": p.case_number, "item_code": p.item_code, "item_name": p.item_name,
            "applicant": p.applicant_masked, "concluded_on": p.concluded_on, "archived_at": p.archived_at,
            "retention": p.retention, "retain_until": p.retain_until, "files": p.file_count, "bytes": p.size,
            "register_batch": p.batch.seq if p.batch else None, "disposed_at": p.disposed_at}


@router.get("/packages", response=list[PackageOut])
def search(request, q: Query[SearchIn]):
    rows = selectors.package_search(user=request.user, case_number=q.case_number, applicant_id=q.applicant_id,
                                    item_code=q.item_code, date_from=q.date_from, date_to=q.date_to)
    return [_out(p) for p in rows]


@router.get("/cases/{number}", response=StatusOut)
def status(request, number: str):
    case_get_for_staff(user=request.user, number=number)  # 404 outside the user's centers
    record = selectors.record_status(case_number=number)
    return {"case_number": number, "state": record.state if record else "not_archived",
            "reason": record.reason if record else "", "attempts": record.attempts if record else 0,
            "events": [{"at": e.at, "event_type": e.event_type, "outcome": e.outcome, "detail": e.detail}
                       for e in selectors.package_events(case_number=number)]}


@router.get("/packages/{number}/proof")
def proof(request, number: str):
    return selectors.package_proof(selectors.package_get(user=request.user, case_number=number))


@router.get("/packages/{number}/export")
def export(request, number: str):
    if not has_role(request.user, Role.CENTER_ADMIN, Role.LEADER):
        raise Forbidden(_("Only center administrators and leaders export archive packages for transfer."),
                        code="forbidden_action")
    package = selectors.package_get(user=request.user, case_number=number)
    data = services.package_export(actor=request.user, package=package)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="archive-{number}.zip"'
    return response
