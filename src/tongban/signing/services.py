"""Writes of the signing app: the platform CA, certificates, CRLs, seals and sealing.

Every function is keyword-only and atomic; each writes an audit entry. A seal that is revoked,
suspended or expired is never used: `seal_apply` refuses before anything is signed.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import Department
from tongban.core.errors import Conflict, DomainError, InvalidInput
from tongban.core.services import audit_record
from tongban.signing import ca, conf, gm, sealimage, selectors
from tongban.signing import pdf as pdfsign
from tongban.signing.keystore import get_keystore
from tongban.signing.models import (
    Certificate,
    CertificateRevocationList,
    CertificateRole,
    CertificateStatus,
    KeyAlgorithm,
    KeyPurpose,
    Seal,
    SealKind,
    SealStatus,
    SealUse,
    SigningKey,
)

ROOT_DAYS = 20 * 365
TSA_DAYS = 10 * 365
STAFF_DAYS = 2 * 365
SEAL_DAYS = 3 * 365
CRL_DAYS = 7
PLATFORM_NAME = "通办政务服务平台"


class SealNotUsable(DomainError):
    status = 409
    code = "seal_not_usable"


def crl_url() -> str:
    return conf.public_url() + "/signing/crl.der"


def _store_certificate(cert: x509.Certificate, *, role: str, key: SigningKey | None,
                       issuer: Certificate | None, user=None, department=None,
                       imported: bool = False) -> Certificate:
    der = cert.public_bytes(serialization.Encoding.DER)
    row = Certificate(
        serial_number=format(cert.serial_number, "x"), role=role, subject=cert.subject.rfc4514_string(),
        issuer=issuer, key=key, der=der, fingerprint=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc, user=user,
        department=department, imported=imported,
    )
    row.full_clean(exclude=["der"])
    row.save()
    return row


# -- the platform CA -------------------------------------------------------------------------
@transaction.atomic
def ca_ensure(*, actor=None) -> Certificate:
    """The active platform root; created with its TSA certificate and first CRL when missing."""
    root = selectors.root_current()
    if root is None:
        keystore = get_keystore()
        key = keystore.generate(algorithm=KeyAlgorithm.ECDSA_P256, purpose=KeyPurpose.CA)
        key.save()
        now = timezone.now() - timedelta(minutes=5)
        cert = ca.build_root(private_key=keystore.private_key(key),
                             subject=ca.name(f"{PLATFORM_NAME} Root CA", organization=PLATFORM_NAME),
                             not_before=now, days=ROOT_DAYS)
        root = _store_certificate(cert, role=CertificateRole.ROOT, key=key, issuer=None)
        audit_record(actor=actor, action="signing.ca_create", object_type="certificate",
                     object_id=root.serial_number, detail={"subject": root.subject})
        crl_publish(actor=actor)
    if selectors.tsa_current() is None:
        _issue(role=CertificateRole.TSA, common_name=f"{PLATFORM_NAME} Timestamp Authority",
               purpose=KeyPurpose.TSA, days=TSA_DAYS, actor=actor)
    return root


@transaction.atomic
def ca_import(*, certificate_pem: bytes, private_key_pem: bytes, password: bytes | None = None,
              actor=None) -> Certificate:
    """Adopt an existing CA (certificate and ECDSA P-256 key): it becomes the issuing root."""
    try:
        cert = x509.load_pem_x509_certificate(certificate_pem)
        private = serialization.load_pem_private_key(private_key_pem, password=password)
    except ValueError as exc:
        raise InvalidInput(_("The CA certificate or key cannot be read: %(e)s") % {"e": exc}) from None
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    if not bc.ca:
        raise InvalidInput(_("The certificate is not a CA certificate."))
    if cert.public_key().public_numbers() != private.public_key().public_numbers():
        raise InvalidInput(_("The private key does not belong to the CA certificate."))
    key = get_keystore().wrap_private_key(private, purpose=KeyPurpose.CA)
    key.save()
    Certificate.objects.filter(role=CertificateRole.ROOT, status=CertificateStatus.ACTIVE).update(
        status=CertificateStatus.REVOKED, revoked_at=timezone.now(), revocation_reason="superseded by import"
    )
    root = _store_certificate(cert, role=CertificateRole.ROOT, key=key, issuer=None, imported=True)
    audit_record(actor=actor, action="signing.ca_import", object_type="certificate",
                 object_id=root.serial_number, detail={"subject": root.subject})
    crl_publish(actor=actor)
    _issue(role=CertificateRole.TSA, common_name=f"{PLATFORM_NAME} Timestamp Authority",
           purpose=KeyPurpose.TSA, days=TSA_DAYS, actor=actor)
    return root


def _issue(*, role: str, common_name: str, purpose: str, days: int, actor=None, user=None,
           department=None, unit: str = "", not_before=None) -> Certificate:
    root = selectors.root_current()
    if root is None:
        raise Conflict(_("The platform CA has not been set up."), code="ca_missing")
    keystore = get_keystore()
    key = keystore.generate(algorithm=KeyAlgorithm.ECDSA_P256, purpose=purpose)
    key.save()
    start = not_before or (timezone.now() - timedelta(minutes=5))
    cert = ca.build_end_entity(
        issuer_cert=x509.load_der_x509_certificate(bytes(root.der)),
        issuer_key=keystore.private_key(root.key),
        public_key=ca.public_key_from_der(bytes(key.public_key)),
        subject=ca.name(common_name, organization=PLATFORM_NAME, unit=unit),
        not_before=start, not_after=start + timedelta(days=days), crl_url=crl_url(),
        timestamping=role == CertificateRole.TSA,
    )
    row = _store_certificate(cert, role=role, key=key, issuer=root, user=user, department=department)
    audit_record(actor=actor, action="signing.certificate_issue", object_type="certificate",
                 object_id=row.serial_number, detail={"role": role, "subject": row.subject})
    return row


@transaction.atomic
def crl_publish(*, actor=None) -> CertificateRevocationList:
    root = selectors.root_current()
    if root is None:
        raise Conflict(_("The platform CA has not been set up."), code="ca_missing")
    last = CertificateRevocationList.objects.filter(issuer=root).order_by("-number").first()
    number = (last.number + 1) if last else 1
    revoked = [
        (int(serial, 16), when)
        for serial, when in Certificate.objects.filter(issuer=root, status=CertificateStatus.REVOKED)
        .values_list("serial_number", "revoked_at")
    ]
    now = timezone.now() - timedelta(seconds=1)
    crl = ca.build_crl(issuer_cert=x509.load_der_x509_certificate(bytes(root.der)),
                       issuer_key=get_keystore().private_key(root.key), number=number, revoked=revoked,
                       this_update=now, next_update=now + timedelta(days=CRL_DAYS))
    row = CertificateRevocationList.objects.create(
        issuer=root, number=number, der=crl.public_bytes(serialization.Encoding.DER),
        this_update=now, next_update=now + timedelta(days=CRL_DAYS),
    )
    audit_record(actor=actor, action="signing.crl_publish", object_type="crl", object_id=str(number),
                 detail={"revoked": len(revoked)})
    return row


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor=None) -> Certificate:
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.status == CertificateStatus.REVOKED:
        raise Conflict(_("The certificate is already revoked."), code="certificate_revoked")
    if not reason.strip():
        raise InvalidInput(_("Give a reason for the revocation."), field="reason")
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = timezone.now()
    cert.revocation_reason = reason.strip()[:200]
    cert.save(update_fields=["status", "revoked_at", "revocation_reason"])
    audit_record(actor=actor, action="signing.certificate_revoke", object_type="certificate",
                 object_id=cert.serial_number, detail={"reason": cert.revocation_reason})
    crl_publish(actor=actor)
    return cert


@transaction.atomic
def staff_certificate_ensure(*, user, actor=None) -> Certificate:
    """The staff member's usable signing certificate, issued on first use."""
    existing = selectors.staff_certificate(user=user)
    if existing is not None:
        return existing
    profile = getattr(user, "staff", None)
    display = profile.display_name if profile else user.get_username()
    unit = profile.center.name if profile else ""
    return _issue(role=CertificateRole.STAFF, common_name=display, purpose=KeyPurpose.STAFF,
                  days=STAFF_DAYS, actor=actor, user=user, unit=unit)


