"""Bad input: mistyped ID numbers, the wrong person, consent refused, a look-up reused."""

import pytest
from stdnum.cn import ric

from tests import factories
from tests.idonly.conftest import HOUSING_FUND_ITEM, RETIRED
from tests.idonly.test_journey import file_case, look_up
from tongban.cases.models import Case
from tongban.core.models import AuditEntry
from tongban.idonly.models import Consent, Lookup, LookupRecord


@pytest.fixture
def clerk(client, fd_clerk, items):
    client.force_login(fd_clerk)
    return client


def with_check_digit(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


@pytest.mark.parametrize("number, says", [
    ("610402196305120318", "校验码"),  # the retired citizen's number with its last digit mistyped
    ("61040219630512031", "应为18位"),
    (with_check_digit("61040219630230031"), "不是有效日期"),  # 30 February
    (with_check_digit("61040220990101031"), "晚于今天"),
])
def test_a_mistyped_id_number_is_refused_before_anything_is_recorded(clerk, refdata, number, says):
    response = look_up(clerk, (number, "张建国"), HOUSING_FUND_ITEM)
    assert response.status_code == 400
    assert response.json()["field"] == "id_number" and says in response.json()["message"]
    assert Consent.objects.count() == Lookup.objects.count() == 0
    assert refdata.calls == []


def test_a_name_that_is_not_on_record_is_flagged_and_nothing_is_attached(clerk, refdata):
    result = look_up(clerk, (RETIRED[0], "张建军"), HOUSING_FUND_ITEM).json()
    assert {m["status"] for m in result["materials"]} == {"mismatch"}
    assert all(m["data"] is None for m in result["materials"])
    assert "张**" in result["warnings"][0]  # the name on record, masked
    # someone else's records are not kept: only their hash, as evidence of what was received
    assert all(r.document_enc is None and len(r.sha256) == 64 for r in LookupRecord.objects.all())
    assert result["to_decide"] == ["居民身份证", "住房公积金个人账户信息", "社会保险参保缴费记录"]
    assert file_case(clerk, result["lookup"]).json()["code"] == "materials_undecided"
    case = file_case(clerk, result["lookup"], paper=result["to_decide"]).json()
    assert {m["status"] for m in case["materials"]} == {"received"}
    assert not any(m["sha256"] for m in case["materials"])


def test_a_refused_consent_is_recorded_and_nothing_is_fetched(clerk, refdata):
    response = look_up(clerk, RETIRED, HOUSING_FUND_ITEM, consent=False)
    assert response.status_code == 403 and response.json()["code"] == "consent_refused"
    consent = Consent.objects.get()
    assert consent.granted is False and consent.id_number_masked == "6104**********0317"
    assert AuditEntry.objects.filter(action="idonly.consent", detail__granted=False).count() == 1
    assert Lookup.objects.count() == LookupRecord.objects.count() == 0
    assert refdata.calls == []


def test_consent_must_be_stated(clerk, refdata):
    response = clerk.post("/api/idonly/lookups", {"id_number": RETIRED[0], "name": RETIRED[1],
                                                  "item_code": HOUSING_FUND_ITEM, "purpose": "提取"},
                          content_type="application/json")
    assert response.status_code == 422 and response.json()["field"].endswith("consent")
    assert Consent.objects.count() == 0


def test_an_item_that_is_not_id_only_is_refused(clerk, refdata):
    factories.item("GJJ-9001", id_only=False)
    response = look_up(clerk, RETIRED, "GJJ-9001")
    assert response.status_code == 400 and response.json()["code"] == "not_id_only"
    assert Consent.objects.count() == 0


def test_a_look_up_is_filed_once_and_only_by_its_clerk(client, refdata, items, fd_clerk, jh_clerk):
    client.force_login(fd_clerk)
    lookup = look_up(client, RETIRED, HOUSING_FUND_ITEM).json()["lookup"]
    client.force_login(jh_clerk)
    assert file_case(client, lookup).status_code == 404
    assert client.get(f"/api/idonly/lookups/{lookup}").status_code == 404
    client.force_login(fd_clerk)
    first = file_case(client, lookup)
    assert first.status_code == 201
    again = file_case(client, lookup)
    assert again.status_code == 409 and first.json()["number"] in again.json()["message"]
    assert Case.objects.count() == 1


def test_an_old_look_up_must_be_repeated(clerk, refdata, settings):
    lookup = look_up(clerk, RETIRED, HOUSING_FUND_ITEM).json()["lookup"]
    settings.TONGBAN_IDONLY_LOOKUP_TTL_MINUTES = 0  # the look-up is now older than allowed
    response = file_case(clerk, lookup)
    assert response.status_code == 409 and response.json()["code"] == "lookup_expired"
    assert Case.objects.count() == 0


def test_a_citizen_without_a_session_cannot_look_anyone_up(client, refdata, items):
    assert look_up(client, RETIRED, HOUSING_FUND_ITEM).status_code == 401
    assert refdata.calls == []
