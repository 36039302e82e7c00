"""What a citizen does without signing in: apply online, track, rate, withdraw; and what the
public query must not reveal."""

import json

import pytest

from tests import factories
from tests.cases.conftest import PDF
from tongban.cases import services
from tongban.cases.models import Rectification


@pytest.fixture
def online_item(org):
    return factories.item("GJJ-7100", name="住房公积金提取（退休）", channels=("window", "online"))


def apply(client, id_number):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"item_code": "GJJ-7100", "applicant": {"kind": "person", "name": "李秀英", "id_number": id_number},
            "materials": [{"name": "居民身份证", "status": "exempted", "exemption_reason": "网上实名认证"},
                          {"name": "住房公积金提取申请表", "file": 0}]}
    return client.post("/api/public/applications", {
        "payload": json.dumps(body, ensure_ascii=False),
        "files": [SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")],
    })


def test_apply_online_then_track(client, online_item):
    id_number = factories.id_number(birth="19600101")
    created = apply(client, id_number)
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    tracked = client.post("/api/public/cases/query", {"number": number, "id_number": id_number},
                          content_type="application/json").json()
    assert tracked["state"] == "submitted" and tracked["applicant_name"] == "李**"
    assert tracked["center"] == "西咸新区政务服务中心"
    assert id_number not in json.dumps(tracked)


def test_a_wrong_id_and_an_unknown_number_look_exactly_the_same(client, online_item):
    id_number = factories.id_number()
    number = apply(client, id_number).json()["number"]
    other_id = factories.id_number()
    wrong_id = client.post("/api/public/cases/query", {"number": number, "id_number": other_id},
                           content_type="application/json")
    unknown = client.post("/api/public/cases/query", {"number": "611100-20230605-999999", "id_number": other_id},
                          content_type="application/json")
    assert wrong_id.status_code == unknown.status_code == 404
    assert wrong_id.content == unknown.content


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
def test_public_query_is_rate_limited(client, online_item, settings, cache_backend, request):
    if cache_backend == "redis":
        request.getfixturevalue("redis_cache")
    settings.TONGBAN_PUBLIC_RATE_PER_MINUTE = 3
    codes = [client.post("/api/public/cases/query", {"number": "x", "id_number": "y"},
                         content_type="application/json").status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    other = client.post("/api/public/cases/query", {"number": "x", "id_number": "y"},
                        content_type="application/json", REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 404  # another address has its own allowance


def test_rating_once_and_a_poor_rating_opens_a_rectification(client, online_item, fd_admin, fd_clerk, fd_approver):
    id_number = factories.id_number()
    case = services.case_submit(actor=fd_clerk, item_code="GJJ-7100",
                                applicant=services.ApplicantInput(kind="person", name="赵敏", id_number=id_number),
                                materials=[services.MaterialInput(name="居民身份证"),
                                           services.MaterialInput(name="住房公积金提取申请表")])
    body = {"number": case.number, "id_number": id_number, "score": 2, "text": "等待时间太长"}
    early = client.post("/api/public/cases/rating", body, content_type="application/json")
    assert early.status_code == 409 and early.json()["code"] == "not_concluded"
    services.case_accept(actor=fd_clerk, number=case.number)
    services.case_start_review(actor=fd_approver, number=case.number)
    services.case_approve(actor=fd_approver, number=case.number)
    services.case_conclude(actor=fd_approver, number=case.number)
    assert client.post("/api/public/cases/rating", {**body, "score": 6},
                       content_type="application/json").status_code == 422
    rated = client.post("/api/public/cases/rating", body, content_type="application/json")
    assert rated.status_code == 201 and rated.json()["rectification"] is True
    again = client.post("/api/public/cases/rating", {**body, "score": 5}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    rect = Rectification.objects.get()
    assert rect.center.code == "fengdong" and rect.state == "open"
    assert fd_admin.notifications.filter(kind="rectification").count() == 1
    client.force_login(fd_admin)
    listed = client.get("/api/staff/rectifications").json()
    assert [r["case"] for r in listed] == [case.number]
    closed_early = client.post(f"/api/staff/rectifications/{rect.id}/close", {"follow_up_note": "已回访"})
    assert closed_early.status_code == 409
    client.post(f"/api/staff/rectifications/{rect.id}/answer", {"answer": "已增加高峰时段窗口"})
    done = client.post(f"/api/staff/rectifications/{rect.id}/close", {"follow_up_note": "回访满意"})
    assert done.json()["state"] == "closed"


def test_the_applicant_withdraws_online(client, online_item):
    id_number = factories.id_number()
    number = apply(client, id_number).json()["number"]
    wrong = client.post("/api/public/cases/withdraw", {"number": number, "id_number": factories.id_number()},
                        content_type="application/json")
    assert wrong.status_code == 404
    done = client.post("/api/public/cases/withdraw", {"number": number, "id_number": id_number, "reason": "不办了"},
                       content_type="application/json")
    assert done.json()["state"] == "withdrawn"


def test_the_public_timeline_lists_the_public_steps_in_order_in_one_query(client, online_item, fd_clerk, fd_approver):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    id_number = factories.id_number()
    case = services.case_submit(actor=fd_clerk, item_code="GJJ-7100",
                                applicant=services.ApplicantInput(kind="person", name="赵敏", id_number=id_number),
                                materials=[services.MaterialInput(name="居民身份证")])
    services.case_request_correction(actor=fd_clerk, number=case.number, missing=["住房公积金提取申请表"], note="")
    services.case_material_add(actor=fd_clerk, number=case.number, material=services.MaterialInput(
        name="住房公积金提取申请表", file=services.UploadInput(name="f.pdf", data=PDF, content_type="application/pdf")))
    services.case_accept(actor=fd_clerk, number=case.number)
    services.case_start_review(actor=fd_approver, number=case.number)
    body = {"number": case.number, "id_number": id_number}
    with CaptureQueriesContext(connection) as sql:
        tracked = client.post("/api/public/cases/query", body, content_type="application/json").json()
    assert len(sql.captured_queries) == 1
    # adding a material is the clerk's bookkeeping, not a step the applicant sees
    assert [step["action"] for step in tracked["timeline"]] == ["submit", "request_correction", "accept", "start_review"]
    assert tracked["state"] == "under_review" and tracked["rated"] is False
    # the same instants the events hold, with their offset (not a naive local or UTC reading)
    from datetime import datetime
    events = list(case.events.filter(action__in=["submit", "request_correction", "accept", "start_review"])
                  .order_by("id"))
    assert [datetime.fromisoformat(step["at"]) for step in tracked["timeline"]] == [e.at for e in events]
    shown = datetime.fromisoformat(tracked["submitted_at"].replace("Z", "+00:00"))  # JSON keeps milliseconds
    assert abs((shown - case.submitted_at).total_seconds()) < 0.001
    services.case_approve(actor=fd_approver, number=case.number)
    services.case_conclude(actor=fd_approver, number=case.number)
    client.post("/api/public/cases/rating", {**body, "score": 5}, content_type="application/json")
    tracked = client.post("/api/public/cases/query", body, content_type="application/json").json()
    assert tracked["rated"] is True and tracked["timeline"][-1]["action"] == "conclude"
    assert len(tracked["timeline"]) == 6
