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
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
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
from tongban.stats.filters import StatsFilter, local_tz
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


# -- builders ---------------------------------------------------------------------------------
def case_count(name: str, label: str, definition: str, when: Callable[[StatsFilter], Q],
               extra: Q | Callable[[StatsFilter], Q] | None = None, unit: str = "件") -> Metric:
    """A count of cases meeting `extra`, dated by `when` (a Q for a period)."""
    def extra_q(f: StatsFilter) -> Q:
        return extra(f) if callable(extra) else (extra or Q())

    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(when(f) & extra_q(f))

    def compute(f: StatsFilter) -> int:
        return cases(f).count()

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[int]:
        if not periods:
            return []
        span = _span(periods)
        aggs = {f"p{i}": Count("pk", filter=when(p) & p.case_q()) for i, p in enumerate(periods)}
        row = cases_for(base).filter(when(span) & extra_q(span)).aggregate(**aggs)
        return [row[f"p{i}"] for i in range(len(periods))]

    def breakdown(f: StatsFilter, by: str) -> dict:
        return dict(cases(f).values_list(by).annotate(n=Count("pk")).values_list(by, "n").order_by())

    return register(Metric(name=name, label=label, definition=definition, compute=compute, series=series,
                           cases=cases, unit=unit, breakdown=breakdown))


def event_count(name: str, label: str, definition: str, action: str) -> Metric:
    """Distinct cases with an event of `action` in the period."""
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
    """Cases in a condition at an instant (carried over, in progress): one query per period."""
    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(q(f))

    def breakdown(f: StatsFilter, by: str) -> dict:
        return dict(cases(f).values_list(by).annotate(n=Count("pk")).values_list(by, "n").order_by())

    return register(Metric(name=name, label=label, definition=definition, compute=lambda f: cases(f).count(),
                           cases=cases, breakdown=breakdown))


def case_rate(name: str, label: str, definition: str, when: Callable[[StatsFilter], Q], numerator: Q,
              denominator: Q) -> Metric:
    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(when(f) & denominator)

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[float | None]:
        if not periods:
            return []
        aggs = {}
        for i, p in enumerate(periods):
            aggs[f"n{i}"] = Count("pk", filter=when(p) & p.case_q() & numerator)
            aggs[f"d{i}"] = Count("pk", filter=when(p) & p.case_q())
        row = cases_for(base).filter(when(_span(periods)) & denominator).aggregate(**aggs)
        return [row[f"n{i}"] / row[f"d{i}"] if row[f"d{i}"] else None for i in range(len(periods))]

    def breakdown(f: StatsFilter, by: str) -> dict:
        rows = cases(f).values_list(by).annotate(n=Count("pk", filter=numerator), d=Count("pk")).order_by()
        return {key: n / d if d else None for key, n, d in rows.values_list(by, "n", "d")}

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
                  extra: Q, median: bool, unit: str) -> Metric:
    """Mean or median of `value` (an expression) over cases meeting `extra`, dated by `when`."""
    def cases(f: StatsFilter) -> QuerySet[Case]:
        return cases_for(f).filter(when(f) & extra)

    def series(base: StatsFilter, periods: list[StatsFilter]) -> list[float | None]:
        if not periods:
            return []
        qs = cases_for(base).filter(when(_span(periods)) & extra)
        if not median:
            row = qs.aggregate(**{f"p{i}": Avg(value, filter=when(p) & p.case_q()) for i, p in enumerate(periods)})
            return [row[f"p{i}"] for i in range(len(periods))]
        rows = list(
            qs.annotate(v=value).values("v")
            .annotate(**{f"p{i}": Count("pk", filter=when(p) & p.case_q()) for i, p in enumerate(periods)})
            .order_by("v")
        )
        return [_median_from_histogram([(r["v"], r[f"p{i}"]) for r in rows]) for i in range(len(periods))]

    def breakdown(f: StatsFilter, by: str) -> dict:
        if median:
            raise NotImplementedError("medians are computed per filter")
        return dict(cases(f).values_list(by).annotate(v=Avg(value)).values_list(by, "v").order_by())

    return register(Metric(name=name, label=label, definition=definition, unit=unit, kind="duration",
                           compute=lambda f: series(f, [f])[0], series=series, cases=cases,
                           breakdown=None if median else breakdown))


# -- the case metrics --------------------------------------------------------------------------
def received_when(f: StatsFilter) -> Q:
    return at_between("submitted_at", f)


def concluded_when(f: StatsFilter) -> Q:
    return on_between("concluded_on", f)


case_count("received", "受理申请量（收件）", "Cases submitted in the period.", received_when)
case_count("accepted", "受理件", "Cases whose clock started (accepted) in the period.",
           lambda f: on_between("accepted_on", f))
