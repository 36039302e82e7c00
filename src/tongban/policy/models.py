"""Enterprise policies (惠企政策): documents and their measures, reform tasks with progress,
subsidy programmes, claims (applied for or matched 免申即享) and the payout ledger.

Claim lifecycle:

    applied ──review──► in_notice ──pay (after the notice period, no open objection)──► paid
    matched ──confirm──► confirmed ──review──┘        └─objection upheld──► rejected
    (any state before paid) ──reject──► rejected

The ledger is append-only: a payout is never edited, only reversed by a new negative entry.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    """The enterprise record the platform holds (registration, tax and social-security data)."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    registered_capital = models.DecimalField(_("registered capital (yuan)"), max_digits=16, decimal_places=2)
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=5)
    tax_paid_last_year = models.DecimalField(_("tax paid last year (yuan)"), max_digits=16, decimal_places=2)
    employees = models.PositiveIntegerField(_("employees"))
    location = models.CharField(_("location (center code)"), max_length=40)
    established_on = models.DateField(_("established on"))
    high_tech = models.BooleanField(_("high-tech enterprise"), default=False)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class PolicyDocument(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-issued_on", "code"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self) -> str:
        return self.title


class TagKind(models.TextChoices):
    INDUSTRY = "industry", _("industry")
    SIZE = "size", _("enterprise size")
    LOCATION = "location", _("location")


class Measure(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="measures")
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"))
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="measures",
                                   verbose_name=_("responsible department"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="measure_unique_number"),
            models.CheckConstraint(condition=models.Q(valid_until__isnull=True)
                                   | models.Q(valid_until__gte=models.F("valid_from")),
                                   name="measure_validity_ordered"),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.document.code} #{self.number}"


class MeasureTag(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(_("kind"), max_length=10, choices=TagKind.choices)
    value = models.CharField(_("value"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "kind", "value"], name="measuretag_unique")]
        indexes = [models.Index(fields=["kind", "value"], name="measuretag_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ReformTask(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="reform_tasks",
                                   verbose_name=_("owner department"))
    published_on = models.DateField(_("published on"))
    deadline = models.DateField(_("deadline"), db_index=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    class Meta:
        ordering = ["number"]
        verbose_name = _("reform task")
        verbose_name_plural = _("reform tasks")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_overdue(self, today) -> bool:
        return self.deadline < (self.completed_on or today)


class Milestone(models.Model):
    task = models.ForeignKey(ReformTask, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["task", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "position"], name="milestone_unique_position")]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    task = models.ForeignKey(ReformTask, on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("reported at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("report"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    attachment_path = models.CharField(max_length=200, blank=True)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["task", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task.number} {self.progress}%"


class SubsidyProgramme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="programmes")
    eligibility = models.JSONField(_("eligibility rule"))
    amount_rule = models.JSONField(_("amount rule"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    period = models.CharField(_("period"), max_length=20, help_text=_("e.g. 2023"))
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    notice_working_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    no_application = models.BooleanField(_("paid without application (免申即享)"), default=False)
    item_code = models.CharField(_("service item for applications"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="programme_window_ordered"),
            models.CheckConstraint(condition=models.Q(budget__gt=0), name="programme_budget_positive"),
        ]
        verbose_name = _("subsidy programme")
        verbose_name_plural = _("subsidy programmes")

    def __str__(self) -> str:
        return self.name


class ClaimState(models.TextChoices):
    APPLIED = "applied", _("applied")
    MATCHED = "matched", _("matched, awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed by the enterprise")
    IN_NOTICE = "in_notice", _("in public notice")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


class ClaimSource(models.TextChoices):
    APPLICATION = "application", _("application")
    NO_APPLICATION = "no_application", _("no-application match (免申即享)")


class Claim(models.Model):
    programme = models.ForeignKey(SubsidyProgramme, on_delete=models.PROTECT, related_name="claims")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="claims")
    period = models.CharField(_("period"), max_length=20)
    source = models.CharField(_("source"), max_length=16, choices=ClaimSource.choices)
    state = models.CharField(_("state"), max_length=10, choices=ClaimState.choices, db_index=True)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="subsidy_claim")
    facts = models.JSONField(_("facts checked"), default=dict)
    computed_amount = models.DecimalField(_("amount by the rule"), max_digits=16, decimal_places=2)
    amount = models.DecimalField(_("amount approved"), max_digits=16, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    notice_from = models.DateField(_("notice from"), null=True, blank=True)
    notice_until = models.DateField(_("notice until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["programme", "id"]
        constraints = [
            # one live claim per enterprise, programme and period; a rejected one may be re-filed
            models.UniqueConstraint(fields=["programme", "enterprise", "period"],
                                    condition=~models.Q(state="rejected"), name="claim_once_per_period"),
        ]
        verbose_name = _("subsidy claim")
        verbose_name_plural = _("subsidy claims")

    def __str__(self) -> str:
        return f"{self.programme.code} {self.enterprise.name} {self.period}"


class ClaimEvent(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}->{self.to_state}"


class Objection(models.Model):
    """An objection received during a claim's public notice (公示异议)."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("dismissed")
        UPHELD = "upheld", _("upheld")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="objections")
    received_at = models.DateTimeField(_("received at"))
    text = models.TextField(_("objection"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.outcome}"


class LedgerKind(models.TextChoices):
    PAYOUT = "payout", _("payout")
    REVERSAL = "reversal", _("reversal")


class LedgerEntry(models.Model):
    """One payout or one reversal. Rows are only ever inserted."""

    programme = models.ForeignKey(SubsidyProgramme, on_delete=models.PROTECT, related_name="ledger")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="ledger")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    basis = models.TextField(_("basis"))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("approved by"))
    payment_reference = models.CharField(_("payment reference"), max_length=60)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    created_at = models.DateTimeField(_("booked at"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="payout", amount__gt=0, reverses__isnull=True)
                           | models.Q(kind="reversal", amount__lt=0, reverses__isnull=False)),
                name="ledger_sign_matches_kind",
            ),
            models.UniqueConstraint(fields=["payment_reference"], name="ledger_unique_reference"),
        ]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.payment_reference}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("ledger entries are never edited; book a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("ledger entries are never deleted; book a reversal instead")
