"""The ID-card-only journey on the clerk's workbench pages: ID number and consent in, materials
fetched and shown, the unfetched ones decided, the case filed."""

import re

import pytest

from tests.idonly.conftest import (
    DRIVER,
    HOUSING_FUND_ITEM,
    LICENSE_RENEWAL_ITEM,
    POPULATION_ONLY,
    RETIRED,
)
from tongban.cases.models import Case, CorrectionNotice
from tongban.idonly.models import Consent, Lookup


@pytest.fixture
def clerk(client, fd_clerk, items):
    client.force_login(fd_clerk)
    return client


def start(client, person, item, consent="yes", purpose="办理业务"):
    return client.post("/workbench/id-only/", {"item": item, "id_number": person[0], "name": person[1],
                                               "purpose": purpose, "consent": consent})


def test_a_retired_citizen_withdraws_housing_fund_at_the_window_with_only_an_id_card(clerk, refdata):
    page = clerk.get("/workbench/id-only/")
    assert page.status_code == 200
    assert "住房公积金提取（退休）（GJJ-0001）" in page.content.decode()  # ID-only items are offered

    response = start(clerk, RETIRED, HOUSING_FUND_ITEM)
    assert response.status_code == 302
    lookup_page = clerk.get(response["Location"])
    html = lookup_page.content.decode()
    assert html.count('data-status="fetched"') == 3
    assert "6104**********0317" in html and RETIRED[0] not in html  # masked on screen
    assert "SHA-256" in html

    filed = clerk.post(response["Location"], {"phone": "13991234567", "delivery_method": "pickup", "note": ""})
    case = Case.objects.get()
    assert filed.status_code == 302 and filed["Location"] == f"/workbench/cases/{case.number}/"
    assert case.id_only and case.state == "submitted"
    assert {m.name: m.status for m in case.materials.all()} == {
        "居民身份证": "exempted", "住房公积金个人账户信息": "exempted", "社会保险参保缴费记录": "exempted"}
    assert 'id="case-id-only"' in clerk.get(filed["Location"]).content.decode()
    # the look-up page of a filed look-up now leads to the case
    assert clerk.get(response["Location"])["Location"] == f"/workbench/cases/{case.number}/"


def test_a_driver_renews_a_license_from_the_workbench(clerk, refdata):
    response = start(clerk, DRIVER, LICENSE_RENEWAL_ITEM)
    html = clerk.get(response["Location"]).content.decode()
    assert html.count('data-status="fetched"') == 2
    clerk.post(response["Location"], {"phone": "", "delivery_method": "post", "note": ""})
    case = Case.objects.get()
    assert case.id_only and case.delivery_method == "post"
    assert sorted(m.name for m in case.materials.all()) == ["居民身份证", "机动车驾驶证"]


def test_a_provider_down_shows_which_material_and_the_clerk_takes_it_on_paper(clerk, refdata):
    refdata.faults["housing_fund"] = {"mode": "error"}
    response = start(clerk, RETIRED, HOUSING_FUND_ITEM)
    html = clerk.get(response["Location"]).content.decode()
    assert re.search(r'data-material="住房公积金个人账户信息" data-status="failed"', html)
    assert "不可用：请收取住房公积金个人账户信息纸质材料" in html
    undecided = clerk.post(response["Location"], {"delivery_method": "pickup"})
    assert undecided.status_code == 200 and Case.objects.count() == 0  # must decide first: nothing filed
    clerk.post(response["Location"], {"m0": "paper", "delivery_method": "pickup"})
    case = Case.objects.get()
    assert {m.name: m.status for m in case.materials.all()}["住房公积金个人账户信息"] == "received"


def test_a_material_brought_later_gets_one_correction_notice(clerk, refdata):
    refdata.faults["housing_fund"] = {"mode": "error"}
    refdata.faults["social_security"] = {"mode": "error"}
    response = start(clerk, RETIRED, HOUSING_FUND_ITEM)
    clerk.post(response["Location"], {"m0": "deferred", "m1": "deferred", "delivery_method": "pickup"})
    case = Case.objects.get()
    assert case.state == "correction_requested"
    notice = CorrectionNotice.objects.get(case=case)
    assert sorted(notice.missing) == ["住房公积金个人账户信息", "社会保险参保缴费记录"]


def test_refused_consent_is_recorded_and_nothing_is_fetched(clerk, refdata):
    response = start(clerk, POPULATION_ONLY, HOUSING_FUND_ITEM, consent="no")
    assert response.status_code == 200
    assert "不同意" in response.content.decode()
    assert Consent.objects.get().granted is False
    assert Lookup.objects.count() == 0 and refdata.calls == []


def test_a_mistyped_id_number_is_refused_on_the_page_before_any_look_up(clerk, refdata):
    response = start(clerk, ("610402196305120318", RETIRED[1]), HOUSING_FUND_ITEM)
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert Consent.objects.count() == 0 and refdata.calls == []


def test_a_look_up_is_shown_only_to_the_clerk_who_made_it(client, clerk, refdata, jh_clerk):
    location = start(clerk, RETIRED, HOUSING_FUND_ITEM)["Location"]
    client.force_login(jh_clerk)
    assert client.get(location).status_code == 404
