"""ID-card-only handling (一证通办): the applicant's consent, the look-up of an item's materials
from shared data, and one record per material fetched (or not).

Personal numbers are never stored in clear: the ID number is kept as a keyed blind index (the
same index as `cases.Applicant`) and, where the case still has to be filed, encrypted; fetched
documents are kept encrypted, with the SHA-256 of their canonical JSON in clear for checking.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """The applicant's answer to "may we fetch your records from shared data for this purpose?"."""

    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    item_code = models.CharField(_("item code"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=200)
    granted = models.BooleanField(_("granted"))
    channel = models.CharField(_("channel"), max_length=16)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.id_number_masked} {self.item_code} {'✓' if self.granted else '✗'}"


class Lookup(models.Model):
    """One ID-only journey: every mapped material of one item fetched for one person, then filed."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="lookup")
    item_version = models.ForeignKey("catalog.ItemVersion", on_delete=models.PROTECT, related_name="+")
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_enc = models.BinaryField(editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("name given"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    channel = models.CharField(_("channel"), max_length=16)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("looked up at"))
    elapsed_ms = models.PositiveIntegerField(_("total fetch time (ms)"), default=0)
    case_number = models.CharField(_("case number"), max_length=24, blank=True, db_index=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ID-only look-up")
        verbose_name_plural = _("ID-only look-ups")

    def __str__(self) -> str:
        return f"{self.id_number_masked} {self.created_at:%Y-%m-%d %H:%M}"


class FetchStatus(models.TextChoices):
    FETCHED = "fetched", _("fetched")
    FAILED = "failed", _("could not be fetched")
    MISMATCH = "mismatch", _("belongs to someone else")


class FetchReason(models.TextChoices):
    OK = "", _("fetched")
    NOT_FOUND = "not_found", _("the source has no record of this person")
    TIMEOUT = "timeout", _("the source did not answer in time")
    UNAVAILABLE = "unavailable", _("the source is unavailable")
    MALFORMED = "malformed", _("the source returned malformed data")
    OTHER_ID = "other_id", _("the source returned data for another ID number")
    NAME_MISMATCH = "name_mismatch", _("the name on record differs from the applicant's name")
    NOT_CONFIGURED = "not_configured", _("no provider is configured for this source")


class LookupRecord(models.Model):
    """One material fetched (or not) from one provider: kept whatever the outcome."""

    lookup = models.ForeignKey(Lookup, on_delete=models.CASCADE, related_name="records")
    material = models.CharField(_("material"), max_length=120)
    required = models.BooleanField(_("required"), default=True)
    provider = models.CharField(_("provider"), max_length=20)
    data_item = models.CharField(_("data item"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=FetchStatus.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=FetchReason.choices, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"))
    fetched_at = models.DateTimeField(_("fetched at"))
    sha256 = models.CharField(_("SHA-256 of the document"), max_length=64, blank=True)
    document_enc = models.BinaryField(null=True, editable=False)

    class Meta:
        ordering = ["lookup", "id"]
        indexes = [models.Index(fields=["provider", "status", "fetched_at"], name="lookuprecord_provider_idx")]
        verbose_name = _("look-up record")
        verbose_name_plural = _("look-up records")

    def __str__(self) -> str:
        return f"{self.material}: {self.status}"
