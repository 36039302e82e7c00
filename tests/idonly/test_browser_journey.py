"""ID-card-only handling in a real browser: the clerk types the ID number, records consent,
sees what shared data supplied, takes the one missing record on paper and files the case."""

import re

import pytest

from tests.browser_support import shot, sign_in
from tests.factories import PASSWORD
from tests.idonly.conftest import HOUSING_FUND_ITEM, RETIRED
from tongban.cases.models import Case

pytestmark = pytest.mark.browser


def test_a_clerk_files_a_housing_fund_withdrawal_with_only_an_id_card(new_page, refdata, items, fd_clerk):
    refdata.faults["social_security"] = {"mode": "error"}
    clerk = new_page()
    sign_in(clerk, "fd_clerk", PASSWORD)
    with clerk.expect_navigation():  # htmx checks the ID number as typed once the page has loaded
        clerk.get_by_role("link", name="一证通办").first.click()
    clerk.locator("#id_item").select_option(HOUSING_FUND_ITEM)
    clerk.locator("#id_id_number").fill(RETIRED[0])
    clerk.locator("#id-number-check .field-ok").wait_for()  # checked as typed
    clerk.locator("#id_name").fill(RETIRED[1])
    clerk.locator("#id_purpose").fill("办理住房公积金提取")
    clerk.get_by_label("申请人同意").check()
    clerk.locator("#idonly-fetch").click()
    clerk.wait_for_url(re.compile(r"/workbench/id-only/[0-9a-f-]{36}/"))

    rows = clerk.locator("#idonly-materials tbody tr")
    assert [r.get_attribute("data-status") for r in rows.all()] == ["fetched", "fetched", "failed"]
    assert RETIRED[0] not in clerk.content()
    shot(clerk, "idonly-lookup-one-provider-down")
    clerk.get_by_label("现场收取纸质材料").check()
    clerk.locator("#id_phone").fill("13991234567")
    clerk.locator("#idonly-submit").click()
    clerk.wait_for_url(re.compile(r"/workbench/cases/"))
    clerk.locator("#case-id-only").wait_for()
    case = Case.objects.get(number=clerk.locator("#case-number").inner_text())
    assert case.id_only and case.state == "submitted"
    assert {m.name: m.status for m in case.materials.all()} == {
        "居民身份证": "exempted", "住房公积金个人账户信息": "exempted", "社会保险参保缴费记录": "received"}
