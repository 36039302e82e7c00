"""Each case metric on a small June 2023 whose figures are known by hand (and by raw SQL)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests import factories
from tests.stats import rawsql
from tongban.cases import services as cs
from tongban.cases.applicants import ApplicantInput
from tongban.cases.ratings import rating_submit
from tongban.cases.services import MaterialInput
from tongban.catalog.services import MaterialSpec
from tongban.org.scoping import visible_center_ids
from tongban.stats import registry
from tongban.stats.filters import StatsFilter

TZ = ZoneInfo("Asia/Shanghai")
MATERIALS = [MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享数据"),
             MaterialInput(name="申请表")]


def at(y, m, d, hh=10, mm=0):
    return time_machine.travel(datetime(y, m, d, hh, mm, tzinfo=TZ), tick=False)


def person(n):
    return ApplicantInput(kind="person", name="王小明", id_number=factories.id_number(seq=f"{n:03d}"))


@pytest.fixture
def june(org, fd_clerk, fd_approver, jh_clerk):
    spec = [MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
            MaterialSpec(name="申请表")]
    factories.item("GJJ-1001", legal=20, promised=5, materials=spec)
    factories.item("GJJ-1002", name="公积金缴存证明", legal=1, promised=0, materials=spec)
    cases = {}

    def submit(key, actor, code="GJJ-1001", channel="window", when=(2023, 6, 5, 9, 30)):
        with at(*when):
            cases[key] = cs.case_submit(actor=actor, item_code=code, applicant=person(len(cases) + 1),
                                        materials=MATERIALS, channel=channel).number

    def step(fn, key, actor, when, **kw):
        with at(*when):
            return fn(actor=actor, number=cases[key], **kw)

    def conclude(key, on):
        step(cs.case_accept, key, fd_clerk, (2023, 6, 5, 9, 40))
        step(cs.case_start_review, key, fd_approver, (2023, 6, 5, 10, 0))
        step(cs.case_approve, key, fd_approver, (*on, 11, 0))
        return step(cs.case_conclude, key, fd_clerk, (*on, 15, 0))

    for key in "ABCDE":
        submit(key, fd_clerk)
    a = conclude("A", (2023, 6, 7))
    b = conclude("B", (2023, 6, 20))  # promised due 06-12: late; legal due in July: within
    step(cs.case_refuse, "C", fd_clerk, (2023, 6, 5, 11), reason="不属于本机关职权")
    step(cs.case_request_correction, "D", fd_clerk, (2023, 6, 5, 11), missing=["申请表"])
    step(cs.case_withdraw, "D", fd_clerk, (2023, 6, 6, 10), reason="申请人撤回")
    step(cs.case_accept, "E", fd_clerk, (2023, 6, 5, 9, 40))  # still open at the end of June
    submit("F", None, channel="online", when=(2023, 6, 10, 20, 0))  # a Saturday: holiday case
    submit("G", jh_clerk)
    submit("H", fd_clerk, code="GJJ-1002", when=(2023, 6, 5, 9, 30))  # on the spot: 12 minutes
    step(cs.case_accept, "H", fd_clerk, (2023, 6, 5, 9, 31))
    step(cs.case_start_review, "H", fd_approver, (2023, 6, 5, 9, 33))
    step(cs.case_approve, "H", fd_approver, (2023, 6, 5, 9, 35))
    step(cs.case_conclude, "H", fd_clerk, (2023, 6, 5, 9, 42))
    with at(2023, 6, 7, 16):
        rating_submit(case=a, score=5, channel="window", actor=fd_clerk)
    with at(2023, 6, 20, 16):
        rating_submit(case=b, score=2, channel="window", actor=fd_clerk)
    return cases


EXPECTED_JUNE = {
    "received": 8, "accepted": 4, "concluded": 3, "refused": 1, "withdrawn": 1, "returned": 1, "late": 1,
    "late_legal": 0, "carried_over": 0, "in_progress": 1, "id_only": 0, "cross_region": 0, "holiday": 1,
    "on_time_rate": 2 / 3, "on_time_rate_legal": 1.0,
    # A: 2 working days; B: 06-05 -> 06-20 is 11 (Dragon Boat holiday comes later); H: 0
    "mean_duration_days": 13 / 3, "median_duration_days": 2,
    "mean_minutes": 12.0, "median_minutes": 12, "ratings": 2, "satisfaction_rate": 0.5,
    "rectification_closure": 0.0,
}


def test_every_case_metric_matches_the_hand_count_for_june(june):
    f = StatsFilter.month(2023, 6)
    for name, expected in EXPECTED_JUNE.items():
        got = registry.get(name).compute(f)
        assert got == pytest.approx(expected), name
        assert rawsql.value(name, f) == pytest.approx(expected), f"raw SQL disagrees on {name}"


def test_every_registered_case_metric_has_a_definition_and_a_hand_count():
    names = {m.name for m in registry.all_metrics() if m.section in ("cases", "ratings")}
    assert names == set(EXPECTED_JUNE)
    assert all(len(registry.get(n).definition) > 20 and registry.get(n).label for n in names)


def test_a_case_open_at_the_end_of_june_is_carried_over_into_july(june):
    july = StatsFilter.month(2023, 7)
    assert registry.get("carried_over").compute(july) == 1
    assert list(registry.get("carried_over").cases(july).values_list("number", flat=True)) == [june["E"]]


def test_filters_by_center_and_by_the_viewers_scope(june, fd_admin, jh_clerk):
    f = StatsFilter.month(2023, 6)
    received = registry.get("received")
    assert received.compute(f.with_(center="jinghe")) == 1
    assert received.compute(f.with_(center="fengdong")) == 6  # F was filed online at the area center
    assert received.compute(f.with_(scope=frozenset(visible_center_ids(fd_admin)))) == 6
    assert received.compute(f.with_(channel="online")) == 1
    assert received.compute(f.with_(item="GJJ-1002")) == 1


def test_series_over_months_equals_one_query_per_month(june):
    base = StatsFilter.year(2023)
    for name in ("received", "concluded", "on_time_rate", "median_duration_days", "satisfaction_rate", "withdrawn"):
        metric = registry.get(name)
        assert metric.values(base, base.months()) == [metric.compute(m) for m in base.months()], name


def test_drill_down_lists_the_cases_behind_a_figure(june):
    f = StatsFilter.month(2023, 6)
    late = registry.get("late")
    assert list(late.cases(f).values_list("number", flat=True)) == [june["B"]]
    assert set(registry.get("holiday").cases(f).values_list("number", flat=True)) == {june["F"]}


def test_months_of_a_period_are_clipped_to_it():
    f = StatsFilter(start=date(2023, 1, 15), end=date(2023, 3, 10))
    assert [(m.start, m.end) for m in f.months()] == [
        (date(2023, 1, 15), date(2023, 1, 31)), (date(2023, 2, 1), date(2023, 2, 28)),
        (date(2023, 3, 1), date(2023, 3, 10))]
