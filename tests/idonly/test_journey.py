"""The two demo journeys end to end through the API: a citizen brings only an ID card."""

import hashlib
import json

from tests.idonly.conftest import DRIVER, HOUSING_FUND_ITEM, LICENSE_RENEWAL_ITEM, RETIRED
from tongban.cases.models import Case
from tongban.core.models import AuditEntry
from tongban.idonly.models import Consent, Lookup, LookupRecord
from tongban.idonly.services import document_of


def look_up(client, person, item, **changes):
    body = {"id_number": person[0], "name": person[1], "item_code": item, "consent": True,
            "purpose": "办理" + item}
    body.update(changes)
    return client.post("/api/idonly/lookups", body, content_type="application/json")


def file_case(client, lookup, **changes):
    body = {"lookup": lookup, "phone": "13991234567"}
    body.update(changes)
    return client.post("/api/idonly/cases", body, content_type="application/json")


def act(client, number, action, **data):
    response = client.post(f"/api/cases/{number}/actions/{action}", data, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_retired_citizen_withdraws_housing_fund_with_only_an_id_card(client, refdata, items, fd_clerk,
                                                                     fd_approver):
    client.force_login(fd_clerk)
    response = look_up(client, RETIRED, HOUSING_FUND_ITEM)
    assert response.status_code == 201, response.content
    result = response.json()
    assert [(m["name"], m["status"]) for m in result["materials"]] == [
        ("居民身份证", "fetched"), ("住房公积金个人账户信息", "fetched"), ("社会保险参保缴费记录", "fetched")]
    assert result["to_decide"] == [] and result["warnings"] == []
    account = result["materials"][1]["data"]
    assert account["balance"] == "186432.50" and account["account_status"] == "封存（退休）"
    assert result["prefill"]["address"] == "陕西省咸阳市秦都区人民中路12号3单元401室"
    assert RETIRED[0] not in response.content.decode()  # masked on screen
    assert sorted(refdata.calls) == ["housing_fund/account", "population/identity",
                                     "social_security/insurance_record"]

    response = file_case(client, result["lookup"])
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["id_only"] is True and case["state"] == "submitted"
    assert {m["name"]: (m["status"], m["source"]) for m in case["materials"]} == {
        "居民身份证": ("exempted", "population/identity"),
        "住房公积金个人账户信息": ("exempted", "housing_fund/account"),
        "社会保险参保缴费记录": ("exempted", "social_security/insurance_record"),
    }
    # each attached material carries the SHA-256 of the document received, kept (encrypted) with the look-up
    for m in case["materials"]:
        row = LookupRecord.objects.get(material=m["name"])
        document = document_of(row)
        assert document["id_number"] == RETIRED[0] and document["name"] == RETIRED[1]
        canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        assert m["sha256"] == row.sha256 == hashlib.sha256(canonical).hexdigest()
        assert m["content_type"] == "application/json"

    number = case["number"]
    act(client, number, "accept")
    client.force_login(fd_approver)
    act(client, number, "start_review")
    act(client, number, "approve")
    act(client, number, "conclude")
    client.force_login(fd_clerk)
    done = act(client, number, "deliver", method="electronic", reference="短信通知")
    assert done["state"] == "delivered" and done["on_time"] is True
    assert Lookup.objects.get().case_number == number


def test_a_driver_renews_a_license_with_only_an_id_card(client, refdata, items, fd_clerk, fd_approver):
    client.force_login(fd_clerk)
    result = look_up(client, DRIVER, LICENSE_RENEWAL_ITEM).json()
    assert [(m["name"], m["status"]) for m in result["materials"]] == [
        ("居民身份证", "fetched"), ("机动车驾驶证", "fetched"),
        ("机动车驾驶人身体条件证明", "not_mapped"), ("近期免冠证件照片", "not_mapped")]
    license_data = result["materials"][1]["data"]
    assert license_data["permitted_class"] == "C1" and license_data["valid_until"] == "2023-09-10"
    assert license_data["license_number"] == "6101**********0422"  # the license number is the ID number: masked

    case = file_case(client, result["lookup"]).json()
    assert case["id_only"] is True
    assert [m["name"] for m in case["materials"]] == ["居民身份证", "机动车驾驶证"]
    act(client, case["number"], "accept")
    client.force_login(fd_approver)
    act(client, case["number"], "start_review")
    act(client, case["number"], "approve")
    concluded = act(client, case["number"], "conclude")
    assert concluded["state"] == "concluded"


def test_statistics_count_the_id_only_cases(client, refdata, items, fd_clerk):
    from tests.cases.conftest import applicant
    from tongban.cases.services import MaterialInput, case_submit
    from tongban.stats import registry
    from tongban.stats.filters import StatsFilter

    client.force_login(fd_clerk)
    file_case(client, look_up(client, RETIRED, HOUSING_FUND_ITEM).json()["lookup"])
    file_case(client, look_up(client, DRIVER, LICENSE_RENEWAL_ITEM).json()["lookup"])
    case_submit(actor=fd_clerk, item_code=HOUSING_FUND_ITEM, applicant=applicant(),  # an ordinary paper case
                materials=[MaterialInput(name=n) for n in ("居民身份证", "住房公积金个人账户信息", "社会保险参保缴费记录")])
    assert Case.objects.count() == 3
    assert registry.get("id_only").compute(StatsFilter.year(2023)) == 2


def test_every_look_up_is_audited_with_its_purpose_and_no_number_is_stored_in_clear(client, refdata, items,
                                                                                   fd_clerk):
    client.force_login(fd_clerk)
    look_up(client, RETIRED, HOUSING_FUND_ITEM, purpose="退休提取公积金")
    lookups = AuditEntry.objects.filter(action="idonly.lookup")
    assert lookups.count() == 3
    assert {e.purpose for e in lookups} == {"退休提取公积金"}
    assert {e.detail["status"] for e in lookups} == {"fetched"}
    assert AuditEntry.objects.filter(action="idonly.consent", detail__granted=True).count() == 1
    stored = [str(v) for model in (Consent, Lookup, LookupRecord) for row in model.objects.values() for v in row.values()]
    stored += [json.dumps(e.detail, ensure_ascii=False) + e.object_id for e in AuditEntry.objects.all()]
    assert not any(RETIRED[0] in value for value in stored)
