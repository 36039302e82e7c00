"""Service beyond the case: holiday duty plans (不打烊), appointments and the hall queue,
consultations and 12345 hotline orders, outreach and publicity events (五进五送), and the
staff lecture series (行政审批服务讲堂). Figures are counted from these rows, never typed totals."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayPlan(models.Model):
    name = models.CharField(_("name"), max_length=100)
    holiday = models.CharField(_("holiday"), max_length=40)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="holidayplan_ordered")]
        verbose_name = _("holiday service plan")
        verbose_name_plural = _("holiday service plans")

    def __str__(self) -> str:
        return self.name


class PlanWindow(models.Model):
    """A window open during the plan, with the holiday items it offers."""

    plan = models.ForeignKey(HolidayPlan, on_delete=models.CASCADE, related_name="windows")
    window = models.ForeignKey("org.Window", on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField("catalog.Item", related_name="+", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "window"], name="planwindow_unique")]

    def __str__(self) -> str:
        return str(self.window)


class Availability(models.Model):
    plan = models.ForeignKey(HolidayPlan, on_delete=models.CASCADE, related_name="availability")
    staff = models.ForeignKey("org.StaffProfile", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "staff", "day"], name="availability_unique")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.day}"


class DutyShift(models.Model):
    plan = models.ForeignKey(HolidayPlan, on_delete=models.CASCADE, related_name="shifts")
    day = models.DateField(_("day"))
    window = models.ForeignKey("org.Window", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("org.StaffProfile", on_delete=models.PROTECT, related_name="duty_shifts")

    class Meta:
        ordering = ["plan", "day", "window"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "day", "window"], name="dutyshift_one_per_window"),
            models.UniqueConstraint(fields=["plan", "day", "staff"], name="dutyshift_one_window_per_person"),
        ]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")

    def __str__(self) -> str:
        return f"{self.day} {self.window} {self.staff.display_name}"


# -- appointments and the queue ------------------------------------------------------------------
class SlotBooking(models.Model):
    """How many appointments a center has taken for a category in one time slot (the row that is
    locked while booking, so capacity holds under concurrent bookings)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=32)
    day = models.DateField()
    slot = models.CharField(max_length=5)
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "category", "day", "slot"], name="slotbooking_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} {self.category}: {self.booked}"


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("booked")
    CHECKED_IN = "checked_in", _("checked in")
    CANCELLED = "cancelled", _("cancelled")


class Appointment(models.Model):
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="appointments")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)
    day = models.DateField(_("day"))
    slot = models.CharField(_("time slot"), max_length=5)
    name = models.CharField(_("name"), max_length=100)
    phone_enc = models.BinaryField(null=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=AppointmentState.choices,
                             default=AppointmentState.BOOKED)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["center", "day", "slot"], name="appointment_slot_idx")]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.code} {self.day} {self.slot}"


class TicketState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CALLED = "called", _("called")
    SERVED = "served", _("served")
    NO_SHOW = "no_show", _("did not come")


class QueueTicket(models.Model):
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField()
    number = models.CharField(_("ticket"), max_length=8)
    category = models.CharField(_("category"), max_length=32)
    appointment = models.OneToOneField(Appointment, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="ticket")
    issued_at = models.DateTimeField(_("issued at"))
    # the moment the ticket joins the queue: issue time for walk-ins, the later of check-in and
    # slot start for appointments; the queue is served in this order
    queued_at = models.DateTimeField(_("queued from"))
    state = models.CharField(_("state"), max_length=8, choices=TicketState.choices, default=TicketState.WAITING)
    window = models.ForeignKey("org.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["center", "day", "queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "day", "number"], name="ticket_unique_number")]
        indexes = [models.Index(fields=["center", "day", "state", "queued_at"], name="ticket_queue_idx")]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")

    def __str__(self) -> str:
        return f"{self.day} {self.number}"


# -- consultations ---------------------------------------------------------------------------------
class ConsultChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    WINDOW = "window", _("at a window")
    ONLINE = "online", _("online")


