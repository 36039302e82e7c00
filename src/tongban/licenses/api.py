from datetime import date, datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from tongban.catalog.models import Department
from tongban.core.errors import Forbidden, NotFound
from tongban.licenses import selectors, services
from tongban.licenses.models import LicenseType
from tongban.org.auth import staff_auth
from tongban.org.models import Role

router = Router(tags=["licenses"])
ISSUING_ROLES = {Role.APPROVER, Role.CENTER_ADMIN, Role.LEADER}


class IssueIn(Schema):
    license_type: str = Field(..., max_length=12)
    holder_name: str = Field(..., max_length=120)
    holder_id_number: str | None = Field(None, max_length=18)
    holder_credit_code: str | None = Field(None, max_length=18)
    data: dict[str, str] = Field(default_factory=dict)
    issuer_department: str = Field(..., max_length=40)
    source_case_number: str = Field("", max_length=40)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class LicenseOut(Schema):
    identifier: str
    license_type: str
    type_name: str
    holder_name: str
    holder_id_masked: str
    issuer_department: str
    source_case_number: str
    version: int
    status: str
    valid_from: date
    valid_until: date | None
    issued_at: datetime
    qr_payload: str | None = None
    pdf_sha256: str | None = None


class QrIn(Schema):
    payload: str = Field(..., max_length=2000)


class CheckOut(Schema):
    valid: bool
    found: bool
    reasons: list[str]
    identifier: str
    status: str


def _out(lic, *, full: bool = False) -> dict:
    data = {
        "identifier": lic.identifier, "license_type": lic.license_type.code, "type_name": lic.license_type.name,
        "holder_name": lic.holder_name, "holder_id_masked": selectors.holder_id_masked(lic),
        "issuer_department": lic.issuer_department.code, "source_case_number": lic.source_case_number,
        "version": lic.version, "status": lic.effective_status(), "valid_from": lic.valid_from,
        "valid_until": lic.valid_until, "issued_at": lic.issued_at,
    }
    if full:
        data.update(qr_payload=lic.qr_payload, pdf_sha256=lic.pdf_sha256)
    return data


def _require_issuer(request):
    profile = getattr(request.user, "staff", None)
    if profile is None or profile.role not in ISSUING_ROLES:
        raise Forbidden(_("Only approvers, center administrators and leaders issue or revoke licenses."))


def _get(identifier: str, user=None):
    lic = selectors.license_get(identifier=identifier)
    if lic is None or (user is not None and not _may_see_source_case(user, lic)):
        raise NotFound(_("No license %(id)s.") % {"id": identifier}, code="license_not_found")
    return lic


def _may_see_source_case(user, lic) -> bool:
    """A license issued from a case is read by staff who may see that case (its center)."""
    return _may_see_case_number(user, lic.source_case_number)


def _may_see_case_number(user, number: str) -> bool:
    """True without a case number, or when the case is unknown here (e.g. another system's)."""
    if not number:
        return True
    from tongban.cases.models import Case
    from tongban.org.scoping import may_see_center

    center_id = Case.objects.filter(number=number).values_list("center_id", flat=True).first()
    return center_id is None or may_see_center(user, center_id)


@router.post("/", response={201: LicenseOut}, auth=staff_auth, summary="Issue a license")
def issue(request, payload: IssueIn):
    _require_issuer(request)
    number = payload.source_case_number.strip()
    if not _may_see_case_number(request.user, number):
        # a license for a case of a center the issuer may not see: as if the case did not exist
        raise NotFound(_("No case with number %(n)s.") % {"n": number}, code="case_not_found")
    lt = LicenseType.objects.filter(code=payload.license_type.upper()).first()
    if lt is None:
        raise NotFound(_("Unknown license type %(t)s.") % {"t": payload.license_type}, code="license_type_not_found")
    dept = Department.objects.filter(code=payload.issuer_department).first()
    if dept is None:
        raise NotFound(_("Unknown department %(d)s.") % {"d": payload.issuer_department}, code="department_not_found")
    lic = services.license_issue(
        license_type=lt, holder_name=payload.holder_name, holder_id_number=payload.holder_id_number,
        holder_credit_code=payload.holder_credit_code, data=payload.data, issuer_department=dept,
        source_case_number=payload.source_case_number, actor=request.user,
    )
    return Status(201, _out(lic, full=True))


@router.get("/", response=list[LicenseOut], auth=staff_auth, summary="Licenses of one person or enterprise")
def holder_licenses(request, id_number: str | None = None, credit_code: str | None = None):
    return [_out(lic) for lic in selectors.licenses_for_holder(id_number=id_number, credit_code=credit_code)[:200]]


@router.get("/revocations", summary="The signed revocation list (public)")
def revocations(request):
    row = selectors.revocation_list_latest()
    if row is None:
        raise NotFound(_("No revocation list has been published."), code="revocation_list_missing")
    return selectors.revocation_list_document(row)


@router.post("/check", response=CheckOut, summary="Verify a QR payload or identifier (public)")
def check(request, payload: QrIn):
    result = selectors.license_public_check(code=payload.payload)
    return {"valid": result.valid, "found": result.found, "reasons": result.reasons,
            "identifier": result.identifier, "status": result.status}


@router.get("/{identifier}", response=LicenseOut, auth=staff_auth, summary="One license")
def detail(request, identifier: str):
    return _out(_get(identifier, request.user), full=True)


@router.get("/{identifier}/pdf", auth=staff_auth, summary="The sealed PDF")
def pdf(request, identifier: str):
    lic = _get(identifier, request.user)
    response = HttpResponse(bytes(lic.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{lic.identifier}.pdf"'
    return response


@router.post("/{identifier}/revoke", response=LicenseOut, auth=staff_auth, summary="Revoke a license")
def revoke(request, identifier: str, payload: ReasonIn):
    _require_issuer(request)
    return _out(services.license_revoke(license=_get(identifier, request.user), reason=payload.reason, actor=request.user))


@router.post("/{identifier}/suspend", response=LicenseOut, auth=staff_auth, summary="Suspend a license")
def suspend(request, identifier: str, payload: ReasonIn):
    _require_issuer(request)
    return _out(services.license_suspend(license=_get(identifier, request.user), reason=payload.reason, actor=request.user))
