"""Writes of the licenses app: license types, issuance, new versions, suspension, revocation,
expiry and the signed revocation list. Nothing is issued with a seal that cannot be used."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import Department
from tongban.core import pii
from tongban.core.canonical import canonical_json
from tongban.core.errors import Conflict, InvalidInput
from tongban.core.services import audit_record
from tongban.core.validation import validate_credit_code, validate_id_number
from tongban.licenses import identifiers, qr
from tongban.licenses.models import (
    HolderKind,
    License,
    LicenseCategory,
    LicenseEvent,
    LicenseStatus,
    LicenseType,
    RevocationList,
)
from tongban.licenses.render import render_license
from tongban.signing import platform_keys
from tongban.signing import selectors as signing_selectors
from tongban.signing import services as signing_services
from tongban.signing.models import SealKind

HOLDER_CONTEXT = "license.holder_id"
TYPE_CODE_RE = re.compile(r"^[0-9A-Z]{2,12}$")


def issuer_code(department: Department) -> str:
    """Region code + the department code in capitals, e.g. 611100MARKET."""
    return f"{settings.TONGBAN_REGION_CODE}{re.sub(r'[^0-9A-Za-z]', '', department.code).upper()}"[:40]


def holder_blind_index(value: str) -> str:
    return pii.blind_index(value, kind="license_holder")


@transaction.atomic
def license_type_ensure(*, code: str, name: str, category: str = LicenseCategory.LICENSE,
                        holder_kind: str = HolderKind.ENTITY, validity_years: int | None = None,
                        data_fields: list[dict] | None = None, issuing_authority_level: str = "") -> LicenseType:
    code = (code or "").strip().upper()
    if not TYPE_CODE_RE.match(code):
        raise InvalidInput(_("A license type code is 2-12 digits or capital letters."), field="code")
    existing = LicenseType.objects.filter(code=code).first()
    if existing:
        return existing
    lt = LicenseType(code=code, name=name, category=category, holder_kind=holder_kind,
                     validity_years=validity_years, data_fields=data_fields or [],
                     issuing_authority_level=issuing_authority_level)
    lt.full_clean()
    lt.save()
    return lt


def _event(lic: License, *, action: str, before: str, after: str, actor, note: str = "") -> None:
    LicenseEvent.objects.create(license=lic, action=action, from_status=before, to_status=after,
                                actor=actor if actor is not None and actor.is_authenticated else None,
                                note=note[:200])
    audit_record(actor=actor, action=f"licenses.{action}", object_type="license", object_id=lic.identifier,
                 detail={"from": before, "to": after, "note": note[:200]})


def _check_holder(license_type: LicenseType, id_number: str | None, credit_code: str | None) -> tuple[str, str]:
    if bool(id_number) == bool(credit_code):
        raise InvalidInput(_("Give the holder's ID number or credit code (exactly one)."), field="holder_id_number")
    if id_number:
        if license_type.holder_kind != HolderKind.PERSON:
            raise InvalidInput(_("A %(t)s is issued to an enterprise: give its credit code.")
                               % {"t": license_type.name}, field="holder_credit_code")
        return HolderKind.PERSON, validate_id_number(id_number)
    if license_type.holder_kind != HolderKind.ENTITY:
        raise InvalidInput(_("A %(t)s is issued to a person: give the ID number.") % {"t": license_type.name},
                           field="holder_id_number")
    return HolderKind.ENTITY, validate_credit_code(credit_code)


def _check_data(license_type: LicenseType, data: dict) -> dict:
    if not isinstance(data, dict):
        raise InvalidInput(_("License data must be a set of named items."), field="data")
    clean = {}
    for spec in license_type.data_fields:
        value = data.get(spec["key"])
        if value in (None, "") and spec.get("required", True):
            raise InvalidInput(_("The item %(label)s is required on a %(t)s.")
                               % {"label": spec["label"], "t": license_type.name}, field=f"data.{spec['key']}")
        if value not in (None, ""):
            if not isinstance(value, (str, int, float)) or len(str(value)) > 300:
                raise InvalidInput(_("The item %(label)s is too long or not text.") % {"label": spec["label"]},
                                   field=f"data.{spec['key']}")
            clean[spec["key"]] = str(value).strip()
    unknown = set(data) - {s["key"] for s in license_type.data_fields}
    if unknown:
        raise InvalidInput(_("Unknown items for a %(t)s: %(k)s.") % {"t": license_type.name,
                                                                      "k": ", ".join(sorted(unknown))}, field="data")
    return clean


def _seal_for(department: Department):
    seal = (signing_selectors.seal_for_department(department_code=department.code, kind=SealKind.LICENSE)
            or signing_selectors.seal_for_department(department_code=department.code))
    if seal is None:
        any_seal = department.seals.order_by("-created_at").first()
        if any_seal is not None:
            signing_services.seal_check_usable(any_seal)  # raises with the precise reason
        raise Conflict(_("%(d)s has no usable seal: a license cannot be issued.") % {"d": department.name},
                       code="seal_missing")
    signing_services.seal_check_usable(seal)
    return seal


def _validity(license_type: LicenseType, valid_from: date, valid_until: date | None) -> date | None:
    if valid_until is None and license_type.validity_years:
        try:
            valid_until = valid_from.replace(year=valid_from.year + license_type.validity_years)
        except ValueError:  # 29 February
            valid_until = valid_from.replace(year=valid_from.year + license_type.validity_years, day=28)
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(_("The license cannot end before it starts."), field="valid_until")
    return valid_until


def _produce(lic: License, *, holder_id: str, seal, actor) -> None:
    """QR payload, rendered PDF, the seal on it."""
    lt = lic.license_type
    lic.holder_hash = qr.holder_hash(lic.identifier, holder_id).hex()
    lic.qr_payload = qr.encode(identifier=lic.identifier, type_code=lt.code,
                               holder_hash_value=bytes.fromhex(lic.holder_hash), valid_from=lic.valid_from,
                               valid_until=lic.valid_until, issued_at=lic.issued_at)
    labels = {f["key"]: f["label"] for f in lt.data_fields}
    validity = (f"{lic.valid_from:%Y年%m月%d日} 至 {lic.valid_until:%Y年%m月%d日}" if lic.valid_until
                else f"{lic.valid_from:%Y年%m月%d日} 至 长期")
    pdf, box = render_license(
        title=lt.name, identifier=lic.identifier,
        holder_label="名称" if lic.holder_kind == HolderKind.ENTITY else "姓名",
        holder_name=lic.holder_name,
        holder_id_label="统一社会信用代码" if lic.holder_kind == HolderKind.ENTITY else "公民身份号码",
        holder_id_masked=holder_id if lic.holder_kind == HolderKind.ENTITY else pii.mask_id_number(holder_id),
        rows=[(labels.get(k, k), v) for k, v in lic.data.items()],
        issuer_name=lic.issuer_department.name, issued_on=f"{timezone.localdate(lic.issued_at):%Y年%m月%d日}",
        validity=validity, qr_png=qr.image_png(lic.qr_payload),
        note=f"版本 {lic.version}" + (f" · 办件 {lic.source_case_number}" if lic.source_case_number else ""),
    )
    sealed = signing_services.seal_apply(seal=seal, pdf=pdf, actor=actor, document_kind="license",
                                         document_ref=lic.identifier, case_number=lic.source_case_number, box=box)
    lic.pdf = sealed
    lic.pdf_sha256 = hashlib.sha256(sealed).hexdigest()


@transaction.atomic
def license_issue(*, license_type: LicenseType, holder_name: str, holder_id_number: str | None = None,
                  holder_credit_code: str | None = None, data: dict, issuer_department: Department,
                  source_case_number: str = "", actor=None, valid_from: date | None = None,
                  valid_until: date | None = None) -> License:
    """Issue a license: identifier, signed QR payload, PDF sealed with the department's seal."""
    if not license_type.is_active:
        raise Conflict(_("%(t)s is no longer issued.") % {"t": license_type.name}, code="license_type_inactive")
    holder_name = (holder_name or "").strip()
    if not holder_name or len(holder_name) > 120:
        raise InvalidInput(_("The holder's name is required (at most 120 characters)."), field="holder_name")
    kind, holder_id = _check_holder(license_type, holder_id_number, holder_credit_code)
    clean = _check_data(license_type, data)
    seal = _seal_for(issuer_department)
    valid_from = valid_from or timezone.localdate()
    valid_until = _validity(license_type, valid_from, valid_until)
    issuer = issuer_code(issuer_department)
    last = (License.objects.select_for_update().filter(license_type=license_type, issuer_code=issuer)
            .aggregate(m=Max("serial"))["m"])
    serial = f"{int(last or 0) + 1:08d}"
    ident = identifiers.build(type_code=license_type.code, issuer=issuer, serial=serial, version=1)
    lic = License(
        identifier=str(ident), license_type=license_type, issuer_code=issuer, serial=serial, version=1,
        holder_name=holder_name, holder_kind=kind,
        holder_id_encrypted=pii.encrypt(holder_id, context=HOLDER_CONTEXT),
        holder_index=holder_blind_index(holder_id), data=clean, issuer_department=issuer_department,
        source_case_number=(source_case_number or "").strip()[:40], valid_from=valid_from, valid_until=valid_until,
        seal=seal, issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _produce(lic, holder_id=holder_id, seal=seal, actor=actor)
    lic.full_clean(exclude=["pdf", "holder_id_encrypted", "seal", "issuer_department", "license_type"])
    lic.save()
    _event(lic, action="issue", before="", after=LicenseStatus.VALID, actor=actor,
           note=lic.source_case_number)
    return lic


@transaction.atomic
def license_amend(*, license: License, data: dict | None = None, holder_name: str | None = None,
                  actor=None, note: str = "") -> License:
    """A new version of the license (same serial); the previous version is superseded."""
    old = License.objects.select_for_update().get(pk=license.pk)
    if old.status != LicenseStatus.VALID:
        raise Conflict(_("Only a valid license can be amended; this one is %(s)s.")
                       % {"s": old.get_status_display()}, code="license_not_valid")
    lt = old.license_type
    clean = _check_data(lt, {**old.data, **(data or {})})
    seal = _seal_for(old.issuer_department)
    holder_id = pii.decrypt(bytes(old.holder_id_encrypted), context=HOLDER_CONTEXT)
    version = old.version + 1
    ident = identifiers.build(type_code=lt.code, issuer=old.issuer_code, serial=old.serial, version=version)
    lic = License(
        identifier=str(ident), license_type=lt, issuer_code=old.issuer_code, serial=old.serial, version=version,
        holder_name=(holder_name or old.holder_name).strip(), holder_kind=old.holder_kind,
        holder_id_encrypted=pii.encrypt(holder_id, context=HOLDER_CONTEXT), holder_index=old.holder_index,
        data=clean, issuer_department=old.issuer_department, source_case_number=old.source_case_number,
        valid_from=timezone.localdate(), valid_until=old.valid_until, seal=seal,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _produce(lic, holder_id=holder_id, seal=seal, actor=actor)
    lic.save()
    _set_status(old, to=LicenseStatus.SUPERSEDED, action="supersede", actor=actor,
                reason=note or lic.identifier, publish=False)
    _event(lic, action="amend", before="", after=LicenseStatus.VALID, actor=actor, note=old.identifier)
    revocation_list_publish(actor=actor)
    return lic


def _set_status(lic: License, *, to: str, action: str, actor, reason: str, publish: bool = True) -> License:
    before = lic.status
    lic.status, lic.status_reason, lic.status_changed_at = to, reason.strip()[:200], timezone.now()
    lic.save(update_fields=["status", "status_reason", "status_changed_at"])
    _event(lic, action=action, before=before, after=to, actor=actor, note=reason)
    if publish:
        revocation_list_publish(actor=actor)
    return lic


def _locked(lic: License) -> License:
    return License.objects.select_for_update().get(pk=lic.pk)


@transaction.atomic
def license_suspend(*, license: License, reason: str, actor=None) -> License:
    lic = _locked(license)
    if lic.effective_status() != LicenseStatus.VALID:
        raise Conflict(_("Only a valid license can be suspended."), code="license_not_valid")
    if not reason.strip():
        raise InvalidInput(_("Give a reason."), field="reason")
    return _set_status(lic, to=LicenseStatus.SUSPENDED, action="suspend", actor=actor, reason=reason)


@transaction.atomic
def license_resume(*, license: License, reason: str, actor=None) -> License:
    lic = _locked(license)
    if lic.status != LicenseStatus.SUSPENDED:
        raise Conflict(_("Only a suspended license can be resumed."), code="license_not_suspended")
    return _set_status(lic, to=LicenseStatus.VALID, action="resume", actor=actor, reason=reason or "resumed")


@transaction.atomic
def license_revoke(*, license: License, reason: str, actor=None) -> License:
    lic = _locked(license)
    if lic.status in (LicenseStatus.REVOKED, LicenseStatus.SUPERSEDED):
        raise Conflict(_("The license is already %(s)s.") % {"s": lic.get_status_display()},
                       code="license_not_revocable")
    if not reason.strip():
        raise InvalidInput(_("Give a reason."), field="reason")
    return _set_status(lic, to=LicenseStatus.REVOKED, action="revoke", actor=actor, reason=reason)


@transaction.atomic
def license_expire_due(*, today: date | None = None) -> int:
    """Mark valid licenses past their end date expired (the periodic sweep)."""
    today = today or timezone.localdate()
    count = 0
    for lic in License.objects.select_for_update().filter(status=LicenseStatus.VALID, valid_until__lt=today):
        _set_status(lic, to=LicenseStatus.EXPIRED, action="expire", actor=None, reason="expired", publish=False)
        count += 1
    return count


@transaction.atomic
def revocation_list_publish(*, actor=None) -> RevocationList:
    """Sign and store the list of revoked and suspended licenses for offline verifiers."""
    last = RevocationList.objects.select_for_update().order_by("-number").first()
    number = (last.number + 1) if last else 1
    entries = [
        {"id": ident, "status": status, "at": changed.isoformat() if changed else None}
        for ident, status, changed in License.objects.filter(
            status__in=[LicenseStatus.REVOKED, LicenseStatus.SUSPENDED]
        ).order_by("identifier").values_list("identifier", "status", "status_changed_at")
    ]
    body = canonical_json({"number": number, "issuer": settings.TONGBAN_REGION_CODE,
                           "issued_at": timezone.now().isoformat(), "entries": entries})
    alg, kid, signature = platform_keys.sign_bytes(body.encode())
    row = RevocationList.objects.create(number=number, body=body, alg=alg, kid=kid,
                                        signature=base64.b64encode(signature).decode())
    audit_record(actor=actor, action="licenses.revocation_list_publish", object_type="revocation_list",
                 object_id=str(number), detail={"entries": len(entries)})
    return row