class QuestionCategory(models.TextChoices):
    GUIDE = "guide", _("how to apply")
    MATERIALS = "materials", _("materials")
    PROGRESS = "progress", _("case progress")
    POLICY = "policy", _("policies")
    COMPLAINT = "complaint", _("complaint or suggestion")
    OTHER = "other", _("other")


class Consultation(models.Model):
    channel = models.CharField(_("channel"), max_length=8, choices=ConsultChannel.choices)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="consultations")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), db_index=True)
    item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("question category"), max_length=10, choices=QuestionCategory.choices)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"))
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    follow_up_note = models.TextField(_("follow-up"), blank=True)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel}"


class HotlineState(models.TextChoices):
    OPEN = "open", _("awaiting an answer")
    ANSWERED = "answered", _("answered")


class HotlineOrder(models.Model):
    """A 12345 hotline work order assigned to a center, answered within working days."""

    number = models.CharField(_("order number"), max_length=30, unique=True)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="hotline_orders")
    received_at = models.DateTimeField(_("received at"))
    category = models.CharField(_("category"), max_length=10, choices=QuestionCategory.choices)
    content = models.TextField(_("content"))
    response_days = models.PositiveSmallIntegerField(_("response limit (working days)"),
                                                     validators=[MinValueValidator(1)])
    due_on = models.DateField(_("due"), db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=HotlineState.choices, default=HotlineState.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "number"]
        verbose_name = _("hotline work order")
        verbose_name_plural = _("hotline work orders")

    def __str__(self) -> str:
        return self.number


# -- outreach and training -------------------------------------------------------------------------
class OutreachKind(models.TextChoices):
    PUBLICITY = "publicity", _("publicity campaign")
    FIVE_INTO = "five_into", _("five into, five send (五进五送) visit")


class OutreachTarget(models.TextChoices):
    AGENCIES = "agencies", _("into agencies")
    ENTERPRISES_SCHOOLS = "enterprises_schools", _("into enterprises and schools")
    PROJECTS = "projects", _("into projects")
    GRASSROOTS = "grassroots", _("into the grassroots")
    BUSINESS_DISTRICTS = "business_districts", _("into business districts")
    PUBLIC = "public", _("the general public (media)")


OUTPUT_FIELDS = ("media_reports", "ads_videos", "enterprise_visits", "leaflets", "policies_delivered")


class OutreachEvent(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OutreachKind.choices)
    target = models.CharField(_("into"), max_length=20, choices=OutreachTarget.choices)
    campaign = models.CharField(_("campaign"), max_length=60, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=120)
    place = models.CharField(_("place"), max_length=120)
    starts_on = models.DateField(_("from"), db_index=True)
    ends_on = models.DateField(_("to"))
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="outreach_events")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    sends = models.JSONField(_("what was sent (guides, policies, support, services, convenience)"),
                             default=list, blank=True)
    media_reports = models.PositiveIntegerField(_("media reports"), default=0)
    ads_videos = models.PositiveIntegerField(_("ads and videos"), default=0)
    enterprise_visits = models.PositiveIntegerField(_("enterprise visits"), default=0)
    leaflets = models.PositiveIntegerField(_("leaflets handed out"), default=0)
    policies_delivered = models.PositiveIntegerField(_("policies delivered"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="outreach_ordered")]
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")

    def __str__(self) -> str:
        return self.title


class Lecture(models.Model):
    series = models.CharField(_("series"), max_length=60)
    number = models.PositiveSmallIntegerField(_("session"))
    held_on = models.DateField(_("held on"), db_index=True)
    topic = models.CharField(_("topic"), max_length=120)
    speaker = models.CharField(_("speaker"), max_length=60)
    speaker_title = models.CharField(_("speaker's position"), max_length=100, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["series", "number"]
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="lecture_unique_session")]
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")

    def __str__(self) -> str:
        return f"{self.series} #{self.number} {self.topic}"


class LectureMaterial(models.Model):
    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=120)
    file_path = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.title
