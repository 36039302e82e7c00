from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from tongban.core.errors import InvalidInput, NotFound
from tongban.org.auth import staff_auth
from tongban.signing import selectors
from tongban.signing.schemas import SealOut, SealUseOut, VerifyOut

router = Router(tags=["signing"])
MAX_PDF = 20 * 1024 * 1024


def _seal_out(seal) -> dict:
    return {"code": seal.code, "name": seal.name, "kind": seal.kind, "department": seal.department.code,
            "status": seal.status, "valid_from": seal.valid_from, "valid_until": seal.valid_until,
            "certificate_serial": seal.certificate.serial_number}


@router.get("/seals", response=list[SealOut], auth=staff_auth, summary="The seal registry")
def seals(request, department: str | None = None):
    return [_seal_out(s) for s in selectors.seal_list(department_code=department)]


@router.get("/seals/{code}/uses", response=list[SealUseOut], auth=staff_auth, summary="Every use of a seal")
def seal_uses(request, code: str, limit: int = 50):
    seal = selectors.seal_get(code=code)
    if seal is None:
        raise NotFound(_("No seal %(code)s.") % {"code": code}, code="seal_not_found")
    return [
        {"at": u.at, "document_kind": u.document_kind, "document_ref": u.document_ref,
         "document_sha256": u.document_sha256, "document_sm3": u.document_sm3,
         "case_number": u.case_number, "actor": u.actor_label}
        for u in selectors.seal_uses(seal=seal)[: max(1, min(limit, 500))]
    ]


@router.post("/verify", response=VerifyOut, summary="Verify a sealed PDF (public)")
def verify_pdf(request, file: File[UploadedFile]):
    if file.size > MAX_PDF:
        raise InvalidInput(_("The file is larger than 20 MB."), field="file")
    report = selectors.pdf_verify(file.read())
    return {"valid": report.valid, "reasons": report.reasons,
            "signatures": [s.__dict__ for s in report.signatures]}