# -- seals -------------------------------------------------------------------------------------
SEAL_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
PURPOSE_TEXT = {SealKind.OFFICIAL: "", SealKind.LICENSE: "证照专用章", SealKind.APPROVAL: "审批专用章"}


@transaction.atomic
def seal_create(*, department: Department, code: str, kind: str = SealKind.OFFICIAL, name: str = "",
                image: bytes | None = None, valid_days: int = SEAL_DAYS, actor=None,
                not_before=None) -> Seal:
    code = (code or "").strip().upper()
    if not SEAL_CODE_RE.match(code):
        raise InvalidInput(_("A seal id uses capital letters, digits and hyphens (3-40)."), field="code")
    if Seal.objects.filter(code=code).exists():
        raise Conflict(_("Seal %(code)s already exists.") % {"code": code}, code="seal_exists")
    if kind not in SealKind.values:
        raise InvalidInput(_("Unknown seal kind %(v)s.") % {"v": kind}, field="kind")
    if not 1 <= valid_days <= 10 * 365:
        raise InvalidInput(_("A seal is valid for 1 day to 10 years."), field="valid_days")
    name = (name or department.name).strip()
    if image is not None:
        try:
            png = sealimage.check_upload(image)
        except Exception:  # noqa: BLE001 - any decoder failure is the uploader's problem
            raise InvalidInput(_("The seal image must be a square PNG or JPEG of at most 2 MB."),
                               field="image") from None
    else:
        png = sealimage.generate(name, purpose=PURPOSE_TEXT.get(kind, ""))
    cert = _issue(role=CertificateRole.SEAL, common_name=f"{code} {name}", purpose=KeyPurpose.SEAL,
                  days=valid_days, actor=actor, department=department, unit=department.name,
                  not_before=not_before)
    seal = Seal(code=code, name=name, kind=kind, department=department, image=png,
                image_uploaded=image is not None, certificate=cert, valid_from=cert.not_before,
                valid_until=cert.not_after, created_by=actor if actor is not None and actor.is_authenticated else None)
    seal.full_clean(exclude=["image", "certificate", "department"])
    seal.save()
    audit_record(actor=actor, action="signing.seal_create", object_type="seal", object_id=code,
                 detail={"department": department.code, "certificate": cert.serial_number})
    return seal


