"""A citizen on a phone: finds a service by pinyin initials, reads its guide, applies online
(a first attempt with mistakes keeps what was typed), then tracks the application."""

import re

import pytest

from tests import factories
from tests.browser_support import PHONE, shot
from tongban.cases.models import Case

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_citizen_on_a_phone_finds_applies_and_tracks(new_page, housing_item):
    page = new_page(viewport=PHONE, is_mobile=True)
    page.goto("/")
    page.locator("#id_q").fill("zfgjjtq")
    page.locator("form[role=search] button[type=submit]").click()
    page.locator("#results a", has_text="住房公积金提取（购房）").click()
    assert "购房合同" in page.locator("#mat-h + div").inner_text()
    assert "沣东新城政务服务中心" in page.locator("#where-h").locator("xpath=..").inner_text()
    # nothing sticks out sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("#apply-online").click()
    page.locator("#id_name").fill("刘芳")
    page.locator("#id_id_number").fill("610402198506120000")  # wrong check digit
    page.locator("#submit-application").click()
    page.locator("#form-error-summary").wait_for()
    assert page.locator("#id_id_number_error").is_visible()
    assert page.locator("#id_phone_error").is_visible()
    assert page.locator("#id_name").input_value() == "刘芳"
    assert page.locator("#id_id_number").input_value() == "610402198506120000"
    assert Case.objects.count() == 0

    id_number = factories.id_number()
    page.locator("#id_id_number").fill(id_number)
    page.locator("#id_phone").fill("13912345678")
    page.locator("[data-material='购房合同'] input[type=file]").set_input_files(
        files=[{"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("#id_center").select_option("fengdong")
    page.locator("#id_consent").check()
    page.locator("#submit-application").click()
    page.wait_for_url(re.compile(r"/applied/"))
    number = page.locator("#case-number").inner_text()
    case = Case.objects.get(number=number)
    assert case.channel == "online" and case.center.code == "fengdong"

    page.get_by_role("link", name=re.compile("Track|查询")).last.click()
    page.locator("#id_number").fill(number)
    page.locator("#id_id_number").fill(id_number)
    page.locator("#track-form button[type=submit]").click()
    page.locator("#case-state[data-state='submitted']").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "journey-phone-applied-and-tracked")