case_count("concluded", "办结件", "Cases concluded in the period.", concluded_when)
case_count("refused", "不予受理件", "Cases refused acceptance in the period (by decision time).",
           lambda f: at_between("decided_at", f), Q(state=S.REFUSED))
event_count("withdrawn", "撤回件", "Cases withdrawn in the period (time of the withdraw event).", "withdraw")
event_count("returned", "补正退回件",
            "Distinct cases sent back for correction (一次性告知) in the period.", "request_correction")
case_count("late", "超期办结件", "Cases concluded in the period after their promised due date.",
           concluded_when, Q(on_time=False))
case_count("late_legal", "超法定时限办结件", "Cases concluded in the period after their legal due date.",
           concluded_when, Q(concluded_on__gt=F("legal_due")))
state_count("carried_over", "上期结转件",
            "Cases open when the period starts: accepted before it, neither concluded nor withdrawn "
            "before it.", open_at_start_q)
state_count("in_progress", "在办件",
            "Cases open when the period ends: accepted by its last day, neither concluded nor "
            "withdrawn by then.", open_at_end_q)
case_count("id_only", "一证通办件", "Cases received in the period handled with the ID card only.",
           received_when, Q(id_only=True))
case_count("cross_region", "跨区通办件",
           "Cases received in the period through the cross-region channel, counted once at their "
           "origin (the receiving region of the case number).", received_when, Q(channel=Channel.CROSS_REGION))
case_count("holiday", "节假日办件",
           "Cases received in the period at a holiday window or submitted on a non-working day "
           "(official calendar, 调休 included).", received_when, holiday_q)
case_rate("on_time_rate", "按时办结率（承诺时限）",
          "Share of the cases concluded in the period that concluded by the promised due date.",
          concluded_when, Q(on_time=True), Q(on_time__isnull=False))
case_rate("on_time_rate_legal", "按时办结率（法定时限）",
          "Share of the cases concluded in the period that concluded by the legal due date.",
          concluded_when, Q(concluded_on__lte=F("legal_due")), Q(legal_due__isnull=False))
_DAYS_DEF = "working days from the clock start to conclusion, net of pauses, over cases concluded in the period."
case_duration("mean_duration_days", "平均办理时长（工作日）", "Mean " + _DAYS_DEF, value=F("duration_days"),
              when=concluded_when, extra=Q(duration_days__isnull=False), median=False, unit="工作日")
case_duration("median_duration_days", "办理时长中位数（工作日）", "Median " + _DAYS_DEF, value=F("duration_days"),
              when=concluded_when, extra=Q(duration_days__isnull=False), median=True, unit="工作日")
_SPOT = Q(channel__in=ON_THE_SPOT_CHANNELS, item_version__promised_limit_days=0, concluded_at__isnull=False)
_MIN_DEF = ("minutes from submission to conclusion of on-the-spot window cases (window or holiday window, "
            "item promised limit 0) concluded in the period.")
case_duration("mean_minutes", "即办件平均时长（分钟）", "Mean " + _MIN_DEF,
              value=MinutesBetween("submitted_at", "concluded_at"), when=concluded_when, extra=_SPOT,
              median=False, unit="分钟")
case_duration("median_minutes", "即办件时长中位数（分钟）", "Median " + _MIN_DEF + " (whole minutes)",
              value=MinutesBetween("submitted_at", "concluded_at", whole=True),
              when=concluded_when, extra=_SPOT, median=True, unit="分钟")


# -- ratings -------------------------------------------------------------------------------------
def _ratings(f: StatsFilter):
    return Rating.objects.filter(f.case_q("case__"))


def _rating_series(base: StatsFilter, periods: list[StatsFilter], numerator: Q | None) -> list:
    if not periods:
        return []
    aggs = {}
    for i, p in enumerate(periods):
        cond = at_between("created_at", p) & p.case_q("case__")
        aggs[f"d{i}"] = Count("pk", filter=cond)
        if numerator is not None:
            aggs[f"n{i}"] = Count("pk", filter=cond & numerator)
    row = _ratings(base).filter(at_between("created_at", _span(periods))).aggregate(**aggs)
    if numerator is None:
        return [row[f"d{i}"] for i in range(len(periods))]
    return [row[f"n{i}"] / row[f"d{i}"] if row[f"d{i}"] else None for i in range(len(periods))]


def _rating_breakdown(f: StatsFilter, by: str, numerator: Q | None) -> dict:
    rows = _ratings(f).filter(at_between("created_at", f)).values_list(f"case__{by}").order_by()
    if numerator is None:
        return dict(rows.annotate(d=Count("pk")).values_list(f"case__{by}", "d"))
    rows = rows.annotate(n=Count("pk", filter=numerator), d=Count("pk")).values_list(f"case__{by}", "n", "d")
    return {key: n / d if d else None for key, n, d in rows}


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