@transaction.atomic
def seal_rotate(*, seal: Seal, actor=None) -> Seal:
    """A new key and certificate for the seal; documents sealed earlier stay valid."""
    seal = Seal.objects.select_for_update().get(pk=seal.pk)
    if seal.status == SealStatus.REVOKED:
        raise SealNotUsable(_("Seal %(code)s is revoked.") % {"code": seal.code}, code="seal_revoked")
    days = max(1, (seal.valid_until - seal.valid_from).days)
    cert = _issue(role=CertificateRole.SEAL, common_name=f"{seal.code} {seal.name}",
                  purpose=KeyPurpose.SEAL, days=days, actor=actor, department=seal.department,
                  unit=seal.department.name)
    old = seal.certificate
    seal.certificate = cert
    seal.valid_from, seal.valid_until = cert.not_before, cert.not_after
    seal.save(update_fields=["certificate", "valid_from", "valid_until"])
    SigningKey.objects.filter(pk=old.key_id).update(retired_at=timezone.now())
    audit_record(actor=actor, action="signing.seal_rotate", object_type="seal", object_id=seal.code,
                 detail={"old": old.serial_number, "new": cert.serial_number})
    return seal


def _seal_status(*, seal: Seal, to: str, reason: str, actor) -> Seal:
    seal = Seal.objects.select_for_update().get(pk=seal.pk)
    if seal.status == SealStatus.REVOKED:
        raise Conflict(_("Seal %(code)s is revoked; it cannot change any more.") % {"code": seal.code},
                       code="seal_revoked")
    if not reason.strip():
        raise InvalidInput(_("Give a reason."), field="reason")
    before = seal.status
    seal.status, seal.status_reason = to, reason.strip()[:200]
    seal.save(update_fields=["status", "status_reason"])
    audit_record(actor=actor, action=f"signing.seal_{to}", object_type="seal", object_id=seal.code,
                 detail={"from": before, "to": to, "reason": seal.status_reason})
    return seal


@transaction.atomic
def seal_suspend(*, seal: Seal, reason: str, actor=None) -> Seal:
    return _seal_status(seal=seal, to=SealStatus.SUSPENDED, reason=reason, actor=actor)


@transaction.atomic
def seal_resume(*, seal: Seal, reason: str, actor=None) -> Seal:
    return _seal_status(seal=seal, to=SealStatus.ACTIVE, reason=reason, actor=actor)


@transaction.atomic
def seal_revoke(*, seal: Seal, reason: str, actor=None) -> Seal:
    """Revoke the seal and its certificate (published in the CRL)."""
    seal = _seal_status(seal=seal, to=SealStatus.REVOKED, reason=reason, actor=actor)
    if seal.certificate.status == CertificateStatus.ACTIVE:
        certificate_revoke(certificate=seal.certificate, reason=reason, actor=actor)
    return seal


