"""Working-day calendar on the official Chinese holiday schedule (调休 included).

A day is a working day when it is Monday-Friday and not a statutory holiday, or when it is a
make-up working day. The exceptions live in the database (`CalendarDay`), seeded from
`chinese-calendar` and extended by admins from each year's State Council notice. A date in a
year without data raises `CalendarNotCovered`; it is never treated as "weekends only".

The calendar is precomputed into one sorted array of working-day ordinals, so each question
is a binary search rather than a walk over days.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from tongban.core.errors import CalendarNotCovered, InvalidInput

Pause = tuple[date, date]


@dataclass(frozen=True)
class WorkingDayCalendar:
    years: frozenset[int]
    working: tuple[int, ...]  # sorted ordinals of every working day in the covered years
    holiday_names: dict[date, str]

    @classmethod
    def build(cls, exceptions: Iterable[tuple[date, str, str]], years: Iterable[int]) -> WorkingDayCalendar:
        """Build from (date, kind, name) rows, kind being "holiday" or "workday"."""
        years = frozenset(years)
        holidays: set[date] = set()
        workdays: set[date] = set()
        names: dict[date, str] = {}
        for day, kind, name in exceptions:
            (holidays if kind == "holiday" else workdays).add(day)
            if name:
                names[day] = name
        working: list[int] = []
        for year in sorted(years):
            day = date(year, 1, 1)
            end = date(year, 12, 31)
            while day <= end:
                if (day.weekday() < 5 and day not in holidays) or day in workdays:
                    working.append(day.toordinal())
                day += timedelta(days=1)
        return cls(years=years, working=tuple(working), holiday_names=names)

    # -- questions -------------------------------------------------------------------------
    def require_year(self, year: int) -> None:
        if year not in self.years:
            raise CalendarNotCovered(
                _(
                    "The working-day calendar has no data for %(year)s. An administrator must "
                    "import that year's holiday schedule (State Council notice) first."
                )
                % {"year": year}
            )

    def require_range(self, first: date, last: date) -> None:
        for year in range(first.year, last.year + 1):
            self.require_year(year)

    def is_working_day(self, day: date) -> bool:
        self.require_year(day.year)
        ordinal = day.toordinal()
        i = bisect_left(self.working, ordinal)
        return i < len(self.working) and self.working[i] == ordinal

    def add_working_days(self, start: date, days: int) -> date:
        """The date of the `days`-th working day after `start` (start itself not counted).

        `days == 0` returns `start` (handled on the spot).
        """
        if days < 0:
            raise InvalidInput(_("The number of working days cannot be negative."), field="days")
        self.require_year(start.year)
        if days == 0:
            return start
        index = bisect_right(self.working, start.toordinal()) + days - 1
        if index >= len(self.working):
            self.require_year(max(self.years) + 1)
        result = date.fromordinal(self.working[index])
        self.require_range(start, result)  # a gap year in between would be skipped silently
        return result

    def working_days_between(self, start: date, end: date, pauses: Iterable[Pause] = ()) -> int:
        """Working days in (start, end], minus those in paused intervals (a, b] (paused on a,
        resumed on b). Negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start, pauses)
        self.require_range(start, end)
        total = self._count(start, end)
        for a, b in merge_pauses(pauses):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total -= self._count(lo, hi)
        return total

    def paused_working_days(self, pauses: Iterable[Pause]) -> int:
        total = 0
        for a, b in merge_pauses(pauses):
            self.require_range(a, b)
            total += self._count(a, b)
        return total

    def _count(self, start: date, end: date) -> int:
        return bisect_right(self.working, end.toordinal()) - bisect_right(
            self.working, start.toordinal()
        )

    def holiday_name(self, day: date) -> str:
        return self.holiday_names.get(day, "")


def merge_pauses(pauses: Iterable[Pause]) -> list[Pause]:
    merged: list[list[date]] = []
    for a, b in sorted(p for p in pauses if p[1] > p[0]):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


# -- the process-wide calendar, loaded from the database ------------------------------------
_lock = threading.Lock()
_cached: WorkingDayCalendar | None = None
_loaded_at = 0.0
_stamp: tuple | None = None
RECHECK_SECONDS = 30.0


def _db_stamp() -> tuple:
    from django.db.models import Count, Max

    from tongban.core.models import CalendarYear

    agg = CalendarYear.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (agg["n"], agg["latest"])


def _load() -> WorkingDayCalendar:
    from tongban.core.models import CalendarDay, CalendarYear

    years = list(CalendarYear.objects.values_list("year", flat=True))
    rows = CalendarDay.objects.values_list("date", "kind", "name")
    return WorkingDayCalendar.build(rows, years)


def get_calendar() -> WorkingDayCalendar:
    """The calendar for this process; re-read when an admin changed the years (checked every
    RECHECK_SECONDS, and at once after `invalidate()`)."""
    global _cached, _loaded_at, _stamp
    now = time.monotonic()
    if _cached is not None and now - _loaded_at < RECHECK_SECONDS:
        return _cached
    with _lock:
        stamp = _db_stamp()
        if _cached is None or stamp != _stamp:
            _cached = _load()
            _stamp = stamp
        _loaded_at = now
        return _cached


def invalidate() -> None:
    global _cached
    with _lock:
        _cached = None


def is_working_day(day: date) -> bool:
    return get_calendar().is_working_day(day)


def add_working_days(start: date, days: int) -> date:
    return get_calendar().add_working_days(start, days)


def working_days_between(start: date, end: date, pauses: Iterable[Pause] = ()) -> int:
    return get_calendar().working_days_between(start, end, pauses)
