"""The demo holds the mission year's policy figures and loads twice without change."""

from decimal import Decimal

from tongban.org import demo as org_demo
from tongban.policy import demo
from tongban.policy.models import Claim, LedgerEntry, Measure, ReformTask, SubsidyProgramme


def test_the_demo_holds_the_meeting_figures_and_pays_by_both_paths(seeded_calendar):
    org_demo.load()
    demo.load()
    assert Measure.objects.count() == 102
    assert ReformTask.objects.count() == 228
    assert SubsidyProgramme.objects.count() == 3
    applied = LedgerEntry.objects.filter(claim__source="application")
    assert applied.count() == 3 and all(e.claim.case_id for e in applied)
    # high-tech firms: three with 100+ staff (100,000 each), three smaller (50,000 each)
    matched = LedgerEntry.objects.filter(programme__code="high-tech-2023")
    assert sorted(e.amount for e in matched) == [Decimal("50000.00")] * 3 + [Decimal("100000.00")] * 3
    assert demo.load() == "demo policy data already present"
    assert Claim.objects.count() == 9


def test_tongban_stats_reads_the_policy_figures_through_the_registry(document):
    from datetime import date

    from tongban.stats import registry
    from tongban.stats.filters import StatsFilter

    year = StatsFilter(start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert registry.get("policy_measures").compute(year) == 3
    assert [m.name for m in registry.all_metrics(section="policy")][:2] == ["policy_measures", "reform_tasks"]
