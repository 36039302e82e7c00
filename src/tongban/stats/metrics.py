"""Case metrics: every figure the reports and dashboards print about cases, each with its
definition. Periods are local dates, both ends included; each metric says which date of the
case it counts by. Rates are fractions (0..1) and None when nothing was measured.

Counts:
  received     cases submitted in the period (by submission time)
  accepted     cases whose clock started in the period (accepted_on)
  concluded    cases concluded in the period (concluded_on)
  refused      cases refused acceptance in the period (不予受理; decided_at)
  withdrawn    cases withdrawn in the period (the withdraw event's time)
  returned     cases sent back for correction in the period (补正; distinct cases with a
               request_correction event in the period)
  late         cases concluded in the period after their promised due date
  carried_over cases open when the period starts: accepted before it, not concluded and not
               withdrawn before it
  in_progress  cases open when the period ends: accepted by its last day, not concluded and
               not withdrawn by then
  id_only      cases received in the period handled ID-card-only (一证通办)
  cross_region cases received in the period through the cross-region channel; a case is one row
               with the receiving region as its origin (region_code), so it is counted once
  holiday      cases received in the period at a holiday window, or submitted on a day that is
               not a working day in the official calendar
Rates and durations (over the cases concluded in the period unless said otherwise):
  on_time_rate        share concluded on or before the promised due date (on_time)
  on_time_rate_legal  share concluded on or before the legal due date (concluded_on <= legal_due)
  mean_duration_days / median_duration_days  working days from the clock start to conclusion,
                      net of pauses (duration_days)
  mean_minutes / median_minutes  on-the-spot window cases (channel window or holiday window, item
                      promised limit 0 = 即办): minutes from submission to conclusion
  ratings             ratings given in the period
  satisfaction_rate   share of the ratings given in the period scoring 4 or 5
  rectification_closure  share of the rectifications opened by ratings given in the period
                      that are closed

Where they are read: the additive metrics (counts, rates, means, medians, ratings) read the
roll-up (tongban.stats.rollup) for the days it holds when the filter has no window or staff
restriction, and the case tables otherwise and for the days after it; each part gives the same
numbers (counts, numerator and denominator, sum and count, histogram) and the parts are added
before dividing. withdrawn, returned, carried_over, in_progress and rectification_closure always
read the case tables. The drill-down (`cases`) always reads the case tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db.models import (
    BigIntegerField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.lookups import In

from tongban.cases.models import (
    Case,
    CaseEvent,
    Channel,
    Rating,
    Rectification,
    RectificationState,
    S,
)
from tongban.core import calendar
from tongban.stats import rollup
from tongban.stats.filters import FILTER_FIELDS, StatsFilter, local_tz
from tongban.stats.models import DailyFigure, DurationFigure, DurationKind, Grain
from tongban.stats.registry import Metric, register

ON_THE_SPOT_CHANNELS = (Channel.WINDOW, Channel.HOLIDAY_WINDOW)


class MinutesBetween(Func):
    """Minutes from the first datetime expression to the second, computed in the database."""

    output_field = FloatField()
    arity = 2

    def __init__(self, *expressions, whole: bool = False, **extra):
        super().__init__(*expressions, **extra)
        self.whole = whole  # whole minutes (rounded down)

    def as_sql(self, compiler, connection, **extra):
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions)
        # whole seconds first: julianday arithmetic leaves 11.99999 for 12 minutes
        if connection.vendor == "sqlite":
            seconds = f"ROUND((julianday({b}) - julianday({a})) * 86400.0)"
            return (f"(CAST({seconds} AS INTEGER) / 60)" if self.whole else f"({seconds} / 60.0)"), [*pb, *pa]
        seconds = f"ROUND(EXTRACT(EPOCH FROM ({b} - {a})))"
        return (f"FLOOR({seconds} / 60.0)" if self.whole else f"({seconds} / 60.0)"), [*pb, *pa]


class SecondsBetween(Func):
    """Whole seconds (rounded) from the first datetime expression to the second, in the database."""

    output_field = BigIntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        (a, pa), (b, pb) = (compiler.compile(e) for e in self.source_expressions)
        if connection.vendor == "sqlite":
            return f"CAST(ROUND((julianday({b}) - julianday({a})) * 86400.0) AS INTEGER)", [*pb, *pa]
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({b} - {a}))) AS BIGINT)", [*pb, *pa]


# -- period conditions ------------------------------------------------------------------------
def at_between(field: str, f: StatsFilter) -> Q:
    return Q(**{f"{field}__gte": f.start_at, f"{field}__lt": f.end_before})


def on_between(field: str, f: StatsFilter) -> Q:
    return Q(**{f"{field}__gte": f.start, f"{field}__lte": f.end})


def non_working_intervals(first: date, last: date) -> list[tuple[date, date]]:
    """Runs of consecutive non-working days between first and last (inclusive)."""
    cal = calendar.get_calendar()
    runs: list[tuple[date, date]] = []
    day = first
    while day <= last:
        if not cal.is_working_day(day):
            if runs and runs[-1][1] == day - timedelta(days=1):
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        day += timedelta(days=1)
    return runs


class LocalDate(Func):
    """The local (settings.TIME_ZONE) date of a datetime column, computed in the database.
    SQLite: the zone's fixed offset (Asia/Shanghai has had no daylight saving since 1991)."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        tz = local_tz()
        if connection.vendor == "sqlite":
            minutes = int(datetime(2000, 1, 1, tzinfo=tz).utcoffset().total_seconds() // 60)
            return f"date({sql}, '{minutes:+d} minutes')", params
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, str(tz)]


