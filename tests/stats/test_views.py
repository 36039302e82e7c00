"""Statistics pages: leaders and center administrators only, each within the centers they may
see; a figure links to the cases behind it; the period report downloads as Excel."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import PASSWORD
from tests.stats.test_metrics import june  # noqa: F401 - the June 2023 fixture

JUNE = "start=2023-06-01&end=2023-06-30"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_clerk_may_not_see_statistics(client, june, fd_clerk):  # noqa: F811
    assert login(client, fd_clerk).get(f"/stats/?{JUNE}").status_code == 403


def test_the_leader_sees_the_dashboard_in_chinese_with_charts_and_drill_links(client, june, leader):  # noqa: F811
    page = login(client, leader).get(f"/stats/?{JUNE}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "受理申请量（收件）" in html and "<svg" in html and "超期办结件" in html
    assert "/stats/cases/?metric=received" in html
    assert "cdn" not in html.lower()


def test_drilling_into_late_cases_lists_exactly_them(client, june, leader):  # noqa: F811
    page = login(client, leader).get(f"/stats/cases/?metric=late&{JUNE}")
    html = page.content.decode()
    assert june["B"] in html and june["A"] not in html


def test_a_center_admin_sees_only_their_centers(client, june, fd_admin):  # noqa: F811
    html = login(client, fd_admin).get(f"/stats/cases/?metric=received&{JUNE}").content.decode()
    assert june["A"] in html
    assert june["G"] not in html  # received at 泾河
    assert june["F"] not in html  # online, at the area center


def test_the_period_report_downloads_as_excel_with_the_dashboard_totals(client, june, leader):  # noqa: F811
    response = login(client, leader).get(f"/stats/export/?{JUNE}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["按服务中心"]
    total = list(sheet.iter_rows(min_row=4, values_only=True))[-1]
    assert total[1] == "合计" and total[3] == 8  # received in June


@pytest.mark.parametrize("query", ["start=2023-13-01", "metric=nope"])
def test_bad_parameters_are_a_clear_4xx(client, june, leader, query):  # noqa: F811
    url = f"/stats/cases/?{query}" if "metric" in query else f"/stats/?{query}"
    assert login(client, leader).get(url).status_code in (400, 404)
