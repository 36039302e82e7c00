"""The case API as a window client and a citizen use it."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.cases.conftest import JPEG, PDF, PNG
from tongban.cases.models import Applicant, Case, CaseEvent, CaseMaterial
from tongban.core.models import AuditEntry


def payload(id_number, **changes):
    body = {
        "item_code": "GJJ-7001",
        "applicant": {"kind": "person", "name": "王小明", "id_number": id_number, "phone": "13800138000"},
        "materials": [
            {"name": "居民身份证", "status": "received", "file": 0},
            {"name": "购房合同", "status": "received", "file": 1},
        ],
    }
    body.update(changes)
    return json.dumps(body, ensure_ascii=False)


def files(*items):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(name, data, content_type=ctype) for name, data, ctype in items]


def submit(client, id_number, uploads=None, **changes):
    uploads = uploads if uploads is not None else files(("id.jpg", JPEG, "image/jpeg"), ("contract.pdf", PDF, "application/pdf"))
    return client.post("/api/cases", {"payload": payload(id_number, **changes), "files": uploads})


def test_a_clerk_files_a_case_with_two_scans(client, fd_clerk, permit_item):
    client.force_login(fd_clerk)
    number = factories.id_number()
    response = submit(client, number)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["center"] == "fengdong"
    assert [m["content_type"] for m in body["materials"]] == ["image/jpeg", "application/pdf"]
    assert body["applicant"]["id_number_masked"] == number[:4] + "*" * 10 + number[-4:]
    assert number not in response.content.decode()
    assert "accept" in body["allowed_actions"] and "approve" not in body["allowed_actions"]
    stored = Applicant.objects.get()
    assert number.encode() not in bytes(stored.id_number_enc)


def test_the_id_number_is_validated_and_nothing_is_written(client, fd_clerk, permit_item):
    client.force_login(fd_clerk)
    bad = factories.id_number()[:-1] + "0"
    bad = bad if bad != factories.id_number() else bad[:-1] + "1"
    response = submit(client, "110105194912310021")
    assert response.status_code == 400
    assert response.json()["field"] == "id_number"
    assert Case.objects.count() == Applicant.objects.count() == CaseEvent.objects.count() == 0


def test_files_are_judged_by_their_bytes(client, fd_clerk, permit_item, settings):
    client.force_login(fd_clerk)
    disguised = submit(client, factories.id_number(),
                       uploads=files(("id.jpg", PNG, "image/jpeg"), ("contract.pdf", PDF, "application/pdf")))
    assert disguised.status_code == 400 and "与其声明的类型不符" in disguised.json()["message"]
    script = submit(client, factories.id_number(),
                    uploads=files(("id.jpg", b"<script>alert(1)</script>", "image/jpeg"),
                                  ("c.pdf", PDF, "application/pdf")))
    assert script.status_code == 400 and "不是 PDF、JPEG 或 PNG 格式" in script.json()["message"]
    settings.TONGBAN_MAX_UPLOAD_BYTES = 64
    big = submit(client, factories.id_number(),
                 uploads=files(("id.jpg", JPEG + b"\x00" * 100, "image/jpeg"), ("c.pdf", PDF, "application/pdf")))
    assert big.status_code == 400 and "超过 1 KB" in big.json()["message"]
    assert Case.objects.count() == CaseMaterial.objects.count() == 0


def test_malformed_payloads_are_4xx(client, fd_clerk, permit_item):
    client.force_login(fd_clerk)
    assert client.post("/api/cases", {"payload": "{not json"}).status_code == 400
    response = client.post("/api/cases", {"payload": json.dumps({"item_code": "GJJ-7001"})})
    assert response.status_code == 400 and response.json()["field"].startswith("applicant")
    unknown = submit(client, factories.id_number(), item_code="NOPE-0001")
    assert unknown.status_code == 404 and unknown.json()["code"] == "item_not_found"
    pointing = submit(client, factories.id_number(), uploads=files(("id.jpg", JPEG, "image/jpeg")))
    assert pointing.status_code == 400


def test_a_cut_off_or_oversized_upload_is_refused_with_a_message_and_writes_nothing(client, fd_clerk, permit_item):
    from django.test import override_settings
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    client.force_login(fd_clerk)
    uploads = files(("id.jpg", JPEG, "image/jpeg"), ("contract.pdf", PDF, "application/pdf"))
    whole = encode_multipart(BOUNDARY, {"payload": payload(factories.id_number()), "files": uploads})
    response = client.generic("POST", "/api/cases", whole[:-40], content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    assert response.json() == {"code": "malformed_body", "message": "上传的内容不完整或格式有误，请重新提交。"}
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=1):
        response = client.generic("POST", "/api/cases", whole, content_type=MULTIPART_CONTENT)
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    assert "文件过多" in response.json()["message"]
    assert Case.objects.count() == CaseMaterial.objects.count() == 0
    for upload in uploads:
        upload.seek(0)
    assert client.generic("POST", "/api/cases", encode_multipart(BOUNDARY, {
        "payload": payload(factories.id_number()), "files": uploads}), content_type=MULTIPART_CONTENT).status_code == 201


def test_two_clerks_acting_on_the_same_version_one_wins_the_other_gets_409(client, fd_clerk, permit_item):
    client.force_login(fd_clerk)
    case = submit(client, factories.id_number()).json()
    colleague = factories.staff("fd_clerk_b", center_code="fengdong", role="clerk")
    url = f"/api/cases/{case['number']}/actions"
    first = client.post(f"{url}/accept", {"version": case["version"]}, content_type="application/json")
    client.force_login(colleague)
    second = client.post(f"{url}/refuse", {"version": case["version"], "reason": "材料不全"},
                         content_type="application/json")
    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["code"] == "version_conflict"
    assert Case.objects.get().state == "accepted"
    assert CaseEvent.objects.filter(action="refuse").count() == 0


def test_illegal_transitions_and_unknown_actions(client, fd_clerk, fd_approver, permit_item):
    client.force_login(fd_clerk)
    number = submit(client, factories.id_number()).json()["number"]
    client.post(f"/api/cases/{number}/actions/refuse", {"reason": "不符合受理条件"}, content_type="application/json")
    client.force_login(fd_approver)
    response = client.post(f"/api/cases/{number}/actions/approve", {}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert client.post(f"/api/cases/{number}/actions/teleport", {}, content_type="application/json").status_code == 404


def test_a_clerk_of_another_center_cannot_see_or_touch_the_case(client, fd_clerk, jh_clerk, permit_item):
    client.force_login(fd_clerk)
    number = submit(client, factories.id_number()).json()["number"]
    client.force_login(jh_clerk)
    assert client.get(f"/api/cases/{number}").status_code == 404
    act = client.post(f"/api/cases/{number}/actions/accept", {}, content_type="application/json")
    assert act.status_code == 404
    assert client.get("/api/cases").json()["items"] == []
    reveal = client.post(f"/api/cases/{number}/applicant/reveal", {"purpose": "核对"}, content_type="application/json")
    assert reveal.status_code == 404


def test_revealing_personal_data_is_audited_with_purpose(client, fd_clerk, permit_item):
    client.force_login(fd_clerk)
    number_id = factories.id_number()
    number = submit(client, number_id).json()["number"]
    response = client.post(f"/api/cases/{number}/applicant/reveal", {"purpose": "电话回访核对身份"},
                           content_type="application/json")
    assert response.json() == {"id_number": number_id, "phone": "13800138000"}
    entry = AuditEntry.objects.filter(action="pii.reveal").get()
    assert (entry.actor_label, entry.purpose, entry.detail["case"]) == ("fd_clerk", "电话回访核对身份", number)


def test_queue_filters_and_a_fixed_number_of_queries(client, fd_clerk, permit_item):
    client.force_login(fd_clerk)
    numbers = [submit(client, factories.id_number()).json()["number"] for _ in range(6)]
    client.post(f"/api/cases/{numbers[0]}/actions/accept", {}, content_type="application/json")
    assert [c["number"] for c in client.get("/api/cases", {"state": "accepted"}).json()["items"]] == numbers[:1]
    assert len(client.get("/api/cases", {"state": "submitted"}).json()["items"]) == 5
    with CaptureQueriesContext(connection) as two:
        client.get("/api/cases", {"limit": 2})
    with CaptureQueriesContext(connection) as six:
        client.get("/api/cases", {"limit": 6})
    assert len(two.captured_queries) == len(six.captured_queries)


def test_tokens_work_for_window_clients(client, fd_clerk, permit_item):
    from tongban.org.services import token_create

    _t, raw = token_create(user=fd_clerk, name="窗口终端")
    response = client.post("/api/cases", {"payload": payload(factories.id_number()),
                                          "files": files(("a.jpg", JPEG, "image/jpeg"), ("b.pdf", PDF, ""))},
                           headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201


def test_anonymous_cannot_use_staff_endpoints(client, permit_item):
    assert client.get("/api/cases").status_code == 401
    assert submit(client, factories.id_number()).status_code == 401