def holiday_q(f: StatsFilter, prefix: str = "") -> Q:
    rest_days = [a + timedelta(days=i) for a, b in non_working_intervals(f.start, f.end)
                 for i in range((b - a).days + 1)]
    on_rest_day = In(LocalDate(f"{prefix}submitted_at"), rest_days or [date(1900, 1, 1)])
    return Q(**{f"{prefix}channel": Channel.HOLIDAY_WINDOW}) | Q(on_rest_day)


def _withdrawn_before(moment) -> Q:
    """The case was withdrawn before `moment`."""
    return Q(state=S.WITHDRAWN) & Q(Exists(CaseEvent.objects.filter(
        case_id=OuterRef("pk"), action="withdraw", at__lt=moment)))


def open_at_start_q(f: StatsFilter) -> Q:
    return (Q(accepted_on__lt=f.start) & (Q(concluded_on__isnull=True) | Q(concluded_on__gte=f.start))
            & ~_withdrawn_before(f.start_at))


def open_at_end_q(f: StatsFilter) -> Q:
    return (Q(accepted_on__lte=f.end) & (Q(concluded_on__isnull=True) | Q(concluded_on__gt=f.end))
            & ~_withdrawn_before(f.end_before))


def cases_for(f: StatsFilter) -> QuerySet[Case]:
    return Case.objects.filter(f.case_q())


def _span(periods: list[StatsFilter]) -> StatsFilter:
    """The period covering all `periods`. Series compute several filters in one query: the
    periods may differ from the base filter in any field (month, category, center...), each
    aggregate carrying its own full condition."""
    return periods[0].with_(start=min(p.start for p in periods), end=max(p.end for p in periods))


# -- the two paths ---------------------------------------------------------------------------------
# Rolled-up metrics compute *parts* (a count; a numerator and a denominator; a sum and a count; a
# histogram) for each period, from the roll-up for the days it holds and from the case tables for
# the days after, add the parts and only then finish them into the figure.
def _plan(base: StatsFilter, periods: list[StatsFilter]) -> list[tuple[StatsFilter | None, StatsFilter | None]]:
    """For each period: (the part the roll-up holds, the part read from the case tables)."""
    through = (rollup.covered_through() if rollup.compatible(base) and all(rollup.compatible(p) for p in periods)
               else None)
    out = []
    for p in periods:
        if through is None or p.start > through:
            out.append((None, p))
        elif p.end <= through:
            out.append((p, None))
        else:
            out.append((p.with_(end=through), p.with_(start=through + timedelta(days=1))))
    return out


