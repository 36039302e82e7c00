"""Reads of the signing app, plus the trust material (roots, CRLs, the TSA) built from them."""

from __future__ import annotations

import hashlib

from asn1crypto import x509 as asn1_x509
from django.db.models import QuerySet
from django.utils import timezone

from tongban.signing import pdf as pdfsign
from tongban.signing.keystore import get_keystore
from tongban.signing.models import (
    Certificate,
    CertificateRevocationList,
    CertificateRole,
    CertificateStatus,
    Seal,
    SealUse,
)
from tongban.signing.tsa import PlatformTimeStamper


def root_current() -> Certificate | None:
    return (Certificate.objects.filter(role=CertificateRole.ROOT, status=CertificateStatus.ACTIVE)
            .select_related("key").order_by("-created_at", "-id").first())


def tsa_current() -> Certificate | None:
    now = timezone.now()
    return (Certificate.objects.filter(role=CertificateRole.TSA, status=CertificateStatus.ACTIVE,
                                       not_after__gt=now, issuer__status=CertificateStatus.ACTIVE)
            .select_related("key", "issuer").order_by("-created_at", "-id").first())


def staff_certificate(*, user) -> Certificate | None:
    now = timezone.now()
    return (Certificate.objects.filter(role=CertificateRole.STAFF, user=user, status=CertificateStatus.ACTIVE,
                                       not_after__gt=now, issuer__status=CertificateStatus.ACTIVE)
            .select_related("key", "issuer").order_by("-created_at").first())


def roots_der() -> list[bytes]:
    """Every root this platform ever used: documents sealed under an earlier root still verify."""
    return [bytes(d) for d in Certificate.objects.filter(role=CertificateRole.ROOT).values_list("der", flat=True)]


def crls_der() -> list[bytes]:
    latest = {}
    for crl in CertificateRevocationList.objects.order_by("issuer_id", "-number").only("issuer_id", "der"):
        latest.setdefault(crl.issuer_id, bytes(crl.der))
    return list(latest.values())


def crl_latest() -> CertificateRevocationList | None:
    root = root_current()
    return root.crls.order_by("-number").first() if root else None


_cache: dict[str, tuple] = {}


def validation_context(*, moment=None):
    """The trust context for signing: every root and the latest CRLs. Reused while neither
    changes, so pyHanko's path and revocation caches carry over between documents."""
    roots, crls = roots_der(), crls_der()
    if moment is not None:
        return pdfsign.validation_context(roots_der=roots, crls_der=crls, moment=moment)
    fingerprint = hashlib.sha256(b"".join(roots) + b"|" + b"".join(crls)).hexdigest()
    cached = _cache.get("vc")
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, pdfsign.validation_context(roots_der=roots, crls_der=crls))
        _cache["vc"] = cached
    return cached[1]


def timestamper() -> PlatformTimeStamper:
    """The platform TSA (one instance per TSA certificate: pyHanko caches its trial token)."""
    tsa = tsa_current()
    if tsa is None:
        from tongban.core.errors import Conflict

        raise Conflict("The platform timestamp authority has not been set up.", code="tsa_missing")
    cached = _cache.get("tsa")
    if cached is None or cached[0] != tsa.fingerprint:
        cached = (tsa.fingerprint, PlatformTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(bytes(tsa.der)),
            tsa_private_key=get_keystore().private_key(tsa.key),
            certs_to_embed=[asn1_x509.Certificate.load(bytes(tsa.issuer.der))],
        ))
        _cache["tsa"] = cached
    return cached[1]


def pdf_verify(data: bytes) -> pdfsign.PdfReport:
    roots, crls = roots_der(), crls_der()
    return pdfsign.verify(data, vc_factory=lambda: pdfsign.validation_context(roots_der=roots, crls_der=crls))


def seal_list(*, department_code: str | None = None) -> QuerySet[Seal]:
    qs = Seal.objects.select_related("department", "certificate").defer("image")
    if department_code:
        qs = qs.filter(department__code=department_code)
    return qs.order_by("code")


def seal_get(*, code: str) -> Seal | None:
    return Seal.objects.select_related("department", "certificate").filter(code=code.upper()).first()


def seal_for_department(*, department_code: str, kind: str | None = None) -> Seal | None:
    qs = Seal.objects.filter(department__code=department_code, status="active",
                             valid_until__gt=timezone.now()).select_related("certificate", "department")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at").first()


def seal_uses(*, seal: Seal) -> QuerySet[SealUse]:
    return seal.uses.select_related("certificate").order_by("-at")
