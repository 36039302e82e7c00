"""The demo holds the mission year's service figures, counted from records."""

from datetime import date

from tongban.cases.models import Case
from tongban.catalog import demo as catalog_demo
from tongban.org import demo as org_demo
from tongban.service import demo, selectors
from tongban.service.models import Consultation, Lecture


def test_the_demo_reports_the_seed_figures_from_its_records(seeded_calendar):
    org_demo.load()
    catalog_demo.load()
    demo.load()
    festival = (date(2023, 1, 21), date(2023, 1, 27))
    holiday_cases = Case.objects.filter(channel="holiday_window", submitted_at__date__range=festival)
    assert holiday_cases.count() == 59
    assert all(c.state == "concluded" for c in holiday_cases)
    assert selectors.consultation_count(start=festival[0], end=festival[1], channel="phone") == 188
    july = selectors.outreach_totals(start=date(2023, 7, 1), end=date(2023, 7, 31))
    assert (july["media_reports"], july["ads_videos"], july["enterprise_visits"], july["leaflets"]) == (
        1312, 156, 230, 1586)
    assert selectors.outreach_totals(start=date(2023, 1, 1), end=date(2023, 12, 31), kind="five_into")["events"] == 22
    assert Lecture.objects.count() == 12
    assert demo.load() == "demo service records already present"
    assert Consultation.objects.count() == 188


def test_tongban_stats_counts_the_holiday_consultations_through_the_registry(fd_clerk):
    from tongban.service import services
    from tongban.stats import registry
    from tongban.stats.filters import StatsFilter

    services.consultation_record(actor=fd_clerk, channel="phone", category="guide", question="q", answer="a",
                                 duration_seconds=60)
    day = StatsFilter(start=date(2023, 1, 16), end=date(2023, 1, 16))
    assert registry.get("phone_consultations").compute(day) == 1
    assert registry.get("leaflets").compute(day) == 0