def _hybrid(base: StatsFilter, periods: list[StatsFilter], raw, rolled, add) -> list:
    if not periods:
        return []
    plan = _plan(base, periods)
    rolled_in = [r for r, _c in plan if r is not None]
    raw_in = [c for _r, c in plan if c is not None]
    rolled_out = iter(rolled(base, rolled_in) if rolled_in else [])
    raw_out = iter(raw(base, raw_in) if raw_in else [])
    parts = []
    for r, c in plan:
        if r is not None and c is not None:
            parts.append(add(next(rolled_out), next(raw_out)))
        else:
            parts.append(next(rolled_out) if r is not None else next(raw_out))
    return parts


def _hybrid_breakdown(f: StatsFilter, by: str, raw, rolled, add) -> dict:
    ((r, c),) = _plan(f, [f])
    out = dict(rolled(r, by)) if r is not None else {}
    for key, part in (raw(c, by) if c is not None else {}).items():
        out[key] = add(out[key], part) if key in out else part
    return out


def _add(a, b):
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = out.get(k, 0) + v
        return out
    if isinstance(a, tuple):
        return tuple(x + y for x, y in zip(a, b, strict=True))
    return a + b


def _only_dates_differ(base: StatsFilter, periods: list[StatsFilter]) -> bool:
    return all(p.with_(start=base.start, end=base.end) == base for p in periods)


def _rolled_sums(model, base: StatsFilter, periods: list[StatsFilter], sums: dict, extra: Q | None = None,
                 rows=None) -> list[tuple]:
    """Per period, the sums of the roll-up expressions in `sums` (in their order) over the rows
    meeting `extra`; `rows(period)`, when given, selects the rows of a period instead of its days."""
    custom = rows is not None
    rows = rows or (lambda p: rollup.days_q(p.start, p.end))
    names = list(sums)
    selected = Q(pk__in=[])
    for q in {rows(p.with_(**{f: None for f in FILTER_FIELDS})) for p in periods}:
        selected |= q
    qs = model.objects.filter(base.case_q() & selected & (extra or Q()))
    if not custom and _only_dates_differ(base, periods):
        # one pass grouped by row day, each period summing its rows in Python
        ranges = [rollup.pieces(p.start, p.end) for p in periods]
        totals = [[0] * len(names) for _p in periods]
        grouped = (qs.values_list("grain", "day").annotate(**{f"s_{n}": Sum(e) for n, e in sums.items()})
                   .values_list("grain", "day", *[f"s_{n}" for n in names]).order_by())
        for grain, day, *values in grouped:
            for i, ps in enumerate(ranges):
                if rollup.in_pieces(grain, day, ps):
                    totals[i] = [t + int(v or 0) for t, v in zip(totals[i], values, strict=True)]
        return [tuple(t) for t in totals]
    aggs = {}
    for i, p in enumerate(periods):
        cond = rows(p) & p.case_q()
        for n, e in sums.items():
            aggs[f"p{i}_{n}"] = Sum(e, filter=cond)
    row = qs.aggregate(**aggs)
    return [tuple(int(row[f"p{i}_{n}"] or 0) for n in names) for i in range(len(periods))]


def _rolled_breakdown(model, f: StatsFilter, by: str, sums: dict, extra: Q | None = None, rows=None) -> dict:
    selected = rows(f) if rows else rollup.days_q(f.start, f.end)
    qs = model.objects.filter(f.case_q() & selected & (extra or Q()))
    names = list(sums)
    grouped = qs.values_list(by).annotate(**{f"s_{n}": Sum(e) for n, e in sums.items()}).order_by() \
        .values_list(by, *[f"s_{n}" for n in names])
    return {key: tuple(int(v or 0) for v in values) for key, *values in grouped}


