"""End-to-end journeys in a real browser: the window clerk receives, the approver decides,
the citizen tracks and rates; a correction notice; a refusal; an expired session."""

import re

import pytest

from tests import factories
from tests.browser_support import PHONE, shot, sign_in
from tests.workbench.conftest import PDF
from tongban.cases.models import Case, CaseEvent, Rating

pytestmark = pytest.mark.browser
PASSWORD = factories.PASSWORD


def receive(page, *, name: str, id_number: str, contract: str = "received"):
    """At the window: find the item by pinyin initials, enter the applicant, tick materials."""
    with page.expect_navigation():  # htmx listens once the page has loaded: typing earlier is lost
        page.get_by_role("link", name=re.compile("收件登记")).first.click()
    page.locator("#item-q").fill("zfgjj")
    with page.expect_navigation():  # the item's receive form is a new page: same wait as above
        page.locator("#item-results a", has_text="住房公积金提取（购房）").click()
    page.locator("#id_name").fill(name)
    page.locator("#id_id_number").fill(id_number)
    page.locator("#id-number-check .field-ok").wait_for()
    page.locator("#id_phone").fill("13800138000")
    row = page.locator("[data-material='购房合同']")
    row.locator(f"input[value='{contract}']").check()
    if contract == "received":
        row.locator("input[type=file]").set_input_files(
            files=[{"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("#register").click()
    page.wait_for_url(re.compile(r"/workbench/cases/"))
    return page.locator("#case-number").inner_text()


def test_clerk_receives_approver_approves_citizen_tracks_and_rates(new_page, housing_item, fd_clerk, fd_approver):
    id_number = factories.id_number()
    clerk = new_page()
    sign_in(clerk, "fd_clerk", PASSWORD)
    number = receive(clerk, name="王小明", id_number=id_number)
    assert clerk.locator("#case-state").get_attribute("data-state") == "submitted"
    assert "contract.pdf" in clerk.locator("#materials").inner_text()

    # a double click on "accept" accepts once
    clerk.locator("#action-accept button[type=submit]").dblclick()
    clerk.wait_for_url(re.compile(r"/workbench/cases/"))
    clerk.locator("#case-state[data-state='accepted']").wait_for()
    assert CaseEvent.objects.filter(case__number=number, action="accept").count() == 1
    pdf = clerk.request.get(clerk.locator("#documents a", has_text="受理通知书").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    approver = new_page()
    sign_in(approver, "fd_approver", PASSWORD)
    approver.locator(f"tr[data-case='{number}'] a").click()
    for action in ("start_review", "approve", "conclude"):
        approver.locator(f"#action-{action} button[type=submit]").click()
        approver.wait_for_load_state()
    approver.locator("#case-state[data-state='concluded']").wait_for()
    actions = [li.get_attribute("data-action") for li in approver.locator("#timeline li").all()]
    assert actions == ["submit", "accept", "start_review", "approve", "conclude"]
    shot(approver, "journey-approver-concluded")

    citizen = new_page(viewport=PHONE, is_mobile=True)
    citizen.goto("/track/")
    citizen.locator("#id_number").fill(number)
    citizen.locator("#id_id_number").fill(id_number)
    citizen.locator("#track-form button[type=submit]").click()
    citizen.locator("#case-state[data-state='concluded']").wait_for()
    assert citizen.locator("#timeline li").count() == 5
    citizen.locator("#rating-form input[name=score][value='5']").check()
    citizen.locator("#id_text").fill("窗口办事很快")
    citizen.locator("#rating-form button[type=submit]").click()
    citizen.locator("#rated").wait_for()
    assert Rating.objects.get(case__number=number).score == 5
    shot(citizen, "journey-citizen-rated")


def test_correction_notice_then_the_missing_contract_arrives(new_page, housing_item, fd_clerk):
    clerk = new_page()
    sign_in(clerk, "fd_clerk", PASSWORD)
    number = receive(clerk, name="李华", id_number=factories.id_number(), contract="missing")
    assert "购房合同" in clerk.locator("#materials tr.missing").inner_text()
    # accepting with a required material missing is refused by the service, shown on the page
    clerk.locator("#action-accept button[type=submit]").click()
    clerk.locator("#action-accept .msg-error, #action-accept .field-error").first.wait_for()
    assert clerk.locator("#case-state").get_attribute("data-state") == "submitted"
    # the notice lists everything missing at once: the missing contract is already ticked
    form = clerk.locator("#action-request_correction")
    assert form.locator("input[value='购房合同']").is_checked()
    form.locator("textarea[name=note]").fill("请携带购房合同原件")
    form.locator("button[type=submit]").click()
    clerk.locator("#case-state[data-state='correction_requested']").wait_for()
    link = clerk.locator("#documents a", has_text="一次性告知书")
    pdf = clerk.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    # the applicant comes back with the contract: attach the scan, then accept
    clerk.locator("details summary").click()
    clerk.locator("details select[name=name]").select_option("购房合同")
    clerk.locator("details input[type=file]").set_input_files(
        files=[{"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    clerk.locator("details button[type=submit]").click()
    clerk.wait_for_load_state()
    clerk.locator("#action-accept button[type=submit]").click()
    clerk.locator("#case-state[data-state='accepted']").wait_for()
    case = Case.objects.get(number=number)
    assert case.correction_notices.get().resolved_at is not None
    shot(clerk, "journey-correction-accepted")


def test_refusal_needs_a_reason_and_prints_a_decision(new_page, housing_item, fd_clerk):
    clerk = new_page()
    sign_in(clerk, "fd_clerk", PASSWORD)
    number = receive(clerk, name="吴芳", id_number=factories.id_number())
    clerk.locator("#action-refuse button[type=submit]").click()
    error = clerk.locator("#action-refuse .field-error")
    error.wait_for()
    assert clerk.locator("#action-refuse textarea[name=reason]").get_attribute("aria-invalid") == "true"
    clerk.locator("#action-refuse textarea[name=reason]").fill("申请事项不属于本机关职权范围")
    clerk.locator("#action-refuse button[type=submit]").click()
    clerk.locator("#case-state[data-state='refused']").wait_for()
    pdf = clerk.request.get(clerk.locator("#documents a", has_text="不予受理决定书").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert Case.objects.get(number=number).outcome_note == "申请事项不属于本机关职权范围"
    shot(clerk, "journey-refused")


def test_a_session_that_expires_mid_form_loses_nothing_typed(new_page, housing_item, fd_clerk):
    clerk = new_page()
    sign_in(clerk, "fd_clerk", PASSWORD)
    clerk.goto("/workbench/receive/?item=GJJ-7001")
    id_number = factories.id_number()
    clerk.locator("#id_name").fill("赵磊")
    clerk.locator("#id_id_number").fill(id_number)
    clerk.locator("#id_note").fill("申请人下午再来取件")
    clerk.context.clear_cookies(name="sessionid")  # the session expired while typing
    clerk.locator("#register").click()
    clerk.wait_for_url(re.compile(r"/workbench/login/"))
    assert Case.objects.count() == 0
    clerk.locator("#id_username").fill("fd_clerk")
    clerk.locator("#id_password").fill(PASSWORD)
    clerk.locator("form button[type=submit]").click()
    clerk.wait_for_url(re.compile(r"/workbench/receive/\?item=GJJ-7001"))
    assert clerk.locator("#id_name").input_value() == "赵磊"
    assert clerk.locator("#id_id_number").input_value() == id_number
    assert clerk.locator("#id_note").input_value() == "申请人下午再来取件"
    assert clerk.locator("[data-draft-restored]").is_visible()
    shot(clerk, "journey-session-restored")
