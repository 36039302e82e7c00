"""Workbench pages through Django's test client: access, bad input kept and explained, the
double-submitted accept, role-specific actions, notices as PDFs."""

import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.workbench.conftest import PDF
from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import CaseEvent, S
from tongban.cases.services import (
    MaterialInput,
    UploadInput,
    case_accept,
    case_request_correction,
    case_submit,
)


def client_for(client, user):
    client.force_login(user)
    return client


def submitted_case(clerk, *, contract=True):
    materials = [MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享")]
    if contract:
        materials.append(MaterialInput(name="购房合同", file=UploadInput(name="c.pdf", data=PDF,
                                                                      content_type="application/pdf")))
    return case_submit(actor=clerk, item_code="GJJ-7001", materials=materials,
                       applicant=ApplicantInput(kind="person", name="王小明", id_number=factories.id_number(),
                                                phone="13800138000"))


def receive_post(**overrides):
    data = {"item": "GJJ-7001", "kind": "person", "name": "王小明", "id_number": factories.id_number(),
            "phone": "13800138000", "m1_status": "exempted", "m1_reason": "共享数据", "m2_status": "received",
            "m3_status": "missing", "delivery_method": "pickup", "note": "",
            "m2_file": SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")}
    data.update(overrides)
    return data


def test_the_workbench_asks_a_visitor_to_sign_in(client, org):
    response = client.get("/workbench/receive/?item=GJJ-7001")
    assert response.status_code == 302
    assert response["Location"] == "/workbench/login/?next=/workbench/receive/%3Fitem%3DGJJ-7001"


def test_a_user_without_a_staff_profile_is_turned_away(client, org):
    citizen = get_user_model().objects.create_user("citizen", password="x-password-123")
    assert client_for(client, citizen).get("/workbench/").status_code == 403


def test_signing_in_with_a_wrong_password_says_so_and_keeps_the_username(client, fd_clerk):
    response = client.post("/workbench/login/", {"username": "fd_clerk", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'value="fd_clerk"' in response.content.decode()
    assert "请输入一个正确的" in response.content.decode()  # Django's own zh-hans message


def test_each_role_gets_its_own_home(client, fd_clerk, fd_approver, leader, housing_item):
    case = submitted_case(fd_clerk)
    clerk_home = client_for(client, fd_clerk).get("/workbench/").content.decode()
    assert case.number in clerk_home and "/workbench/receive/" in clerk_home
    client.logout()
    approver_home = client_for(client, fd_approver).get("/workbench/").content.decode()
    assert case.number not in approver_home  # nothing to review until it is accepted
    case_accept(actor=fd_clerk, number=case.number)
    assert case.number in client.get("/workbench/").content.decode()
    client.logout()
    leader_home = client_for(client, leader).get("/workbench/")
    assert leader_home.context["counts"]["total"] == 1


def test_item_search_matches_pinyin_initials(client, fd_clerk, housing_item):
    html = client_for(client, fd_clerk).get("/workbench/items/search/?q=zfgjj").content.decode()
    assert "住房公积金提取（购房）" in html and "?item=GJJ-7001" in html


def test_the_id_number_check_answers_as_typed(client, fd_clerk):
    client_for(client, fd_clerk)
    ok = client.get("/workbench/validate/id-number/", {"id_number": factories.id_number(birth="19850612")})
    assert "field-ok" in ok.content.decode() and "1985-06-12" in ok.content.decode()
    bad = client.get("/workbench/validate/id-number/", {"id_number": "61040219850612001"})
    assert "field-error" in bad.content.decode()


def test_a_receive_form_with_a_bad_id_number_keeps_what_was_typed(client, fd_clerk, housing_item):
    response = client_for(client, fd_clerk).post("/workbench/receive/?item=GJJ-7001",
                                                 receive_post(id_number="610402198506120000", note="下午取件"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "id_number" in form.errors and set(form.errors) == {"id_number"}
    html = response.content.decode()
    assert 'value="王小明"' in html and 'value="610402198506120000"' in html and "下午取件" in html
    assert 'aria-invalid="true"' in html


def test_receiving_registers_the_case_with_its_materials(client, fd_clerk, housing_item):
    response = client_for(client, fd_clerk).post("/workbench/receive/?item=GJJ-7001", receive_post())
    assert response.status_code == 302
    number = response["Location"].split("/")[3]
    page = client.get(response["Location"])
    assert page.context["case"].state == S.SUBMITTED
    assert {m.name: m.status for m in page.context["materials"]} == {"居民身份证": "exempted", "购房合同": "received"}
    assert number in page.content.decode()


def test_accept_sent_twice_accepts_once_and_says_it_was_already_done(client, fd_clerk, housing_item):
    case = submitted_case(fd_clerk)
    client_for(client, fd_clerk)
    url = f"/workbench/cases/{case.number}/act/accept/"
    first = client.post(url, {"version": case.version}, follow=True)
    second = client.post(url, {"version": case.version}, follow=True)
    assert [m.level_tag for m in first.context["messages"]] == ["success"]
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
    assert [m.level_tag for m in second.context["messages"]] == ["info"]
    assert second.context["case"].state == S.ACCEPTED


def test_refusing_without_a_reason_shows_the_error_at_the_reason(client, fd_clerk, housing_item):
    case = submitted_case(fd_clerk)
    response = client_for(client, fd_clerk).post(f"/workbench/cases/{case.number}/act/refuse/",
                                                 {"version": case.version, "reason": "  "})
    assert response.status_code == 400
    refuse = next(a for a in response.context["action_forms"] if a["action"] == "refuse")
    assert "reason" in refuse["form"].errors
    case.refresh_from_db()
    assert case.state == S.SUBMITTED


def test_an_approver_is_offered_only_review_actions(client, fd_clerk, fd_approver, housing_item):
    case = submitted_case(fd_clerk)
    case_accept(actor=fd_clerk, number=case.number)
    response = client_for(client, fd_approver).get(f"/workbench/cases/{case.number}/")
    assert [a["action"] for a in response.context["action_forms"]] == ["start_review"]
    forbidden = client.post(f"/workbench/cases/{case.number}/act/withdraw/", {"version": 2, "reason": "x"})
    assert forbidden.status_code == 400
    case.refresh_from_db()
    assert case.state == S.ACCEPTED


def test_a_clerk_of_another_center_cannot_open_the_case(client, fd_clerk, jh_clerk, housing_item):
    case = submitted_case(fd_clerk)
    assert client_for(client, jh_clerk).get(f"/workbench/cases/{case.number}/").status_code == 404


def test_queue_filters_by_light(client, fd_clerk, housing_item):
    accepted = submitted_case(fd_clerk)
    case_accept(actor=fd_clerk, number=accepted.number)
    waiting = submitted_case(fd_clerk)
    client_for(client, fd_clerk)
    green = [c.number for c in client.get("/workbench/queue/?light=green").context["cases"]]
    assert green == [accepted.number]
    assert waiting.number in [c.number for c in client.get("/workbench/queue/").context["cases"]]


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_notices_are_pdfs_in_chinese(client, fd_clerk, housing_item, tmp_path):
    client_for(client, fd_clerk)
    incomplete = submitted_case(fd_clerk, contract=False)
    case_request_correction(actor=fd_clerk, number=incomplete.number, missing=["购房合同"], note="原件")
    notice = incomplete.correction_notices.get()
    text = _pdf_text(client.get(f"/workbench/cases/{incomplete.number}/correction-notice-{notice.pk}.pdf").content,
                     tmp_path)
    assert "一次性告知书" in text and "购房合同" in text and incomplete.number in text

    complete = submitted_case(fd_clerk)
    case_accept(actor=fd_clerk, number=complete.number)
    text = _pdf_text(client.get(f"/workbench/cases/{complete.number}/acceptance-notice.pdf").content, tmp_path)
    assert "受理通知书" in text and "2023年6月12日" in text  # promised due: 5 working days after 5 June

    assert client.get(f"/workbench/cases/{incomplete.number}/refusal-decision.pdf").status_code == 404


def test_a_scan_attached_later_is_stored_and_viewable(client, fd_clerk, housing_item):
    case = submitted_case(fd_clerk, contract=False)
    client_for(client, fd_clerk)
    response = client.post(f"/workbench/cases/{case.number}/materials/", {
        "version": case.version, "name": "购房合同",
        "file": SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    material = case.materials.get(name="购房合同")
    scan = client.get(f"/workbench/cases/{case.number}/materials/{material.pk}/")
    assert b"".join(scan.streaming_content) == PDF


def test_a_file_that_is_not_a_pdf_or_image_is_refused_next_to_the_file_field(client, fd_clerk, housing_item):
    case = submitted_case(fd_clerk, contract=False)
    response = client_for(client, fd_clerk).post(f"/workbench/cases/{case.number}/materials/", {
        "version": case.version, "name": "购房合同",
        "file": SimpleUploadedFile("contract.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")})
    assert response.status_code == 400
    assert "file" in response.context["material_form"].errors
