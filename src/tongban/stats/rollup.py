"""The statistics roll-up (`DailyFigure`, `DurationFigure`): rebuilt from the case records by
`rollup_rebuild`, never edited by hand.

Which reads use it: a metric whose filter has no window and no staff restriction (those are not
dimensions of the roll-up) reads the roll-up for the days up to `covered_through()` and the case
tables for the days after it, adding the two parts (counts, numerators and denominators, sums,
histograms) before dividing; both paths give the same figures (tests/stats/test_rollup.py).
Metrics that are not additive by day stay on the case tables: withdrawn and returned (distinct
cases with an event in the period), carried over and in progress (states at an instant) and
rectification closure (a state that changes long after the rating day).

Who rebuilds it: `simulate` at its end (everything), `tongban stats rollup [--since DATE]`, and
the scheduler's `tongban.stats.tasks.refresh_rollup` (the last TONGBAN_STATS_ROLLUP_DAYS days,
hourly). A rebuild replaces the rows of the days in [since, through] inside one transaction and
records `through` (yesterday by default: a day is rolled up once it is over).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import BigIntegerField, CharField, Count, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone

from tongban.cases.models import Case, Rating, S
from tongban.stats.filters import StatsFilter, day_start
from tongban.stats.models import DailyFigure, DurationFigure, DurationKind, Grain, RollupState

DIMS = ("region_code", "center_id", "item_version_id", "channel", "id_only")
COLUMNS = ("received", "accepted", "refused", "concluded", "on_time", "late", "legal_on_time", "late_legal",
           "duration_n", "duration_sum", "spot_n", "spot_seconds", "rated_1", "rated_2", "rated_3", "rated_4",
           "rated_5")

_disabled = ContextVar("tongban_stats_rollup_disabled", default=False)


@contextmanager
def rollup_disabled() -> Iterator[None]:
    """Inside it every metric reads the case tables only (tests compare both paths)."""
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def covered_through() -> date | None:
    """The last day the roll-up holds completely; None when there is no roll-up (or it is off)."""
    if _disabled.get():
        return None
    return RollupState.objects.filter(pk=1).values_list("covered_through", flat=True).first()


def compatible(f: StatsFilter) -> bool:
    """Whether the roll-up has the dimensions the filter restricts by."""
    return not f.window and not f.staff


# -- reading: which rows hold the days of a period -------------------------------------------------
def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def pieces(start: date, end: date) -> list[tuple[str, date, date]]:
    """The roll-up rows that make up the days [start, end]: (grain, first row day, last row day).
    Whole months read the month rows; the days before the first and after the last whole month
    read the day rows."""
    first_month = start if start.day == 1 else _month_end(start) + timedelta(days=1)
    out: list[tuple[str, date, date]] = []
    cursor = first_month
    last_month = None
    while _month_end(cursor) <= end:
        last_month = cursor
        cursor = _month_end(cursor) + timedelta(days=1)
    if last_month is None:
        return [(Grain.DAY, start, end)]
    if start < first_month:
        out.append((Grain.DAY, start, first_month - timedelta(days=1)))
    out.append((Grain.MONTH, first_month, last_month))
    if _month_end(last_month) < end:
        out.append((Grain.DAY, _month_end(last_month) + timedelta(days=1), end))
    return out


def days_q(start: date, end: date) -> Q:
    q = Q(pk__in=[])
    for grain, lo, hi in pieces(start, end):
        q |= Q(grain=grain, day__gte=lo, day__lte=hi)
    return q


def in_pieces(grain: str, day: date, ps: list[tuple[str, date, date]]) -> bool:
    return any(g == grain and lo <= day <= hi for g, lo, hi in ps)


# -- building --------------------------------------------------------------------------------------
@dataclass
class RollupResult:
    since: date | None
    through: date
    rows: int
    durations: int
    seconds: float


def _range(field: str, since: date | None, through: date, *, instant: bool) -> Q:
    if instant:
        q = Q(**{f"{field}__lt": day_start(through + timedelta(days=1))})
        return q & Q(**{f"{field}__gte": day_start(since)}) if since else q
    q = Q(**{f"{field}__lte": through})
    return q & Q(**{f"{field}__gte": since}) if since else q


def _select(qs, day, aggregates: dict, columns: tuple[str, ...], prefix: str = "") -> tuple[str, list]:
    """SELECT day, dims..., one value per column (0 where this source has none) ... GROUP BY."""
    keys = [f"{prefix}{d}" for d in DIMS]
    # annotation names must not shadow case fields (on_time) in the filters of the others
    values = {f"rollup_{c}": aggregates.get(c, Value(0, output_field=BigIntegerField())) for c in columns}
    qs = (qs.annotate(rollup_day=day).values("rollup_day", *keys).annotate(**values).order_by()
          .values_list("rollup_day", *keys, *values))
    return qs.query.sql_with_params()


def _month_start_sql(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"date({column}, 'start of month')"
    return f"CAST(date_trunc('month', {column}) AS date)"


def _insert(table: str, extra: tuple[str, ...], columns: tuple[str, ...], selects: list[tuple[str, list]],
            month_from: date | None, source_prefix: str = "") -> int:
    """Sum the union of `selects` into day rows, then (re)make the month rows from the day rows of
    the months from `month_from` (all when None)."""
    qn = connection.ops.quote_name
    dims = ("region_code", "center_id", "item_version_id", "channel", "id_only")
    target = ", ".join(qn(c) for c in ("grain", "day", *dims, *extra, *columns))
    union = " UNION ALL ".join(sql for sql, _p in selects)
    params = [p for _sql, ps in selects for p in ps]
    names = ("rollup_day", *dims, *extra)
    group = ", ".join(f"u.{qn(n)}" for n in names)
    sums = ", ".join(f"COALESCE(SUM(u.{qn(source_prefix + c)}), 0)" for c in columns)
    with connection.cursor() as cur:
        # only quoted names and compiled ORM queries are interpolated; values are parameters
        cur.execute(f"INSERT INTO {qn(table)} ({target}) SELECT %s, {group}, {sums} "  # noqa: S608
                    f"FROM ({union}) u GROUP BY {group}", [str(Grain.DAY), *params])
        rows = cur.rowcount
        month = _month_start_sql(qn("day"))
        mgroup = ", ".join(qn(n) for n in (*dims, *extra))
        where, wparams = (f" AND {qn('day')} >= %s", [month_from.isoformat()]) if month_from else ("", [])
        msums = ", ".join(f"SUM({qn(c)})" for c in columns)
        cur.execute(f"INSERT INTO {qn(table)} ({target}) SELECT %s, {month}, {mgroup}, {msums} "  # noqa: S608
                    f"FROM {qn(table)} WHERE {qn('grain')} = %s{where} GROUP BY {month}, {mgroup}",
                    [str(Grain.MONTH), str(Grain.DAY), *wparams])
    return rows


def _figure_selects(since: date | None, through: date) -> list[tuple[str, list]]:
    from tongban.stats.metrics import SPOT_Q, LocalDate, SecondsBetween

    cases = Case.objects.all()
    return [
        _select(cases.filter(_range("submitted_at", since, through, instant=True)), LocalDate("submitted_at"),
                {"received": Count("pk")}, COLUMNS),
        _select(cases.filter(_range("accepted_on", since, through, instant=False)), F("accepted_on"),
                {"accepted": Count("pk")}, COLUMNS),
        _select(cases.filter(_range("decided_at", since, through, instant=True), state=S.REFUSED),
                LocalDate("decided_at"), {"refused": Count("pk")}, COLUMNS),
        _select(cases.filter(_range("concluded_on", since, through, instant=False)), F("concluded_on"), {
            "concluded": Count("pk"), "on_time": Count("pk", filter=Q(on_time=True)),
            "late": Count("pk", filter=Q(on_time=False)),
            "legal_on_time": Count("pk", filter=Q(concluded_on__lte=F("legal_due"))),
            "late_legal": Count("pk", filter=Q(concluded_on__gt=F("legal_due"))),
            "duration_n": Count("duration_days"), "duration_sum": Sum("duration_days"),
            "spot_n": Count("pk", filter=SPOT_Q),
            "spot_seconds": Sum(SecondsBetween("submitted_at", "concluded_at"), filter=SPOT_Q)}, COLUMNS),
        _select(Rating.objects.filter(_range("created_at", since, through, instant=True)), LocalDate("created_at"),
                {f"rated_{s}": Count("pk", filter=Q(score=s)) for s in range(1, 6)}, COLUMNS, prefix="case__"),
    ]


def _duration_selects(since: date | None, through: date) -> list[tuple[str, list]]:
    from tongban.stats.metrics import SPOT_Q, MinutesBetween

    concluded = Case.objects.filter(_range("concluded_on", since, through, instant=False))
    out = []
    for kind, qs, value in (
        (DurationKind.DAYS, concluded.filter(duration_days__isnull=False), F("duration_days")),
        (DurationKind.MINUTES, concluded.filter(SPOT_Q), MinutesBetween("submitted_at", "concluded_at", whole=True)),
    ):
        keys = list(DIMS)
        qs = (qs.annotate(rollup_day=F("concluded_on"), kind=Value(kind, output_field=CharField()),
                          value=Cast(value, IntegerField()))
              .values("rollup_day", *keys, "kind", "value").annotate(n=Count("pk")).order_by()
              .values_list("rollup_day", *keys, "kind", "value", "n"))
        out.append(qs.query.sql_with_params())
    return out


@transaction.atomic
def rollup_rebuild(*, since: date | None = None, through: date | None = None) -> RollupResult:
    """Replace the roll-up rows of the days in [since, through] with figures recomputed from the
    cases and ratings (all days when `since` is None or nothing is rolled up yet), and the month
    rows of the months those days touch; `through` defaults to yesterday (local). The roll-up
    stays contiguous: `since` is moved back to the day after the last complete day when it would
    leave a gap."""
    started = time.monotonic()
    through = through or timezone.localdate() - timedelta(days=1)
    state = RollupState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        since = None
    elif since is not None:
        since = min(since, state.covered_through + timedelta(days=1))
    month_from = since.replace(day=1) if since else None
    for model in (DailyFigure, DurationFigure):
        if since is None:
            model.objects.all().delete()
        else:
            model.objects.filter(grain=Grain.DAY, day__gte=since, day__lte=through).delete()
            model.objects.filter(grain=Grain.MONTH, day__gte=month_from).delete()
    rows = _insert(DailyFigure._meta.db_table, (), COLUMNS, _figure_selects(since, through), month_from,
                   source_prefix="rollup_")
    durations = _insert(DurationFigure._meta.db_table, ("kind", "value"), ("n",), _duration_selects(since, through),
                        month_from)
    # a rebuild that stops before the last complete day leaves the later days as they were
    if state is not None and since is not None and state.covered_through > through:
        through = state.covered_through
    seconds = time.monotonic() - started
    RollupState.objects.update_or_create(pk=1, defaults={
        "covered_through": through, "built_at": timezone.now(), "seconds": seconds})
    return RollupResult(since=since, through=through, rows=rows, durations=durations, seconds=seconds)
