"""The case clock: due dates in working days from acceptance, excluding paused intervals,
plus any granted extension; the traffic light; durations."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tongban.cases.models import Light, S
from tongban.core import calendar

YELLOW_WHEN_REMAINING_AT_MOST = 2
RUNNING_STATES = (S.ACCEPTED, S.UNDER_REVIEW, S.APPROVED, S.DENIED)


def today() -> date:
    return timezone.localdate()


def due_dates(case) -> tuple[date, date]:
    """(promised, legal) due dates: limit + paused working days + extension, from the clock start."""
    version = case.item_version
    extra = case.paused_days + case.extension_days
    return (
        calendar.add_working_days(case.accepted_on, version.promised_limit_days + extra),
        calendar.add_working_days(case.accepted_on, version.legal_limit_days + extra),
    )


def remaining_working_days(case, on: date | None = None) -> int | None:
    """Working days left until the promised due date (negative when overdue); frozen while paused."""
    if case.promised_due is None or case.state not in (*RUNNING_STATES, S.SPECIAL_PROCEDURE):
        return None
    reference = case.paused_since if case.state == S.SPECIAL_PROCEDURE and case.paused_since else (on or today())
    return calendar.working_days_between(reference, case.promised_due)


def light_for(case, on: date | None = None) -> str:
    if case.state not in RUNNING_STATES or case.promised_due is None:
        return Light.NONE if case.state != S.SPECIAL_PROCEDURE else case.light
    on = on or today()
    if on > case.promised_due:
        return Light.RED
    if calendar.working_days_between(on, case.promised_due) <= YELLOW_WHEN_REMAINING_AT_MOST:
        return Light.YELLOW
    return Light.GREEN


def duration_working_days(case) -> int:
    """Working days from the clock start to conclusion, net of pauses."""
    return calendar.working_days_between(case.accepted_on, case.concluded_on) - case.paused_days
