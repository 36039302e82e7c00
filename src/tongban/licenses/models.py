"""Electronic licenses (电子证照): types with GB/T 36903-style metadata, issued licenses with
versions, and the append-only event log.

A license's holder ID (citizen ID number or credit code) is stored encrypted with a keyed blind
index, so "every license of this person or enterprise" is one indexed query.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LicenseCategory(models.TextChoices):
    LICENSE = "license", _("business license")
    PERMIT = "permit", _("permit")
    CERTIFICATE = "certificate", _("certificate")
    APPROVAL = "approval", _("approval document")


class HolderKind(models.TextChoices):
    PERSON = "person", _("natural person")
    ENTITY = "entity", _("legal entity")


class LicenseType(models.Model):
    code = models.CharField(_("type code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    category = models.CharField(_("category"), max_length=12, choices=LicenseCategory.choices)
    holder_kind = models.CharField(_("holder kind"), max_length=8, choices=HolderKind.choices)
    issuing_authority_level = models.CharField(_("issuing authority level"), max_length=20, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validity (years, empty = long-term)"),
                                                      null=True, blank=True)
    data_fields = models.JSONField(_("data items"), default=list, blank=True,
                                   help_text=_("list of {key, label} shown on the license"))
    is_active = models.BooleanField(_("issued"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("license type")
        verbose_name_plural = _("license types")

    def __str__(self) -> str:
        return self.name


class LicenseStatus(models.TextChoices):
    VALID = "valid", _("valid")
    SUSPENDED = "suspended", _("suspended")
    REVOKED = "revoked", _("revoked")
    EXPIRED = "expired", _("expired")
    SUPERSEDED = "superseded", _("superseded by a newer version")


class License(models.Model):
    identifier = models.CharField(_("license identifier"), max_length=120, unique=True)
    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT, related_name="licenses")
    issuer_code = models.CharField(_("issuer code"), max_length=40)
    serial = models.CharField(_("serial"), max_length=12)
    version = models.PositiveIntegerField(_("version"), default=1)
    holder_name = models.CharField(_("holder"), max_length=120)
    holder_kind = models.CharField(_("holder kind"), max_length=8, choices=HolderKind.choices)
    holder_id_encrypted = models.BinaryField(_("holder ID (encrypted)"))
    holder_index = models.CharField(max_length=64, db_index=True)
    holder_hash = models.CharField(_("holder hash (QR)"), max_length=32)
    data = models.JSONField(_("license data"), default=dict, blank=True)
    issuer_department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="licenses")
    source_case_number = models.CharField(_("source case number"), max_length=40, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=LicenseStatus.choices,
                              default=LicenseStatus.VALID, db_index=True)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    seal = models.ForeignKey("signing.Seal", on_delete=models.PROTECT, related_name="licenses")
    pdf = models.BinaryField(_("sealed PDF"), blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    qr_payload = models.TextField(_("QR payload"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["license_type", "issuer_code", "serial", "version"],
                                    name="license_unique_version"),
        ]
        indexes = [models.Index(fields=["license_type", "issuer_code", "serial"], name="license_series")]
        verbose_name = _("license")
        verbose_name_plural = _("licenses")

    def __str__(self) -> str:
        return self.identifier

    def effective_status(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.status == LicenseStatus.VALID and self.valid_until and self.valid_until < today:
            return LicenseStatus.EXPIRED
        return self.status


class LicenseEvent(models.Model):
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("license event")
        verbose_name_plural = _("license events")

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}->{self.to_status}"


class RevocationList(models.Model):
    """A published, signed list of revoked and suspended licenses for offline verifiers."""

    number = models.PositiveIntegerField(unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    body = models.TextField()  # canonical JSON
    alg = models.CharField(max_length=8)
    kid = models.CharField(max_length=40)
    signature = models.CharField(max_length=200)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("license revocation list")
        verbose_name_plural = _("license revocation lists")

    def __str__(self) -> str:
        return f"revocation list #{self.number}"
