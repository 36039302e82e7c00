"""Time accounting in working days (statutory holidays excluded, make-up days counted).

- A stage's time runs from the day its application was filed to the day it completed, counted as
  working days in (started_on, completed_on]; a running stage counts up to today.
- The project's total is the sum of its stages: the government's time. The enterprise's own
  time between stages (design, tendering, building) is not approval time, which is how the
  national "within 120 working days" target is measured.
- An item's time runs from the case's submission to its conclusion (or today), net of the
  clock's pauses (corrections, special procedures).
A year the holiday calendar does not cover yields no number and says so; it is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from tongban.cases.models import Case
from tongban.core import calendar
from tongban.core.errors import CalendarNotCovered
from tongban.projects.models import Project, ProjectStage, StageState


@dataclass
class StageTime:
    row: ProjectStage
    used: int | None  # None: not started, or the calendar cannot count it
    calendar_gap: bool = False

    @property
    def target(self) -> int:
        return self.row.target_days

    @property
    def over_target(self) -> bool:
        return self.used is not None and self.used > self.target

    @property
    def percent(self) -> int:
        return min(100, round(100 * (self.used or 0) / self.target)) if self.target else 0


@dataclass
class ProjectTime:
    project: Project
    stages: list[StageTime] = field(default_factory=list)

    @property
    def total_used(self) -> int:
        return sum(s.used or 0 for s in self.stages)

    @property
    def target(self) -> int:
        return self.project.rules.target_working_days

    @property
    def over_target(self) -> bool:
        return self.total_used > self.target

    @property
    def calendar_gap(self) -> bool:
        return any(s.calendar_gap for s in self.stages)

    @property
    def current(self) -> StageTime | None:
        running = [s for s in self.stages if s.row.state == StageState.IN_PROGRESS]
        return running[-1] if running else None


def stage_time(row: ProjectStage, today: date | None = None) -> StageTime:
    if row.state == StageState.PENDING or row.started_on is None:
        return StageTime(row=row, used=None)
    if row.state == StageState.COMPLETED and row.working_days is not None:
        return StageTime(row=row, used=row.working_days)
    try:
        return StageTime(row=row, used=calendar.working_days_between(row.started_on, today or timezone.localdate()))
    except CalendarNotCovered:
        return StageTime(row=row, used=None, calendar_gap=True)


def project_time(project: Project, today: date | None = None) -> ProjectTime:
    """Uses `project.stages.all()`: prefetch it for lists."""
    today = today or timezone.localdate()
    return ProjectTime(project=project, stages=[stage_time(row, today) for row in project.stages.all()])


@dataclass
class ItemTime:
    case: Case
    project: Project
    days: int | None
    calendar_gap: bool = False


def case_working_days(case: Case, today: date | None = None) -> int | None:
    """Working days from submission to conclusion (or today), net of pauses; None if uncountable."""
    if case.duration_days is not None and case.concluded_on and case.accepted_on:
        start = timezone.localdate(case.submitted_at)
        waiting = calendar.working_days_between(start, case.accepted_on)
        return waiting + case.duration_days
    end = case.concluded_on or today or timezone.localdate()
    return max(0, calendar.working_days_between(timezone.localdate(case.submitted_at), end) - case.paused_days)


def slowest_items(projects, *, limit: int = 10, today: date | None = None) -> list[ItemTime]:
    """The item cases of these projects that took (or are taking) the longest."""
    ids = [p.pk for p in projects]
    by_id = {p.pk: p for p in projects}
    cases = (Case.objects.filter(Q(project_item__project_stage__project_id__in=ids)
                                 | Q(permit_part__project_stage__project_id__in=ids)
                                 | Q(acceptance_item__project_stage__project_id__in=ids))
             .select_related("item_version", "project_item__project_stage", "permit_part__project_stage",
                             "acceptance_item__project_stage")
             .distinct())
    rows = []
    for case in cases:
        link = (getattr(case, "project_item", None) or getattr(case, "permit_part", None)
                or getattr(case, "acceptance_item", None))
        try:
            rows.append(ItemTime(case=case, project=by_id[link.project_stage.project_id],
                                 days=case_working_days(case, today)))
        except CalendarNotCovered:
            rows.append(ItemTime(case=case, project=by_id[link.project_stage.project_id], days=None,
                                 calendar_gap=True))
    rows.sort(key=lambda r: (r.days is None, -(r.days or 0), r.case.number))
    return rows[:limit]