def _rolled_histograms(base: StatsFilter, periods: list[StatsFilter], kind: str) -> list[dict]:
    rows_q = Q(pk__in=[])
    for p in periods:
        rows_q |= rollup.days_q(p.start, p.end)
    qs = DurationFigure.objects.filter(base.case_q() & rows_q, kind=kind)
    aggs = {f"p{i}": Sum("n", filter=rollup.days_q(p.start, p.end) & p.case_q()) for i, p in enumerate(periods)}
    out: list[dict] = [{} for _p in periods]
    for value, *counts in qs.values_list("value").annotate(**aggs).values_list("value", *aggs).order_by():
        for i, c in enumerate(counts):
            if c:
                out[i][value] = out[i].get(value, 0) + int(c)
    return out


# -- builders ---------------------------------------------------------------------------------
def case_count(name: str, label: str, definition: str, when: Callable[[StatsFilter], Q],
               extra: Q | Callable[[StatsFilter], Q] | None = None, unit: str = "件", *,
               column: str | None = None, rolled_extra: Q | None = None, rolled_rows=None) -> Metric:
    """A count of cases meeting `extra`, dated by `when` (a Q for a period). With `column`, the
    days the roll-up holds read that column, summed over the rows meeting `rolled_extra` (or
    selected by `rolled_rows(period)` when the selection depends on the period)."""
    def extra_q(f: StatsFilter) -> Q:
        return extra(f) if callable(extra) else (extra or Q())

    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(when(f) & extra_q(f))

    def raw_series(base: StatsFilter, periods: list[StatsFilter]) -> list[int]:
        span = _span(periods)
        aggs = {f"p{i}": Count("pk", filter=when(p) & p.case_q()) for i, p in enumerate(periods)}
        row = cases_for(base).filter(when(span) & extra_q(span)).aggregate(**aggs)
        return [row[f"p{i}"] for i in range(len(periods))]

    def raw_breakdown(f: StatsFilter, by: str) -> dict:
        return dict(cases(f).values_list(by).annotate(n=Count("pk")).values_list(by, "n").order_by())

    def rolled_series(base, periods):
        return [v for (v,) in _rolled_sums(DailyFigure, base, periods, {column: F(column)}, rolled_extra,
                                                rolled_rows)]

    def rolled_breakdown(f, by):
        return {k: v for k, (v,) in _rolled_breakdown(DailyFigure, f, by, {column: F(column)}, rolled_extra,
                                                                    rolled_rows).items()}

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[int]:
        if column is None:
            return raw_series(base, periods) if periods else []
        return _hybrid(base, periods, raw_series, rolled_series, _add)

    def breakdown(f: StatsFilter, by: str) -> dict:
        if column is None:
            return raw_breakdown(f, by)
        return {k: v for k, v in _hybrid_breakdown(f, by, raw_breakdown, rolled_breakdown, _add).items() if v}

    return register(Metric(name=name, label=label, definition=definition, compute=lambda f: series(f, [f])[0],
                           series=series, cases=cases, unit=unit, breakdown=breakdown))


def event_count(name: str, label: str, definition: str, action: str) -> Metric:
    """Distinct cases with an event of `action` in the period (case tables only: a case may have
    such events on several days, so daily counts do not add up)."""
    def events(f: StatsFilter):
        return CaseEvent.objects.filter(f.case_q("case__"), action=action)

    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(pk__in=events(f).filter(at_between("at", f)).values("case_id"))

    def compute(f: StatsFilter) -> int:
        return events(f).filter(at_between("at", f)).aggregate(n=Count("case_id", distinct=True))["n"]

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[int]:
        if not periods:
            return []
        aggs = {f"p{i}": Count("case_id", distinct=True, filter=at_between("at", p) & p.case_q("case__"))
                for i, p in enumerate(periods)}
        row = events(base).filter(at_between("at", _span(periods))).aggregate(**aggs)
        return [row[f"p{i}"] for i in range(len(periods))]

    def breakdown(f: StatsFilter, by: str) -> dict:
        qs = events(f).filter(at_between("at", f)).values_list(f"case__{by}")
        return dict(qs.annotate(n=Count("case_id", distinct=True)).values_list(f"case__{by}", "n").order_by())

    return register(Metric(name=name, label=label, definition=definition, compute=compute, series=series,
                           cases=cases, breakdown=breakdown))


