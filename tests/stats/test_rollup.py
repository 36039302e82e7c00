"""The statistics roll-up: every metric gives the same figure from the roll-up as from the case
tables (and as the independent raw SQL of tests/stats/rawsql.py), under every filter the
dashboards and reports use, for whole months, cut months, a holiday week, and periods that
straddle the last rolled-up day (part roll-up, part case tables)."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from tests.stats import rawsql
from tests.stats.simulated import simulated_year
from tests.stats.test_metrics import EXPECTED_JUNE
from tongban.cases.models import Case, Channel
from tongban.org.models import Center
from tongban.stats import registry
from tongban.stats.figures import GROUP_FIELDS
from tongban.stats.filters import StatsFilter
from tongban.stats.models import DailyFigure, DurationFigure, Grain
from tongban.stats.rollup import covered_through, pieces, rollup_disabled, rollup_rebuild
from tongban.stats.tasks import refresh_rollup_now

CASE_METRICS = sorted(EXPECTED_JUNE)
PERIODS = [
    StatsFilter.year(2023),
    StatsFilter.month(2023, 6),
    StatsFilter(start=date(2023, 2, 10), end=date(2023, 3, 20)),  # days, a whole month, days
    StatsFilter(start=date(2023, 1, 21), end=date(2023, 1, 27)),  # Spring Festival: rest days only
    StatsFilter(start=date(2023, 8, 1), end=date(2023, 12, 31)),  # cross-region from 2 August
]


@pytest.fixture(scope="module")
def year_2023(django_db_setup, django_db_blocker):
    """A simulated year (scale 0.01; simulate builds the roll-up at its end), rolled back after."""
    with simulated_year(django_db_blocker) as result:
        some = Case.objects.filter(window__isnull=False, received_by__isnull=False).order_by("id").first()
        yield {"result": result, "window": some.window_id, "staff": some.received_by_id,
               "item": some.item_version.item.code, "category": some.item_version.category,
               "center": some.center.code, "region": some.region_code,
               "scope": frozenset(Center.objects.filter(code=some.center.code).values_list("id", flat=True))}


@pytest.fixture
def year(year_2023, db):
    return year_2023


FILTERS = {
    "none": lambda y: {},
    "region": lambda y: {"region": y["region"]},
    "center": lambda y: {"center": y["center"]},
    "scope": lambda y: {"scope": y["scope"]},
    "item": lambda y: {"item": y["item"]},
    "category": lambda y: {"category": y["category"]},
    "channel window": lambda y: {"channel": Channel.WINDOW},
    "channel online": lambda y: {"channel": Channel.ONLINE},
    "channel cross-region": lambda y: {"channel": Channel.CROSS_REGION},
    "channel holiday window": lambda y: {"channel": Channel.HOLIDAY_WINDOW},
    "id-only": lambda y: {"id_only": True},
    "not id-only": lambda y: {"id_only": False},
    "center + category": lambda y: {"center": y["center"], "category": y["category"]},
    "channel + id-only + scope": lambda y: {"channel": Channel.WINDOW, "id_only": True, "scope": y["scope"]},
    "item + center": lambda y: {"item": y["item"], "center": y["center"]},
    # not dimensions of the roll-up: the case tables answer
    "window": lambda y: {"window": y["window"]},
    "staff": lambda y: {"staff": y["staff"]},
}


def _same(rolled, raw, what):
    assert rolled == raw, what  # the same parts and the same arithmetic: equal, not approximately


def _oracle(name, f, got):
    expected = rawsql.value(name, f)
    if expected is None:
        assert got is None, (name, f)
    else:
        assert got == pytest.approx(expected, rel=1e-9), (name, f)


@pytest.mark.parametrize("combo", list(FILTERS))
def test_every_metric_reads_the_same_from_the_rollup_as_from_the_cases(year, combo):
    assert covered_through() is not None and covered_through() > date(2023, 12, 31)
    for period in PERIODS:
        f = period.with_(**FILTERS[combo](year))
        for name in CASE_METRICS:
            metric = registry.get(name)
            rolled = metric.compute(f)
            with rollup_disabled():
                raw = metric.compute(f)
            _same(rolled, raw, (name, combo, period.start, period.end))
            _oracle(name, f, rolled)


@pytest.mark.parametrize("cut", [date(2023, 6, 15), date(2023, 3, 31), date(2023, 1, 1)])
def test_periods_straddling_the_last_rolled_up_day_add_both_parts(year, cut):
    rollup_rebuild(through=cut)
    assert covered_through() == cut
    base = StatsFilter.year(2023)
    for combo in ("none", "center + category", "id-only"):
        for period in PERIODS:
            f = period.with_(**FILTERS[combo](year))
            for name in CASE_METRICS:
                rolled = registry.get(name).compute(f)
                with rollup_disabled():
                    raw = registry.get(name).compute(f)
                _same(rolled, raw, (name, combo, period.start, cut))
                _oracle(name, f, rolled)
    for name in CASE_METRICS:
        metric = registry.get(name)
        with rollup_disabled():
            raw = metric.values(base, base.months())
        assert metric.values(base, base.months()) == raw, name


def _breakdown_metrics():
    return [n for n in CASE_METRICS if registry.get(n).breakdown is not None]


@pytest.mark.parametrize("by", sorted(set(GROUP_FIELDS.values()) | {"center_id"}))
def test_breakdowns_and_series_match_the_case_tables(year, by):
    f = StatsFilter.year(2023)
    categories = [f.with_(category=c) for c in sorted(DailyFigure.objects.values_list(
        "item_version__category", flat=True).distinct())]
    for name in _breakdown_metrics():
        metric = registry.get(name)
        for g in (f, PERIODS[2], f.with_(id_only=True), f.with_(channel=Channel.WINDOW)):
            rolled = metric.breakdown(g, by)
            with rollup_disabled():
                raw = metric.breakdown(g, by)
            assert rolled == raw, (name, by, g)
        rolled = metric.values(f, categories)
        with rollup_disabled():
            raw = metric.values(f, categories)
        assert rolled == raw, name
    assert sum(registry.get("received").breakdown(f, by).values()) == rawsql.value("received", f)


def test_the_rollup_holds_every_case_once_at_both_grains(year):
    for grain in (Grain.DAY, Grain.MONTH):
        rows = DailyFigure.objects.filter(grain=grain)
        assert sum(rows.values_list("received", flat=True)) == Case.objects.count()
        assert sum(rows.values_list("concluded", flat=True)) == Case.objects.filter(concluded_on__isnull=False).count()
        assert sum(DurationFigure.objects.filter(grain=grain, kind="days").values_list("n", flat=True)) == \
            Case.objects.filter(duration_days__isnull=False).count()
    assert pieces(date(2023, 2, 10), date(2023, 4, 20)) == [
        (Grain.DAY, date(2023, 2, 10), date(2023, 2, 28)), (Grain.MONTH, date(2023, 3, 1), date(2023, 3, 1)),
        (Grain.DAY, date(2023, 4, 1), date(2023, 4, 20))]
    assert pieces(date(2023, 2, 10), date(2023, 2, 20)) == [(Grain.DAY, date(2023, 2, 10), date(2023, 2, 20))]


def test_a_partial_rebuild_gives_the_rows_of_a_full_one(year):
    def snapshot():
        cols = [f.name for f in DailyFigure._meta.fields if f.name != "id"]
        return (sorted(DailyFigure.objects.values_list(*[c if c not in ("center", "item_version") else c + "_id"
                                                          for c in cols])),
                sorted(DurationFigure.objects.values_list("grain", "day", "center_id", "item_version_id", "channel",
                                                          "id_only", "kind", "value", "n")))

    full = snapshot()
    rollup_rebuild(through=date(2023, 6, 15))
    assert snapshot() != full
    result = rollup_rebuild(since=date(2023, 9, 1))  # moved back to the day after the last complete day
    assert result.since == date(2023, 6, 16)
    assert snapshot() == full
    out = io.StringIO()
    call_command("stats", "rollup", "--since", "2023-11-20", stdout=out)
    assert "roll-up rebuilt from 2023-11-20" in out.getvalue()
    assert snapshot() == full
    assert refresh_rollup_now(days=2)["rows"] == 0  # nothing happened in the last two days
    assert snapshot() == full
