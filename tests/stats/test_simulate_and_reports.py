"""A simulated year (scale 0.01, about 10,500 cases): its shape, the annual report's figures
against independent raw SQL, and the period report's Excel export read back with openpyxl."""

import io
from datetime import date

import pytest
from django.db import transaction
from openpyxl import load_workbook

from tests.stats import rawsql
from tests.stats.simulated import simulated_year
from tongban.cases.models import Applicant, Case, CaseSequence
from tongban.cases.numbering import case_number_next
from tongban.core import pii
from tongban.core.validation import validate_id_number
from tongban.stats import registry
from tongban.stats.annual import build_annual
from tongban.stats.filters import StatsFilter
from tongban.stats.period import build_period, to_pdf, to_xlsx
from tongban.stats.render import render_html, render_pdf


@pytest.fixture(scope="module")
def year_2023(django_db_setup, django_db_blocker):
    """Simulated once for the module inside a transaction that is rolled back at the end."""
    with simulated_year(django_db_blocker) as result:
        yield result


@pytest.fixture
def year(year_2023, db):
    return year_2023


def test_the_simulated_year_has_the_mission_shape_at_one_percent(year):
    f = StatsFilter.year(2023)
    m = {name: registry.get(name).compute(f) for name in ("received", "id_only", "cross_region", "on_time_rate")}
    assert 10_000 <= m["received"] <= 11_000
    assert 1_900 <= m["id_only"] <= 2_500  # ~220,000 at scale 1
    assert registry.get("cross_region").compute(StatsFilter(start=date(2023, 1, 1), end=date(2023, 8, 1))) == 0
    assert m["cross_region"] > 0
    assert m["on_time_rate"] > 0.95
    only = f.with_(id_only=True)
    assert registry.get("on_time_rate").compute(only) == 1.0
    assert registry.get("satisfaction_rate").compute(only) == 1.0
    assert 6 <= registry.get("mean_minutes").compute(only) <= 14  # "average 10 minutes"
    months = registry.get("received").values(f, f.months())
    assert min(months) > 0 and months[2] > months[0]  # March busier than January (Spring Festival)
    assert year.via_services >= 20


def test_simulated_applicants_have_valid_encrypted_id_numbers_and_numbers_do_not_collide(year):
    for a in Applicant.objects.filter(kind="person").order_by("?")[:20]:
        number = pii.decrypt(a.id_number_enc, context="applicant.id_number")
        assert validate_id_number(number) == number
        assert a.id_number_masked == pii.mask_id_number(number)
    last = Case.objects.filter(number__startswith="611100-20230605-").order_by("-number").first()
    with transaction.atomic():
        nxt = case_number_next(region_code="611100", day=date(2023, 6, 5))
    assert nxt > last.number and not Case.objects.filter(number=nxt).exists()
    assert CaseSequence.objects.filter(day__year=2023).count() == 365


def test_every_figure_of_the_annual_report_equals_an_independent_sql_count(year):
    report = build_annual(2023)
    figures = list(report.all_figures())
    assert len(figures) > 150
    checked = 0
    for fig in figures:
        if registry.get(fig.metric).section not in ("cases", "ratings"):
            continue  # another app's metric: its own tests own its oracle
        expected = rawsql.value(fig.metric, fig.filter)
        if expected is None:
            assert fig.value is None, (fig.metric, fig.filter)
        else:
            assert fig.value == pytest.approx(expected, rel=1e-9), (fig.metric, fig.filter)
        checked += 1
    assert checked > 150
    keys = [s.key for s in report.sections]
    assert keys[:2] == ["overview", "monthly"] and {"holiday", "id_only", "cross_region"} <= set(keys)
    html = render_html(report)
    assert "一证通办" in html and "<svg" in html and "cdn" not in html.lower() and "<script" not in html
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_the_period_report_exports_to_excel_with_the_metric_totals(year):
    f = StatsFilter.quarter(2023, 2)
    report = build_period(f)
    wb = load_workbook(io.BytesIO(to_xlsx(report)))
    assert wb.sheetnames == ["按服务中心", "按事项"]
    for sheet in wb.worksheets:
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        total = rows[-1]
        assert total[1] == "合计"
        for i, name in enumerate(["carried_over", "received", "concluded", "late", "returned", "in_progress"]):
            assert total[2 + i] == rawsql.value(name, f), name
            assert sum(r[2 + i] for r in rows[:-1]) == total[2 + i], name  # a case has one center and item
    assert to_pdf(report).startswith(b"%PDF")
