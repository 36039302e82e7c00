"""Keys, certificates, seals and the log of every seal use (电子签名/电子印章).

Private keys never sit in the clear: `SigningKey.private_key_encrypted` is AES-256-GCM
(tongban.core.pii) bound to the key id; the `backend` column names the KeyStore that holds it,
so keys on a hardware module (PKCS#11) can be added later without changing callers.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class KeyAlgorithm(models.TextChoices):
    ECDSA_P256 = "ecdsa-p256", _("ECDSA P-256")
    SM2 = "sm2", _("SM2")


class KeyPurpose(models.TextChoices):
    CA = "ca", _("certificate authority")
    TSA = "tsa", _("timestamp authority")
    SEAL = "seal", _("department seal")
    STAFF = "staff", _("staff signature")
    PLATFORM = "platform", _("platform signed data")


class SigningKey(models.Model):
    kid = models.CharField(_("key id"), max_length=40, unique=True)
    algorithm = models.CharField(_("algorithm"), max_length=16, choices=KeyAlgorithm.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=KeyPurpose.choices, db_index=True)
    backend = models.CharField(_("key store"), max_length=16, default="db")
    public_key = models.BinaryField(_("public key (SubjectPublicKeyInfo DER)"))
    private_key_encrypted = models.BinaryField(_("private key (encrypted)"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return f"{self.kid} ({self.algorithm})"


class CertificateRole(models.TextChoices):
    ROOT = "root", _("platform root CA")
    TSA = "tsa", _("timestamp authority")
    SEAL = "seal", _("seal")
    STAFF = "staff", _("staff signer")


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    REVOKED = "revoked", _("revoked")


class Certificate(models.Model):
    serial_number = models.CharField(_("serial number"), max_length=40, unique=True)
    role = models.CharField(_("role"), max_length=8, choices=CertificateRole.choices, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    issuer = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="issued")
    key = models.ForeignKey(SigningKey, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates")
    der = models.BinaryField(_("certificate (DER)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    department = models.ForeignKey(
        "catalog.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    status = models.CharField(_("status"), max_length=8, choices=CertificateStatus.choices,
                              default=CertificateStatus.ACTIVE, db_index=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.subject

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.status == CertificateStatus.ACTIVE and self.not_before <= now < self.not_after


class CertificateRevocationList(models.Model):
    issuer = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="crls")
    number = models.PositiveIntegerField(_("CRL number"))
    der = models.BinaryField(_("CRL (DER)"))
    this_update = models.DateTimeField()
    next_update = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["issuer", "number"], name="crl_unique_number")]
        verbose_name = _("certificate revocation list")
        verbose_name_plural = _("certificate revocation lists")

    def __str__(self) -> str:
        return f"CRL #{self.number}"


class SealStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    REVOKED = "revoked", _("revoked")


class SealKind(models.TextChoices):
    OFFICIAL = "official", _("official seal")
    LICENSE = "license", _("license seal")
    APPROVAL = "approval", _("approval seal")


class Seal(models.Model):
    code = models.CharField(_("seal id"), max_length=40, unique=True)
    name = models.CharField(_("text on the seal"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=SealKind.choices, default=SealKind.OFFICIAL)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="seals")
    image = models.BinaryField(_("seal image (PNG)"))
    image_uploaded = models.BooleanField(_("image uploaded"), default=False)
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="seals")
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=SealStatus.choices,
                              default=SealStatus.ACTIVE, db_index=True)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("seal")
        verbose_name_plural = _("seals")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SealUse(models.Model):
    """Append-only: one row per document sealed."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="uses")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    document_kind = models.CharField(_("document kind"), max_length=20)
    document_ref = models.CharField(_("document reference"), max_length=120, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the sealed document"), max_length=64, db_index=True)
    document_sm3 = models.CharField(_("SM3 of the sealed document"), max_length=64)
    case_number = models.CharField(_("case number"), max_length=40, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("seal use")
        verbose_name_plural = _("seal uses")

    def __str__(self) -> str:
        return f"{self.seal_id} {self.document_kind} {self.document_sha256[:12]}"