def state_count(name: str, label: str, definition: str, q: Callable[[StatsFilter], Q]) -> Metric:
    """Cases in a condition at an instant (carried over, in progress): one query per period, on
    the case tables."""
    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(q(f))

    def breakdown(f: StatsFilter, by: str) -> dict:
        return dict(cases(f).values_list(by).annotate(n=Count("pk")).values_list(by, "n").order_by())

    return register(Metric(name=name, label=label, definition=definition, compute=lambda f: cases(f).count(),
                           cases=cases, breakdown=breakdown))


def _ratio(parts: tuple) -> float | None:
    n, d = parts
    return n / d if d else None


def case_rate(name: str, label: str, definition: str, when: Callable[[StatsFilter], Q], numerator: Q,
              denominator: Q, *, rolled: tuple) -> Metric:
    """A share of cases; `rolled` gives the roll-up expressions of the numerator and denominator."""
    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(when(f) & denominator)

    def raw_series(base: StatsFilter, periods: list[StatsFilter]) -> list[tuple]:
        aggs = {}
        for i, p in enumerate(periods):
            aggs[f"n{i}"] = Count("pk", filter=when(p) & p.case_q() & numerator)
            aggs[f"d{i}"] = Count("pk", filter=when(p) & p.case_q())
        row = cases_for(base).filter(when(_span(periods)) & denominator).aggregate(**aggs)
        return [(row[f"n{i}"], row[f"d{i}"]) for i in range(len(periods))]

    def raw_breakdown(f: StatsFilter, by: str) -> dict:
        rows = cases(f).values_list(by).annotate(n=Count("pk", filter=numerator), d=Count("pk")).order_by()
        return {key: (n, d) for key, n, d in rows.values_list(by, "n", "d")}

    sums = {"n": rolled[0], "d": rolled[1]}

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[float | None]:
        parts = _hybrid(base, periods, raw_series,
                        lambda b, ps: _rolled_sums(DailyFigure, b, ps, sums), _add)
        return [_ratio(p) for p in parts]

    def breakdown(f: StatsFilter, by: str) -> dict:
        parts = _hybrid_breakdown(f, by, raw_breakdown, lambda r, b: _rolled_breakdown(DailyFigure, r, b, sums), _add)
        return {key: _ratio(p) for key, p in parts.items() if p[1]}

    return register(Metric(name=name, label=label, definition=definition, unit="%", kind="rate",
                           compute=lambda f: series(f, [f])[0], series=series, cases=cases, breakdown=breakdown))


def _median_from_histogram(hist: list[tuple[float, int]]) -> float | None:
    """The median (mean of the two middle values for an even count) of a sorted histogram."""
    n = sum(c for _v, c in hist)
    if n == 0:
        return None
    lo_rank, hi_rank = (n - 1) // 2, n // 2
    seen, lo = 0, None
    for value, c in hist:
        if lo is None and seen + c > lo_rank:
            lo = value
        if seen + c > hi_rank:
            return (lo + value) / 2
        seen += c
    return None


