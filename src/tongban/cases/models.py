"""Cases (办件): applicants, the case and its lifecycle, the clock's pauses, events, files,
ratings and rectifications, notifications.

Lifecycle (django-fsm-2 transitions on `Case`):

    submitted ──accept──────────────► accepted ──start_review──► under_review ──approve──► approved ─┐
        │ └─request_correction─► correction_requested ─accept─┘          │  ▲   └─deny────► denied ───┤
        └─refuse──► refused       (clock starts at acceptance)     special_procedure (clock paused)   │
    withdrawn ◄── withdraw (any state before a decision)                         concluded ◄──conclude┘
                                                                                 delivered ◄──deliver
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("natural person")
    ENTITY = "entity", _("legal entity")


class Applicant(models.Model):
    """A person (ID number) or an entity (credit code). Personal numbers are stored encrypted
    with a keyed blind index for look-up and a masked copy for display."""

    kind = models.CharField(_("type"), max_length=8, choices=ApplicantKind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_number_enc = models.BinaryField(null=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    phone_enc = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=models.Q(kind="person"), name="applicant_one_person_per_id"
            ),
            models.UniqueConstraint(
                fields=["credit_code"], condition=models.Q(kind="entity"), name="applicant_one_entity_per_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked or self.credit_code})"


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    CORRECTION_REQUESTED = "correction_requested", _("correction requested")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    UNDER_REVIEW = "under_review", _("under review")
    SPECIAL_PROCEDURE = "special_procedure", _("special procedure")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")
    CONCLUDED = "concluded", _("concluded")
    DELIVERED = "delivered", _("delivered")
    WITHDRAWN = "withdrawn", _("withdrawn")


S = CaseState
OPEN_STATES = (S.ACCEPTED, S.UNDER_REVIEW, S.SPECIAL_PROCEDURE, S.APPROVED, S.DENIED)
PRE_DECISION_STATES = (S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.UNDER_REVIEW, S.SPECIAL_PROCEDURE)
FINAL_STATES = (S.REFUSED, S.DELIVERED, S.WITHDRAWN)


class Channel(models.TextChoices):
    WINDOW = "window", _("at a window")
    ONLINE = "online", _("online")
    SELF_SERVICE = "self_service", _("self-service terminal")
    CROSS_REGION = "cross_region", _("cross-region")
    HOLIDAY_WINDOW = "holiday_window", _("holiday window")


class Light(models.TextChoices):
    NONE = "none", _("no deadline running")
    GREEN = "green", _("on schedule")
    YELLOW = "yellow", _("due soon")
    RED = "red", _("overdue")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("pick up at the hall")
    POST = "post", _("by post")
    ELECTRONIC = "electronic", _("electronic delivery")


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=24, unique=True)
    region_code = models.CharField(_("region"), max_length=6)
    item_version = models.ForeignKey("catalog.ItemVersion", on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="cases")
    window = models.ForeignKey("org.Window", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = FSMField(_("state"), default=S.SUBMITTED, choices=CaseState.choices, protected=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    id_only = models.BooleanField(_("handled ID-card-only"), default=False)

    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_on = models.DateField(_("clock start"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    promised_due = models.DateField(_("promised due date"), null=True, blank=True)
    legal_due = models.DateField(_("legal due date"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("paused working days"), default=0)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    light = models.CharField(_("traffic light"), max_length=8, choices=Light.choices, default=Light.NONE)
    on_time = models.BooleanField(_("concluded on time"), null=True, blank=True)
    duration_days = models.IntegerField(_("working days taken"), null=True, blank=True)

    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    delivery_method = models.CharField(_("delivery"), max_length=12, choices=DeliveryMethod.choices,
                                       default=DeliveryMethod.PICKUP)
    delivery_reference = models.CharField(_("delivery reference"), max_length=60, blank=True)
    outcome_note = models.TextField(_("reason / decision note"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The queues of case_queue() (promised_due ASC NULLS LAST, then id = these indexes' own
            # order on PostgreSQL): by state, unfiltered, and overdue (light=red). Ending with id lets
            # the first page be read in index order, so it costs the same at 100k and 10M cases
            # (benchmarks/bench_growth.py); without it, a state whose cases have no due date yet
            # (submitted) sorted all of the center's cases in that state.
            models.Index(fields=["center", "state", "promised_due", "id"], name="case_queue_idx"),
            models.Index(fields=["center", "promised_due", "id"], name="case_center_due_idx"),
            models.Index(fields=["center", "light", "promised_due", "id"], name="case_center_light_idx"),
            models.Index(fields=["state", "light", "promised_due"], name="case_sweep_idx"),
            models.Index(fields=["applicant", "submitted_at"], name="case_applicant_idx"),
            models.Index(fields=["submitted_at"], name="case_submitted_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    # -- transitions (the services call these; permission and concurrency are checked there) --
    @transition(field=state, source=[S.SUBMITTED, S.CORRECTION_REQUESTED], target=S.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.REFUSED)
    def refuse(self):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.CORRECTION_REQUESTED)
    def request_correction(self):
        pass

    @transition(field=state, source=S.ACCEPTED, target=S.UNDER_REVIEW)
    def start_review(self):
        pass

    @transition(field=state, source=S.UNDER_REVIEW, target=S.SPECIAL_PROCEDURE)
    def start_special_procedure(self):
        pass

    @transition(field=state, source=S.SPECIAL_PROCEDURE, target=S.UNDER_REVIEW)
    def end_special_procedure(self):
        pass

    @transition(field=state, source=S.UNDER_REVIEW, target=S.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=S.UNDER_REVIEW, target=S.DENIED)
    def deny(self):
        pass

    @transition(field=state, source=[S.APPROVED, S.DENIED], target=S.CONCLUDED)
    def conclude(self):
        pass

    @transition(field=state, source=S.CONCLUDED, target=S.DELIVERED)
    def deliver(self):
        pass

    @transition(field=state, source=list(PRE_DECISION_STATES), target=S.WITHDRAWN)
    def withdraw(self):
        pass

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class PauseKind(models.TextChoices):
    CORRECTION = "correction", _("correction of materials")
    SPECIAL_PROCEDURE = "special_procedure", _("special procedure")


class CasePause(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=20, choices=PauseKind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    started_on = models.DateField(_("paused on"))
    ended_on = models.DateField(_("resumed on"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("working days paused"), null=True, blank=True)

    class Meta:
        ordering = ["case", "started_on", "id"]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.started_on}-{self.ended_on or ''}"


class CaseEvent(models.Model):
    """Append-only history: one row per state change or notable act."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["action", "at"], name="caseevent_action_at_idx")]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    EXEMPTED = "exempted", _("exempted")
    MISSING = "missing", _("missing")


