"""Applicants are found by their ID number or credit code: a second submission updates the
same person or entity rather than creating a twin, and keeps what it does not restate."""

from tests import factories
from tests.cases.conftest import full_materials
from tongban.cases.applicants import ID_CONTEXT, PHONE_CONTEXT, ApplicantInput
from tongban.cases.models import Applicant
from tongban.cases.services import case_submit
from tongban.core import pii


def file(fd_clerk, applicant):
    return case_submit(actor=fd_clerk, item_code="GJJ-7001", applicant=applicant, materials=full_materials())


def test_a_returning_person_is_the_same_applicant_with_the_new_name_and_phone(permit_item, fd_clerk):
    number = factories.id_number(seq="123")
    first = file(fd_clerk, ApplicantInput(kind="person", name="王小明", id_number=number, phone="13800138000"))
    second = file(fd_clerk, ApplicantInput(kind="person", name="王晓明", id_number=number, phone="13900139000"))
    assert second.applicant.pk == first.applicant.pk
    assert Applicant.objects.filter(kind="person").count() == 1
    stored = Applicant.objects.get()
    assert (stored.name, stored.phone_masked) == ("王晓明", "139****9000")
    assert pii.decrypt(bytes(stored.phone_enc), context=PHONE_CONTEXT) == "13900139000"
    assert pii.decrypt(bytes(stored.id_number_enc), context=ID_CONTEXT) == number
    assert stored.created_at == first.applicant.created_at
    # The applicant handed back with the case reads what it did not bring along on demand.
    assert pii.decrypt(bytes(second.applicant.id_number_enc), context=ID_CONTEXT) == number


def test_a_submission_without_a_phone_keeps_the_phone_on_file(permit_item, fd_clerk):
    number = factories.id_number(seq="456")
    file(fd_clerk, ApplicantInput(kind="person", name="李华", id_number=number, phone="13800138000"))
    case = file(fd_clerk, ApplicantInput(kind="person", name="李华", id_number=number))
    assert case.applicant.phone_masked == "138****8000"  # what the clerk's screen shows
    assert pii.decrypt(bytes(Applicant.objects.get().phone_enc), context=PHONE_CONTEXT) == "13800138000"


def test_people_and_entities_are_kept_apart(permit_item, fd_clerk):
    permit_item.subject = "both"
    permit_item.save(update_fields=["subject"])
    code = factories.credit_code(7)
    person = file(fd_clerk, ApplicantInput(kind="person", name="张敏", id_number=factories.id_number(seq="789")))
    entity = file(fd_clerk, ApplicantInput(kind="entity", name="西咸某公司", credit_code=code, legal_representative="张敏"))
    again = file(fd_clerk, ApplicantInput(kind="entity", name="西咸某有限公司", credit_code=code,
                                          legal_representative="赵磊"))
    assert again.applicant.pk == entity.applicant.pk != person.applicant.pk
    assert (again.applicant.name, again.applicant.legal_representative) == ("西咸某有限公司", "赵磊")
    assert Applicant.objects.count() == 2