def case_duration(name: str, label: str, definition: str, *, value, when: Callable[[StatsFilter], Q],
                  extra: Q, median: bool, unit: str, rolled: tuple[str, str] | str, scale: int = 1) -> Metric:
    """Mean or median of `value` (an expression) over cases meeting `extra`, dated by `when`. The
    mean is the sum over the count (divided by `scale`), `rolled` naming the roll-up's sum and count
    columns; the median comes from the histogram of values (`rolled` names the DurationFigure kind)."""
    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(when(f) & extra)

    def raw_means(base: StatsFilter, periods: list[StatsFilter]) -> list[tuple]:
        qs = cases_for(base).filter(when(_span(periods)) & extra)
        aggs = {}
        for i, p in enumerate(periods):
            aggs[f"s{i}"] = Sum(value, filter=when(p) & p.case_q())
            aggs[f"n{i}"] = Count("pk", filter=when(p) & p.case_q())
        row = qs.aggregate(**aggs)
        return [(int(row[f"s{i}"] or 0), row[f"n{i}"]) for i in range(len(periods))]

    def raw_histograms(base: StatsFilter, periods: list[StatsFilter]) -> list[dict]:
        qs = cases_for(base).filter(when(_span(periods)) & extra)
        rows = list(
            qs.annotate(v=value).values("v")
            .annotate(**{f"p{i}": Count("pk", filter=when(p) & p.case_q()) for i, p in enumerate(periods)})
            .order_by("v")
        )
        return [{r["v"]: r[f"p{i}"] for r in rows if r[f"p{i}"]} for i in range(len(periods))]

    def mean(parts: tuple) -> float | None:
        total, n = parts
        return total / n / scale if n else None

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[float | None]:
        if median:
            parts = _hybrid(base, periods, raw_histograms, lambda b, ps: _rolled_histograms(b, ps, rolled), _add)
            return [_median_from_histogram(sorted(h.items())) for h in parts]
        sums = {"s": F(rolled[0]), "n": F(rolled[1])}
        parts = _hybrid(base, periods, raw_means, lambda b, ps: _rolled_sums(DailyFigure, b, ps, sums), _add)
        return [mean(p) for p in parts]

    def raw_breakdown(f: StatsFilter, by: str) -> dict:
        rows = cases(f).values_list(by).annotate(s=Sum(value), n=Count("pk")).values_list(by, "s", "n").order_by()
        return {key: (int(s or 0), n) for key, s, n in rows}

    def breakdown(f: StatsFilter, by: str) -> dict:
        if median:
            raise NotImplementedError("medians are computed per filter")
        sums = {"s": F(rolled[0]), "n": F(rolled[1])}
        parts = _hybrid_breakdown(f, by, raw_breakdown, lambda r, b: _rolled_breakdown(DailyFigure, r, b, sums),
                                  _add)
        return {key: mean(p) for key, p in parts.items() if p[1]}

    return register(Metric(name=name, label=label, definition=definition, unit=unit, kind="duration",
                           compute=lambda f: series(f, [f])[0], series=series, cases=cases,
                           breakdown=None if median else breakdown))


# -- the case metrics --------------------------------------------------------------------------
def received_when(f: StatsFilter) -> Q:
    return at_between("submitted_at", f)


def concluded_when(f: StatsFilter) -> Q:
    return on_between("concluded_on", f)


def holiday_rows(f: StatsFilter) -> Q:
    """The roll-up rows of the holiday cases of a period (rows are dated by the local submission
    day): the holiday-window rows of its days (month rows included), and the other channels' day
    rows of its rest days (a month row mixes working and rest days)."""
    rest_days = [a + timedelta(days=i) for a, b in non_working_intervals(f.start, f.end)
                 for i in range((b - a).days + 1)]
    return ((rollup.days_q(f.start, f.end) & Q(channel=Channel.HOLIDAY_WINDOW))
            | (Q(grain=Grain.DAY, day__in=rest_days) & ~Q(channel=Channel.HOLIDAY_WINDOW)))


case_count("received", "受理申请量（收件）", "Cases submitted in the period.", received_when, column="received")
case_count("accepted", "受理件", "Cases whose clock started (accepted) in the period.",
           lambda f: on_between("accepted_on", f), column="accepted")
case_count("concluded", "办结件", "Cases concluded in the period.", concluded_when, column="concluded")
case_count("refused", "不予受理件", "Cases refused acceptance in the period (by decision time).",
           lambda f: at_between("decided_at", f), Q(state=S.REFUSED), column="refused")
event_count("withdrawn", "撤回件", "Cases withdrawn in the period (time of the withdraw event).", "withdraw")
event_count("returned", "补正退回件",
            "Distinct cases sent back for correction (一次性告知) in the period.", "request_correction")
case_count("late", "超期办结件", "Cases concluded in the period after their promised due date.",
           concluded_when, Q(on_time=False), column="late")
