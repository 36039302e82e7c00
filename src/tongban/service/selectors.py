"""Reads of service, scoped to the centers the user may see; plus the small figures
tongban.stats counts (consultation_count, outreach_totals, ...) from these records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.errors import NotFound
from tongban.org.scoping import scope_by_center
from tongban.service.models import (
    OUTPUT_FIELDS,
    Consultation,
    DutyShift,
    HolidayPlan,
    HotlineOrder,
    HotlineState,
    Lecture,
    OutreachEvent,
    QueueTicket,
)


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (timezone.make_aware(datetime.combine(start, time.min)),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))


def roster(*, user, plan_id: int) -> tuple[HolidayPlan, QuerySet[DutyShift]]:
    plan = HolidayPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No holiday plan %(id)s.") % {"id": plan_id}, code="plan_not_found")
    shifts = scope_by_center(plan.shifts.all(), user, field="window__hall__center")
    return plan, shifts.select_related("staff", "window__hall__center").order_by("day", "window__hall__center",
                                                                                 "window__number")


def consultations(*, user, channel: str = "", start: date | None = None, end: date | None = None):
    qs = scope_by_center(Consultation.objects.all(), user)
    if channel:
        qs = qs.filter(channel=channel)
    if start and end:
        qs = qs.filter(at__range=_day_bounds(start, end))
    return qs.select_related("center", "item", "case").order_by("-at")


def hotline_orders(*, user, overdue: bool = False, today: date | None = None):
    qs = scope_by_center(HotlineOrder.objects.all(), user)
    if overdue:
        qs = qs.filter(state=HotlineState.OPEN, due_on__lt=today or timezone.localdate())
    return qs.order_by("due_on", "number")


def queue_figures(*, center_id: int, day: date) -> dict:
    """Tickets issued, called and waiting, and waiting times (minutes from joining the queue to the call)."""
    tickets = list(QueueTicket.objects.filter(center_id=center_id, day=day).values("state", "queued_at", "called_at"))
    waits = [max(0.0, (t["called_at"] - t["queued_at"]).total_seconds() / 60) for t in tickets if t["called_at"]]
    return {"issued": len(tickets), "called": len(waits), "waiting": sum(t["state"] == "waiting" for t in tickets),
            "mean_wait_minutes": round(sum(waits) / len(waits), 1) if waits else None,
            "max_wait_minutes": round(max(waits), 1) if waits else None}


# -- figures for tongban.stats ------------------------------------------------------------------------
def consultation_count(*, start: date, end: date, channel: str | None = None, center_code: str | None = None) -> int:
    qs = Consultation.objects.filter(at__range=_day_bounds(start, end))
    if channel:
        qs = qs.filter(channel=channel)
    if center_code:
        qs = qs.filter(center__code=center_code)
    return qs.count()


def outreach_totals(*, start: date, end: date, kind: str | None = None, campaign: str | None = None) -> dict:
    """Counted outputs of the events that started in the period, plus the number of events."""
    qs = OutreachEvent.objects.filter(starts_on__gte=start, starts_on__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    if campaign:
        qs = qs.filter(campaign=campaign)
    sums = qs.aggregate(events=Count("id"), **{f: Sum(f) for f in OUTPUT_FIELDS})
    return {k: v or 0 for k, v in sums.items()}


def lecture_totals(*, start: date, end: date) -> dict:
    qs = Lecture.objects.filter(held_on__gte=start, held_on__lte=end)
    return {"lectures": qs.count(), "attendance": qs.aggregate(n=Count("attendees"))["n"] or 0}
