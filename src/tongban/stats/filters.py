"""The filter every metric takes: a period (local dates, both ends included) and optional
restrictions by region, center, window, staff member, item, category, channel and ID-only.

`scope` carries the centers the viewing user may see (tongban.org.scoping); None = all.
"""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

from tongban.core.errors import InvalidInput

FILTER_FIELDS = ("region", "center", "window", "staff", "item", "category", "channel", "id_only")


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    """The aware instant a local day begins."""
    return datetime.combine(day, time.min, tzinfo=local_tz())


@dataclass(frozen=True)
class StatsFilter:
    start: date
    end: date  # inclusive
    region: str | None = None  # region code of the case's origin
    center: str | None = None  # center code
    window: int | None = None  # window id
    staff: int | None = None  # user id: received or handled the case
    item: str | None = None  # item code
    category: str | None = None
    channel: str | None = None
    id_only: bool | None = None
    scope: frozenset[int] | None = field(default=None, compare=True)

    def __post_init__(self):
        if self.end < self.start:
            raise InvalidInput("The period ends before it starts.", field="end")

    # -- periods -----------------------------------------------------------------------------
    @classmethod
    def year(cls, year: int, **kw) -> StatsFilter:
        return cls(start=date(year, 1, 1), end=date(year, 12, 31), **kw)

    @classmethod
    def month(cls, year: int, month: int, **kw) -> StatsFilter:
        return cls(start=date(year, month, 1), end=date(year, month, pycal.monthrange(year, month)[1]), **kw)

    @classmethod
    def quarter(cls, year: int, quarter: int, **kw) -> StatsFilter:
        first = 3 * (quarter - 1) + 1
        return cls(start=date(year, first, 1),
                   end=date(year, first + 2, pycal.monthrange(year, first + 2)[1]), **kw)

    def with_(self, **changes) -> StatsFilter:
        return replace(self, **changes)

    def months(self) -> list[StatsFilter]:
        """The calendar months the period touches, each clipped to the period."""
        out, cursor = [], date(self.start.year, self.start.month, 1)
        while cursor <= self.end:
            last = date(cursor.year, cursor.month, pycal.monthrange(cursor.year, cursor.month)[1])
            out.append(replace(self, start=max(cursor, self.start), end=min(last, self.end)))
            cursor = last + timedelta(days=1)
        return out

    @property
    def start_at(self) -> datetime:
        return day_start(self.start)

    @property
    def end_before(self) -> datetime:
        """The first instant after the period."""
        return day_start(self.end + timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == date(self.end.year, 12, 31) and self.start.month == 1 \
                and self.start.year == self.end.year:
            return f"{self.start.year}年"
        if self.start.year == self.end.year and self.start.month == self.end.month and self.start.day == 1 \
                and self.end.day == pycal.monthrange(self.end.year, self.end.month)[1]:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()} — {self.end.isoformat()}"

    # -- the case conditions (no period: each metric chooses which date it counts by) --------
    def case_q(self, prefix: str = "") -> Q:
        p = prefix
        q = Q()
        if self.region:
            q &= Q(**{f"{p}region_code": self.region})
        if self.center:
            q &= Q(**{f"{p}center__code": self.center})
        if self.window:
            q &= Q(**{f"{p}window_id": self.window})
        if self.staff:
            q &= Q(**{f"{p}received_by_id": self.staff}) | Q(**{f"{p}assigned_to_id": self.staff})
        if self.item:
            q &= Q(**{f"{p}item_version__item__code": self.item})
        if self.category:
            q &= Q(**{f"{p}item_version__category": self.category})
        if self.channel:
            q &= Q(**{f"{p}channel": self.channel})
        if self.id_only is not None:
            q &= Q(**{f"{p}id_only": self.id_only})
        if self.scope is not None:
            q &= Q(**{f"{p}center_id__in": sorted(self.scope)})
        return q

    # -- URLs (drill-down links carry the filter) ------------------------------------------------
    def to_params(self) -> dict[str, str]:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name in FILTER_FIELDS:
            value = getattr(self, name)
            if value is not None and value != "":
                params[name] = "1" if value is True else "0" if value is False else str(value)
        return params

    @classmethod
    def from_params(cls, params, *, default_start: date, default_end: date,
                    scope: frozenset[int] | None) -> StatsFilter:
        def parse_date(name: str, default: date) -> date:
            raw = (params.get(name) or "").strip()
            if not raw:
                return default
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise InvalidInput(f"{name} must be a date like 2023-01-31.", field=name) from None

        def parse_int(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit():
                raise InvalidInput(f"{name} must be a number.", field=name)
            return int(raw)

        id_only_raw = (params.get("id_only") or "").strip()
        return cls(
            start=parse_date("start", default_start), end=parse_date("end", default_end),
            region=(params.get("region") or "").strip() or None,
            center=(params.get("center") or "").strip() or None,
            window=parse_int("window"), staff=parse_int("staff"),
            item=(params.get("item") or "").strip() or None,
            category=(params.get("category") or "").strip() or None,
            channel=(params.get("channel") or "").strip() or None,
            id_only=None if not id_only_raw else id_only_raw in ("1", "true", "yes"),
            scope=scope,
        )