case_count("late_legal", "超法定时限办结件", "Cases concluded in the period after their legal due date.",
           concluded_when, Q(concluded_on__gt=F("legal_due")), column="late_legal")
state_count("carried_over", "上期结转件",
            "Cases open when the period starts: accepted before it, neither concluded nor withdrawn "
            "before it.", open_at_start_q)
state_count("in_progress", "在办件",
            "Cases open when the period ends: accepted by its last day, neither concluded nor "
            "withdrawn by then.", open_at_end_q)
case_count("id_only", "一证通办件", "Cases received in the period handled with the ID card only.",
           received_when, Q(id_only=True), column="received", rolled_extra=Q(id_only=True))
case_count("cross_region", "跨区通办件",
           "Cases received in the period through the cross-region channel, counted once at their "
           "origin (the receiving region of the case number).", received_when, Q(channel=Channel.CROSS_REGION),
           column="received", rolled_extra=Q(channel=Channel.CROSS_REGION))
case_count("holiday", "节假日办件",
           "Cases received in the period at a holiday window or submitted on a non-working day "
           "(official calendar, 调休 included).", received_when, holiday_q, column="received",
           rolled_rows=holiday_rows)
case_rate("on_time_rate", "按时办结率（承诺时限）",
          "Share of the cases concluded in the period that concluded by the promised due date.",
          concluded_when, Q(on_time=True), Q(on_time__isnull=False), rolled=(F("on_time"), F("on_time") + F("late")))
case_rate("on_time_rate_legal", "按时办结率（法定时限）",
          "Share of the cases concluded in the period that concluded by the legal due date.",
          concluded_when, Q(concluded_on__lte=F("legal_due")), Q(legal_due__isnull=False),
          rolled=(F("legal_on_time"), F("legal_on_time") + F("late_legal")))
_DAYS_DEF = "working days from the clock start to conclusion, net of pauses, over cases concluded in the period."
case_duration("mean_duration_days", "平均办理时长（工作日）", "Mean " + _DAYS_DEF, value=F("duration_days"),
              when=concluded_when, extra=Q(duration_days__isnull=False), median=False, unit="工作日",
              rolled=("duration_sum", "duration_n"))
case_duration("median_duration_days", "办理时长中位数（工作日）", "Median " + _DAYS_DEF, value=F("duration_days"),
              when=concluded_when, extra=Q(duration_days__isnull=False), median=True, unit="工作日",
              rolled=DurationKind.DAYS)
SPOT_Q = Q(channel__in=ON_THE_SPOT_CHANNELS, item_version__promised_limit_days=0, concluded_at__isnull=False)
_MIN_DEF = ("minutes from submission to conclusion of on-the-spot window cases (window or holiday window, "
            "item promised limit 0) concluded in the period.")
case_duration("mean_minutes", "即办件平均时长（分钟）", "Mean " + _MIN_DEF + " (whole seconds summed)",
              value=SecondsBetween("submitted_at", "concluded_at"), when=concluded_when, extra=SPOT_Q,
              median=False, unit="分钟", rolled=("spot_seconds", "spot_n"), scale=60)
case_duration("median_minutes", "即办件时长中位数（分钟）", "Median " + _MIN_DEF + " (whole minutes)",
              value=MinutesBetween("submitted_at", "concluded_at", whole=True),
              when=concluded_when, extra=SPOT_Q, median=True, unit="分钟", rolled=DurationKind.MINUTES)


# -- ratings -------------------------------------------------------------------------------------
def _ratings(f: StatsFilter):
    return Rating.objects.filter(f.case_q("case__"))


def _rating_parts(base: StatsFilter, periods: list[StatsFilter], numerator: Q | None) -> list:
    """Per period: the count of ratings, or (ratings meeting `numerator`, ratings)."""
    aggs = {}
    for i, p in enumerate(periods):
        cond = at_between("created_at", p) & p.case_q("case__")
        aggs[f"d{i}"] = Count("pk", filter=cond)
        if numerator is not None:
            aggs[f"n{i}"] = Count("pk", filter=cond & numerator)
    row = _ratings(base).filter(at_between("created_at", _span(periods))).aggregate(**aggs)
    if numerator is None:
        return [row[f"d{i}"] for i in range(len(periods))]
    return [(row[f"n{i}"], row[f"d{i}"]) for i in range(len(periods))]


