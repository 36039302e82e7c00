"""Electronic archive (电子档案): the archive package of each concluded case, the ingest record
with its four-property checks (DA/T 70-2018), the register (a daily Merkle tree whose roots
are chained and timestamped), retention rules and disposal lists.

Nothing here is edited after the fact: a package row, a register batch and an event are
written once; disposal marks a package disposed and adds its own record to the register.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionClass(models.TextChoices):
    YEARS_10 = "10y", _("10 years")
    YEARS_30 = "30y", _("30 years")
    PERMANENT = "permanent", _("permanent")


RETENTION_YEARS = {RetentionClass.YEARS_10: 10, RetentionClass.YEARS_30: 30, RetentionClass.PERMANENT: None}


class RetentionRule(models.Model):
    item_code = models.CharField(_("item code"), max_length=40, unique=True)
    retention = models.CharField(_("retention"), max_length=10, choices=RetentionClass.choices)

    class Meta:
        ordering = ["item_code"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return f"{self.item_code}: {self.retention}"


class IngestState(models.TextChoices):
    PENDING = "pending", _("waiting to be archived")
    FAILED = "failed", _("failed a check; not archived")
    ARCHIVED = "archived", _("archived")


class ArchiveRecord(models.Model):
    """One per case: whether it is archived, and if not, why."""

    case_number = models.CharField(_("case number"), max_length=24, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=IngestState.choices, default=IngestState.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")

    def __str__(self) -> str:
        return f"{self.case_number} {self.state}"


class RegisterBatch(models.Model):
    """The register's unit: the packages (and disposal records) sealed together, usually one
    day's. merkle_root covers `members`; chain_root = H(previous chain_root || merkle_root)."""

    seq = models.PositiveIntegerField(_("sequence"), unique=True)
    day = models.DateField(_("day"))
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    leaf_count = models.PositiveIntegerField()
    members = models.JSONField(help_text="[[kind, reference, leaf hash hex], ...] in leaf order")
    merkle_root = models.CharField(max_length=64)
    prev_root = models.CharField(max_length=64)
    chain_root = models.CharField(max_length=64)
    tsa_token = models.BinaryField(_("RFC 3161 timestamp token over chain_root"), blank=True)
    tsa_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("register batch")
        verbose_name_plural = _("register batches")

    def __str__(self) -> str:
        return f"#{self.seq} {self.day} ({self.leaf_count})"


class ArchivePackage(models.Model):
    case_number = models.CharField(_("case number"), max_length=24, unique=True)
    item_code = models.CharField(_("item code"), max_length=40, db_index=True)
    item_name = models.CharField(_("item"), max_length=120)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="+")
    applicant_index = models.CharField(max_length=64, db_index=True)
    applicant_masked = models.CharField(_("applicant"), max_length=120)
    concluded_on = models.DateField(_("concluded on"), db_index=True)
    archived_at = models.DateTimeField(_("archived at"), default=timezone.now)
    archivist = models.CharField(_("archivist"), max_length=150)
    retention = models.CharField(_("retention"), max_length=10, choices=RetentionClass.choices)
    retain_until = models.DateField(_("retain until"), null=True, blank=True, db_index=True)
    storage_key = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    manifest = models.TextField(help_text="manifest-sha256.txt as archived")
    tagmanifest = models.TextField(help_text="tagmanifest-sha256.txt as archived; its SHA-256 is the leaf")
    leaf_hash = models.CharField(max_length=64)
    batch = models.ForeignKey(RegisterBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="packages")
    leaf_index = models.PositiveIntegerField(null=True, blank=True)
    proof = models.JSONField(default=list, blank=True, help_text="inclusion proof: [[side, hash hex], ...]")
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    disposal = models.ForeignKey("DisposalList", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="disposed_packages")

    class Meta:
        ordering = ["-archived_at", "-id"]
        indexes = [models.Index(fields=["batch", "leaf_index"], name="archivepackage_leaf_idx")]
        verbose_name = _("archive package")
        verbose_name_plural = _("archive packages")

    def __str__(self) -> str:
        return self.case_number


class ArchiveEvent(models.Model):
    """PREMIS-style event: what happened to a case's archive package (append-only)."""

    case_number = models.CharField(max_length=24, db_index=True)
    event_type = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10)  # success / failure
    detail = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    agent = models.CharField(max_length=150)

    class Meta:
        ordering = ["id"]
        verbose_name = _("archive event")
        verbose_name_plural = _("archive events")

    def __str__(self) -> str:
        return f"{self.case_number} {self.event_type} {self.outcome}"


class DisposalState(models.TextChoices):
    PROPOSED = "proposed", _("awaiting the archivist's approval")
    APPROVED = "approved", _("approved")
    EXECUTED = "executed", _("disposed")
    REJECTED = "rejected", _("rejected")


class DisposalList(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    as_of = models.DateField(_("retention ended by"))
    packages = models.ManyToManyField(ArchivePackage, related_name="disposal_lists")
    state = models.CharField(_("state"), max_length=10, choices=DisposalState.choices,
                             default=DisposalState.PROPOSED)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    record = models.TextField(blank=True, help_text="canonical JSON of the disposal, a register leaf")
    leaf_hash = models.CharField(max_length=64, blank=True)
    batch = models.ForeignKey(RegisterBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="disposals")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("disposal list")
        verbose_name_plural = _("disposal lists")
        permissions = [("approve_disposal", "Can approve archive disposal lists (archivist)")]

    def __str__(self) -> str:
        return f"D{self.pk} {self.state}"
