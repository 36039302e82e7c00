"""Citizens sign in with their ID number and an SMS code (the demo provider prints it), then see
their own applications, and only theirs, without typing the ID number again."""

import re

from tests import factories
from tests.workbench.conftest import PDF
from tongban.cases.applicants import ApplicantInput
from tongban.cases.services import MaterialInput, UploadInput, case_submit
from tongban.core.models import AuditEntry
from tongban.portal.models import CitizenAccount


def file_case(clerk, id_number):
    return case_submit(actor=clerk, item_code="GJJ-7001", applicant=ApplicantInput(
        kind="person", name="王小明", id_number=id_number, phone="13800138000"), materials=[
        MaterialInput(name="居民身份证", status="exempted", source="population", exemption_reason="共享"),
        MaterialInput(name="购房合同", file=UploadInput(name="c.pdf", data=PDF, content_type="application/pdf"))])


def sms_code(capsys) -> str:
    return re.findall(r"sign-in code (\d{6})", capsys.readouterr().out)[-1]


def test_a_citizen_signs_in_by_sms_code_and_sees_only_their_applications(client, capsys, housing_item, fd_clerk):
    mine, other = factories.id_number(), factories.id_number()
    my_case, their_case = file_case(fd_clerk, mine), file_case(fd_clerk, other)
    assert client.get("/account/").status_code == 302
    client.post("/account/sign-in/", {"id_number": mine, "phone": "13912345678"})
    console = capsys.readouterr().out
    assert "139****5678" in console and "13912345678" not in console
    code = re.findall(r"sign-in code (\d{6})", console)[-1]
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/account/code/", {"code": wrong}).status_code == 400
    assert client.post("/account/code/", {"code": code}).status_code == 302
    page = client.get("/track/").content.decode()
    assert my_case.number in page and their_case.number not in page
    account = CitizenAccount.objects.get()
    assert mine not in (account.id_masked + account.phone_masked)
    assert AuditEntry.objects.filter(action="citizen.sign_in").count() == 1


def test_a_code_works_once_and_the_sign_in_is_rate_limited(client, capsys, housing_item):
    number = factories.id_number()
    client.post("/account/sign-in/", {"id_number": number, "phone": "13912345678"})
    code = sms_code(capsys)
    assert client.post("/account/code/", {"code": code}).status_code == 302
    client.post("/account/sign-out/")
    statuses = [client.post("/account/sign-in/", {"id_number": number, "phone": "13912345678"}).status_code
                for _ in range(5)]
    assert statuses == [302] * 4 + [400]  # five requests for a code a minute; the sixth is refused


def test_an_invalid_id_number_is_refused_before_any_sms(client, capsys, org):
    response = client.post("/account/sign-in/", {"id_number": "610402198506121234", "phone": "13912345678"})
    assert response.status_code == 400
    assert "sign-in code" not in capsys.readouterr().out
