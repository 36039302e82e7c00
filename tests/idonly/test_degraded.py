"""Degraded mode: a provider down, slow, empty-handed or returning junk. The clerk sees which
material could not be fetched, takes it on paper or defers it; nothing is lost or half-attached."""

import time

import pytest

from tests.idonly.conftest import HOUSING_FUND_ITEM, POPULATION_ONLY, RETIRED
from tests.idonly.test_journey import file_case, look_up
from tongban.cases.models import Case, CaseMaterial, CorrectionNotice
from tongban.core.models import AuditEntry
from tongban.idonly.models import Lookup, LookupRecord


def statuses(result):
    return {m["name"]: (m["status"], m["reason"]) for m in result["materials"] if m["source"]}


@pytest.fixture
def clerk(client, fd_clerk, items):
    client.force_login(fd_clerk)
    return client


def test_a_provider_that_is_down_fails_only_its_material_after_one_retry(clerk, refdata):
    refdata.faults["housing_fund"] = {"mode": "error"}
    result = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()
    assert statuses(result) == {"居民身份证": ("fetched", ""), "住房公积金个人账户信息": ("failed", "unavailable"),
                                "社会保险参保缴费记录": ("fetched", "")}
    assert result["to_decide"] == ["住房公积金个人账户信息"]
    assert "住房公积金个人账户信息" in result["materials"][1]["message"]
    assert refdata.calls.count("housing_fund/account") == 2  # the bounded retry
    assert LookupRecord.objects.get(provider="housing_fund").attempts == 2
    failed = AuditEntry.objects.get(action="idonly.lookup", detail__status="failed")
    assert failed.detail["reason"] == "unavailable" and failed.purpose


def test_a_flaky_provider_succeeds_on_the_retry(clerk, refdata):
    refdata.faults["housing_fund/account"] = {"mode": "flaky"}
    result = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()
    assert statuses(result)["住房公积金个人账户信息"] == ("fetched", "")
    assert LookupRecord.objects.get(provider="housing_fund").attempts == 2


def test_the_case_cannot_be_filed_until_each_unfetched_material_is_decided(clerk, refdata):
    refdata.faults["housing_fund"] = {"mode": "error"}
    lookup = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()["lookup"]
    response = file_case(clerk, lookup)
    assert response.status_code == 400
    assert response.json()["code"] == "materials_undecided" and "住房公积金个人账户信息" in response.json()["message"]
    assert Case.objects.count() == CaseMaterial.objects.count() == 0
    assert Lookup.objects.get().case_number == ""


def test_the_clerk_takes_the_unfetched_material_on_paper_and_the_case_proceeds(clerk, refdata):
    refdata.faults["housing_fund"] = {"mode": "error"}
    lookup = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()["lookup"]
    response = file_case(clerk, lookup, paper=["住房公积金个人账户信息"])
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["id_only"] is True
    assert {m["name"]: m["status"] for m in case["materials"]} == {
        "居民身份证": "exempted", "住房公积金个人账户信息": "received", "社会保险参保缴费记录": "exempted"}
    accepted = clerk.post(f"/api/cases/{case['number']}/actions/accept", {}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"


def test_materials_unknown_to_the_sources_are_deferred_with_one_correction_notice(clerk, refdata):
    result = look_up(clerk, POPULATION_ONLY, HOUSING_FUND_ITEM).json()
    assert statuses(result) == {"居民身份证": ("fetched", ""), "住房公积金个人账户信息": ("failed", "not_found"),
                                "社会保险参保缴费记录": ("failed", "not_found")}
    response = file_case(clerk, result["lookup"], deferred=["住房公积金个人账户信息", "社会保险参保缴费记录"])
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "correction_requested"
    assert CorrectionNotice.objects.get().missing == ["住房公积金个人账户信息", "社会保险参保缴费记录"]


def test_a_slow_provider_times_out_without_holding_up_the_others(clerk, refdata):
    refdata.faults["social_security"] = {"delay_ms": 3000}  # the providers' timeout is 1 s
    started = time.monotonic()
    result = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()
    elapsed = time.monotonic() - started
    assert statuses(result)["社会保险参保缴费记录"] == ("failed", "timeout")
    assert statuses(result)["住房公积金个人账户信息"] == ("fetched", "")
    assert elapsed < 2.5  # the lookup waited for the timeout, not for the slow answer
    assert refdata.calls.count("social_security/insurance_record") == 1  # a timeout is not retried


def test_an_unreachable_provider_is_unavailable(clerk, refdata, settings):
    from tongban.idonly.providers import registry

    settings.TONGBAN_IDONLY_PROVIDERS["vehicle"]["url"] = "http://127.0.0.1:9"  # nothing listens there
    settings.TONGBAN_IDONLY_PROVIDERS["housing_fund"]["url"] = "http://127.0.0.1:9"
    registry.reset()
    result = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()
    assert statuses(result)["住房公积金个人账户信息"] == ("failed", "unavailable")
    assert statuses(result)["居民身份证"] == ("fetched", "")


@pytest.mark.parametrize("mode", ["malformed", "not_object", "empty"])
def test_malformed_data_is_never_attached(clerk, refdata, mode):
    refdata.faults["housing_fund"] = {"mode": mode}
    result = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()
    assert statuses(result)["住房公积金个人账户信息"] == ("failed", "malformed")
    assert result["materials"][1]["data"] is None
    row = LookupRecord.objects.get(provider="housing_fund")
    assert row.document_enc is None and row.sha256 == ""


def test_data_about_another_id_number_is_refused(clerk, refdata):
    refdata.faults["housing_fund"] = {"mode": "wrong_id"}
    result = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()
    assert statuses(result)["住房公积金个人账户信息"] == ("failed", "other_id")
    assert "刘福海" not in str(result)
    case = file_case(clerk, result["lookup"], paper=["住房公积金个人账户信息"]).json()
    assert {m["name"]: m["status"] for m in case["materials"]}["住房公积金个人账户信息"] == "received"