def seal_check_usable(seal: Seal) -> None:
    now = timezone.now()
    if seal.status == SealStatus.REVOKED or seal.certificate.status == CertificateStatus.REVOKED:
        raise SealNotUsable(_("Seal %(code)s is revoked and cannot be used.") % {"code": seal.code},
                            code="seal_revoked")
    if seal.status == SealStatus.SUSPENDED:
        raise SealNotUsable(_("Seal %(code)s is suspended and cannot be used.") % {"code": seal.code},
                            code="seal_suspended")
    if now >= seal.valid_until or now >= seal.certificate.not_after:
        raise SealNotUsable(_("Seal %(code)s expired on %(d)s.") % {
            "code": seal.code, "d": timezone.localtime(seal.valid_until).date().isoformat()},
            code="seal_expired")
    if now < seal.valid_from:
        raise SealNotUsable(_("Seal %(code)s is not valid yet.") % {"code": seal.code}, code="seal_not_yet_valid")


# -- sealing documents ----------------------------------------------------------------------
def _signer_for(cert: Certificate):
    root = cert.issuer
    return get_keystore().pdf_signer(cert.key, bytes(cert.der), [bytes(root.der)])


def seal_apply(*, seal: Seal, pdf: bytes, actor=None, document_kind: str, document_ref: str = "",
               case_number: str = "", box: tuple[int, int, int, int] | None = (400, 60, 520, 180),
               page: int = 0, reason: str = "") -> bytes:
    """Put the seal (visible, PAdES B-LT, timestamped) on the PDF and log the use."""
    with transaction.atomic():
        seal = Seal.objects.select_for_update(of=("self",)).select_related("certificate__key", "certificate__issuer").get(pk=seal.pk)
        seal_check_usable(seal)
        cert = seal.certificate
        sealed = pdfsign.sign(
            pdf, signer=_signer_for(cert), timestamper=selectors.timestamper(),
            vc=selectors.validation_context(), field_name=f"Seal-{seal.code}-{timezone.now():%Y%m%d%H%M%S%f}",
            image_png=bytes(seal.image), box=box, page=page, reason=reason or seal.name,
            location=seal.department.name, signer_name=seal.name,
        )
        use = SealUse(
            seal=seal, certificate=cert, document_kind=document_kind[:20], document_ref=document_ref[:120],
            document_sha256=hashlib.sha256(sealed).hexdigest(), document_sm3=gm.sm3_hex(sealed),
            case_number=case_number[:40],
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "system",
        )
        use.save()
        audit_record(actor=actor, action="signing.seal_use", object_type="seal", object_id=seal.code,
                     detail={"document": document_ref, "sha256": use.document_sha256, "case": case_number})
    return sealed


def document_sign_as_staff(*, pdf: bytes, user, reason: str = "", case_number: str = "") -> bytes:
    """The approver's own (invisible) PAdES signature, made before the department seal."""
    with transaction.atomic():
        cert = staff_certificate_ensure(user=user, actor=user)
        signed = pdfsign.sign(
            pdf, signer=_signer_for(cert), timestamper=selectors.timestamper(),
            vc=selectors.validation_context(), field_name=f"Approver-{user.pk}-{timezone.now():%Y%m%d%H%M%S%f}",
            reason=reason or _("Approved"), signer_name=cert.subject,
        )
        audit_record(actor=user, action="signing.staff_sign", object_type="certificate",
                     object_id=cert.serial_number,
                     detail={"sha256": hashlib.sha256(signed).hexdigest(), "case": case_number})
    return signed


def decision_seal(*, pdf: bytes, approver, seal: Seal, case_number: str = "", document_ref: str = "",
                  box=(400, 60, 520, 180)) -> bytes:
    """A decision: the approver signs with their own certificate, then the department seal."""
    seal_check_usable(seal)
    signed = document_sign_as_staff(pdf=pdf, user=approver, case_number=case_number)
    return seal_apply(seal=seal, pdf=signed, actor=approver, document_kind="decision",
                      document_ref=document_ref, case_number=case_number, box=box)


def document_archive(*, pdf: bytes) -> bytes:
    """Upgrade a sealed document to PAdES B-LTA (document timestamp over its validation data)."""
    return pdfsign.upgrade_to_lta(pdf, timestamper=selectors.timestamper(), vc=selectors.validation_context())


def document_hash(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "sm3": gm.sm3_hex(data)}


