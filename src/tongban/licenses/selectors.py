"""Reads of the licenses app: holder look-up (one indexed query), verification."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import pii
from tongban.core.errors import InvalidInput
from tongban.core.validation import validate_credit_code, validate_id_number
from tongban.licenses import identifiers, qr
from tongban.licenses.models import License, LicenseStatus, RevocationList
from tongban.licenses.services import HOLDER_CONTEXT, holder_blind_index
from tongban.signing import platform_keys


def _list_qs() -> QuerySet[License]:
    return License.objects.select_related("license_type", "issuer_department").defer("pdf", "qr_payload")


def licenses_for_holder(*, id_number: str | None = None, credit_code: str | None = None) -> QuerySet[License]:
    """Every license of one person (ID number) or enterprise (credit code), newest first."""
    if bool(id_number) == bool(credit_code):
        raise InvalidInput(_("Give an ID number or a credit code."), field="id_number")
    value = validate_id_number(id_number) if id_number else validate_credit_code(credit_code)
    return _list_qs().filter(holder_index=holder_blind_index(value)).order_by("-issued_at", "-id")


def license_get(*, identifier: str) -> License | None:
    return License.objects.select_related("license_type", "issuer_department", "seal").filter(
        identifier=identifier.strip().upper()).first()


def holder_id(lic: License) -> str:
    return pii.decrypt(bytes(lic.holder_id_encrypted), context=HOLDER_CONTEXT)


def holder_id_masked(lic: License) -> str:
    value = holder_id(lic)
    return value if lic.holder_kind == "entity" else pii.mask_id_number(value)


def revocation_list_latest() -> RevocationList | None:
    return RevocationList.objects.order_by("-number").first()


def revocation_list_document(row: RevocationList) -> dict:
    return {"body": row.body, "alg": row.alg, "kid": row.kid, "signature": row.signature}


def revocation_list_verify(document: dict, *, keys: dict | None = None) -> dict[str, str]:
    """Check a published list's signature; return identifier -> status. ValueError if forged."""
    body = document["body"]
    ok = platform_keys.verify_bytes(body.encode(), alg=document["alg"], kid=document["kid"],
                                    signature=base64.b64decode(document["signature"]), keys=keys)
    if not ok:
        raise ValueError("revocation list signature does not verify")
    return {e["id"]: e["status"] for e in json.loads(body)["entries"]}


@dataclass
class PublicCheck:
    """What the public verification page shows: no personal data beyond a masked holder."""

    found: bool
    valid: bool
    reasons: list[str]
    identifier: str = ""
    type_name: str = ""
    holder: str = ""
    holder_id: str = ""
    issuer: str = ""
    valid_from: object = None
    valid_until: object = None
    status: str = ""
    status_label: str = ""
    status_reason: str = ""
    qr_checked: bool = False


STATUS_REASON = {
    LicenseStatus.REVOKED: _("The license has been revoked."),
    LicenseStatus.SUSPENDED: _("The license is suspended."),
    LicenseStatus.EXPIRED: _("The license has expired."),
    LicenseStatus.SUPERSEDED: _("A newer version of this license has been issued."),
}


def license_public_check(*, code: str) -> PublicCheck:
    """Verify a QR payload or a license identifier against the signature and the register."""
    code = (code or "").strip()
    reasons: list[str] = []
    qr_checked = False
    if code.upper().startswith(qr.PREFIX):
        result = qr.verify(code)
        qr_checked = True
        if not result.identifier:
            return PublicCheck(False, False, result.reasons, qr_checked=True)
        reasons += result.reasons
        identifier = result.identifier
    else:
        try:
            identifier = str(identifiers.parse(code))
        except InvalidInput as exc:
            return PublicCheck(False, False, [str(exc.message)])
    lic = license_get(identifier=identifier)
    if lic is None:
        return PublicCheck(False, False, reasons + [_("No license with this identifier was issued here.")],
                           identifier=identifier, qr_checked=qr_checked)
    status = lic.effective_status()
    if status != LicenseStatus.VALID:
        # the register is authoritative: revoked, suspended, expired or superseded
        reasons = [str(STATUS_REASON[status])]
    reasons = [str(r) for r in reasons]
    return PublicCheck(
        found=True, valid=not reasons and status == LicenseStatus.VALID, reasons=reasons,
        identifier=lic.identifier, type_name=lic.license_type.name, holder=pii.mask_name(lic.holder_name)
        if lic.holder_kind == "person" else lic.holder_name, holder_id=_masked_public(lic),
        issuer=lic.issuer_department.name, valid_from=lic.valid_from, valid_until=lic.valid_until,
        status=status, status_label=str(LicenseStatus(status).label), status_reason=lic.status_reason,
        qr_checked=qr_checked,
    )


def _masked_public(lic: License) -> str:
    value = holder_id(lic)
    if lic.holder_kind == "entity":
        return value  # a credit code is public information
    return pii.mask_id_number(value)


def today():
    return timezone.localdate()