class CaseMaterial(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=MaterialStatus.choices)
    exemption_reason = models.CharField(_("why exempted"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    file_path = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"


class CorrectionNotice(models.Model):
    """一次性告知: everything missing, said once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correction_notices")
    missing = models.JSONField(_("missing or defective materials"))
    note = models.TextField(_("note"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")

    def __str__(self) -> str:
        return "、".join(self.missing)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("awaiting the head's approval")
    GRANTED = "granted", _("granted")
    REJECTED = "rejected", _("rejected")


class Extension(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="extension")
    days = models.PositiveSmallIntegerField(_("working days"), validators=[MinValueValidator(1), MaxValueValidator(10)])
    reason = models.CharField(_("reason"), max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(_("state"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"+{self.days} ({self.state})"


class Rating(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.CharField(_("comment"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=16)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_5")]

    def __str__(self) -> str:
        return f"{self.score}/5"


class RectificationState(models.TextChoices):
    OPEN = "open", _("awaiting an answer")
    ANSWERED = "answered", _("answered, awaiting follow-up")
    CLOSED = "closed", _("followed up and closed")


class Rectification(models.Model):
    """整改: a poor rating (1-2) must be answered and followed up within a working-day limit."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="rectifications")
    state = models.CharField(_("state"), max_length=10, choices=RectificationState.choices,
                             default=RectificationState.OPEN)
    due_on = models.DateField(_("due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up (回访)"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return f"{self.rating} {self.state}"


class NotificationKind(models.TextChoices):
    DUE_SOON = "yellow", _("case due soon")
    OVERDUE = "red", _("case overdue")
    RECTIFICATION = "rectification", _("poor rating to rectify")
    EXTENSION = "extension", _("extension awaiting approval")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "case", "kind"], name="notification_once")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message


class CaseSequence(models.Model):
    """The last sequence number used for a region and day (case numbers)."""

    region_code = models.CharField(max_length=6)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region_code", "day"], name="casesequence_unique_day")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day} {self.last}"