def _rating_breakdown_parts(f: StatsFilter, by: str, numerator: Q | None) -> dict:
    rows = _ratings(f).filter(at_between("created_at", f)).values_list(f"case__{by}").order_by()
    if numerator is None:
        return dict(rows.annotate(d=Count("pk")).values_list(f"case__{by}", "d"))
    rows = rows.annotate(n=Count("pk", filter=numerator), d=Count("pk")).values_list(f"case__{by}", "n", "d")
    return {key: (n, d) for key, n, d in rows}


_ALL_SCORES = F("rated_1") + F("rated_2") + F("rated_3") + F("rated_4") + F("rated_5")
_SATISFIED = F("rated_4") + F("rated_5")


def _rating_series(base: StatsFilter, periods: list[StatsFilter], numerator: Q | None) -> list:
    if numerator is None:
        return _hybrid(base, periods, lambda b, ps: _rating_parts(b, ps, None),
                       lambda b, ps: [n for (n,) in _rolled_sums(DailyFigure, b, ps, {"n": _ALL_SCORES})], _add)
    parts = _hybrid(base, periods, lambda b, ps: _rating_parts(b, ps, numerator),
                    lambda b, ps: _rolled_sums(DailyFigure, b, ps, {"n": _SATISFIED, "d": _ALL_SCORES}), _add)
    return [_ratio(p) for p in parts]


def _rating_breakdown(f: StatsFilter, by: str, numerator: Q | None) -> dict:
    if numerator is None:
        parts = _hybrid_breakdown(f, by, lambda g, b: _rating_breakdown_parts(g, b, None), lambda g, b: {
            k: n for k, (n,) in _rolled_breakdown(DailyFigure, g, b, {"n": _ALL_SCORES}).items()}, _add)
        return {k: v for k, v in parts.items() if v}
    parts = _hybrid_breakdown(f, by, lambda g, b: _rating_breakdown_parts(g, b, numerator),
                              lambda g, b: _rolled_breakdown(DailyFigure, g, b, {"n": _SATISFIED, "d": _ALL_SCORES}),
                              _add)
    return {k: _ratio(p) for k, p in parts.items() if p[1]}


def _rated_cases(f: StatsFilter) -> QuerySet[Case]:
    return cases_for(f).filter(at_between("rating__created_at", f))


register(Metric(name="ratings", label="评价数", definition="Ratings (好差评) given in the period.",
                compute=lambda f: _rating_series(f, [f], None)[0],
                series=lambda b, ps: _rating_series(b, ps, None), cases=_rated_cases, section="ratings",
                breakdown=lambda f, by: _rating_breakdown(f, by, None)))
register(Metric(name="satisfaction_rate", label="群众满意度",
                definition="Share of the ratings given in the period that score 4 or 5.",
                unit="%", kind="rate", section="ratings",
                compute=lambda f: _rating_series(f, [f], Q(score__gte=4))[0],
                series=lambda b, ps: _rating_series(b, ps, Q(score__gte=4)), cases=_rated_cases,
                breakdown=lambda f, by: _rating_breakdown(f, by, Q(score__gte=4))))


def _rectification_closure(f: StatsFilter) -> float | None:
    row = Rectification.objects.filter(f.case_q("rating__case__"), at_between("rating__created_at", f)).aggregate(
        d=Count("pk"), n=Count("pk", filter=Q(state=RectificationState.CLOSED)))
    return row["n"] / row["d"] if row["d"] else None


register(Metric(name="rectification_closure", label="差评整改办结率",
                definition="Share of the rectifications opened by ratings given in the period that are closed.",
                unit="%", kind="rate", section="ratings", compute=_rectification_closure,
                cases=lambda f: cases_for(f).filter(at_between("rating__created_at", f),
                                                    rating__rectification__isnull=False)))
