"""Reads of policy. Measures and programmes are public; tasks, claims and the ledger are for
staff (bureau-wide work: any staff member may read, `permissions` decides who writes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from tongban.policy import permissions
from tongban.policy.models import (
    Claim,
    ClaimState,
    LedgerEntry,
    Measure,
    ReformTask,
    SubsidyProgramme,
)
from tongban.policy.rules import money


def measure_search(*, q: str = "", industry: str = "", size: str = "", location: str = "", department: str = "",
                   valid_on: date | None = None, document: str = "") -> QuerySet[Measure]:
    qs = Measure.objects.select_related("document", "department").prefetch_related("tags")
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(document__title__icontains=q))
    for kind, value in (("industry", industry), ("size", size), ("location", location)):
        if value:
            qs = qs.filter(tags__kind=kind, tags__value=value)
    if department:
        qs = qs.filter(department__code=department)
    if document:
        qs = qs.filter(document__code=document)
    if valid_on:
        qs = qs.filter(Q(valid_from__lte=valid_on), Q(valid_until__isnull=True) | Q(valid_until__gte=valid_on))
    return qs.distinct().order_by("document__issued_on", "document__code", "number")


def reform_tasks(*, user, department: str = "", overdue: bool | None = None,
                 today: date | None = None) -> QuerySet[ReformTask]:
    permissions.require(user, "view")
    today = today or timezone.localdate()
    qs = ReformTask.objects.select_related("department").prefetch_related("milestones")
    if department:
        qs = qs.filter(department__code=department)
    late = Q(completed_on__isnull=True, deadline__lt=today) | Q(completed_on__gt=F("deadline"))
    if overdue is True:
        qs = qs.filter(late)
    elif overdue is False:
        qs = qs.exclude(late)
    return qs.order_by("deadline", "number")


def completion_by_department(*, user, today: date | None = None) -> list[dict]:
    """The leader's view: per owner department, tasks, completed, completed on time, overdue."""
    permissions.require(user, "view")
    today = today or timezone.localdate()
    rows = (
        ReformTask.objects.values("department__code", "department__name")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(completed_on__isnull=False)),
            on_time=Count("id", filter=Q(completed_on__isnull=False, completed_on__lte=F("deadline"))),
            overdue=Count("id", filter=Q(completed_on__isnull=True, deadline__lt=today)),
        )
        .order_by("department__code")
    )
    return [{"department": r["department__code"], "name": r["department__name"], "total": r["total"],
             "completed": r["completed"], "completed_on_time": r["on_time"], "overdue_open": r["overdue"],
             "completion_rate": round(r["completed"] / r["total"], 4) if r["total"] else None} for r in rows]


def programmes() -> QuerySet[SubsidyProgramme]:
    return SubsidyProgramme.objects.select_related("measure__document").annotate(
        booked=Sum("ledger__amount")).order_by("code")


def claims(*, user, programme: str = "", state: str = "") -> QuerySet[Claim]:
    permissions.require(user, "view")
    qs = Claim.objects.select_related("programme", "enterprise", "case")
    if programme:
        qs = qs.filter(programme__code=programme)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("id")


def ledger(*, user, programme: str = "") -> QuerySet[LedgerEntry]:
    permissions.require(user, "view")
    qs = LedgerEntry.objects.select_related("programme", "enterprise", "approver")
    if programme:
        qs = qs.filter(programme__code=programme)
    return qs.order_by("id")


def _between(qs, start: date | None, end: date | None):
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    return qs


def ledger_totals(*, user, by: str = "programme", start: date | None = None, end: date | None = None) -> list[dict]:
    """Net totals (payouts minus reversals) by programme or by the measure's department."""
    permissions.require(user, "view")
    key = {"programme": "programme__code", "department": "programme__measure__department__code"}[by]
    rows = (_between(LedgerEntry.objects.all(), start, end).values(key)
            .annotate(total=Sum("amount"), payouts=Count("id", filter=Q(kind="payout")),
                      reversals=Count("id", filter=Q(kind="reversal")))
            .order_by(key))
    return [{"key": r[key], "total": money(r["total"] or 0), "payouts": r["payouts"],
             "reversals": r["reversals"]} for r in rows]


# -- small figures for tongban.stats (stats_metrics.py) ---------------------------------------
def paid_total(*, start: date, end: date) -> Decimal:
    return money(_between(LedgerEntry.objects.all(), start, end).aggregate(s=Sum("amount"))["s"] or 0)


def enterprises_paid(*, start: date, end: date) -> int:
    net = (_between(LedgerEntry.objects.all(), start, end).values("enterprise_id", "programme_id")
           .annotate(s=Sum("amount")).filter(s__gt=0))
    return len({r["enterprise_id"] for r in net})


def measures_published(*, start: date, end: date) -> int:
    return Measure.objects.filter(document__issued_on__gte=start, document__issued_on__lte=end).count()


def claims_count(*, start: date, end: date, source: str | None = None, state: str | None = None) -> int:
    qs = _between(Claim.objects.all(), start, end)
    if source:
        qs = qs.filter(source=source)
    if state:
        qs = qs.filter(state=state)
    return qs.count()


PAID = ClaimState.PAID
