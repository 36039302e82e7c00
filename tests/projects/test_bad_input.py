"""Bad input gets a clear error and leaves nothing behind."""

from datetime import date

import pytest

from tests import factories
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.projects import services
from tongban.projects.codes import validate_project_code
from tongban.projects.models import Agreement, AgreementContact, Enterprise, Project, ProjectStage


@pytest.mark.parametrize("code, fragment", [
    ("2023-610000-48-01-00012", "项目代码格式如"),   # serial has 5 digits
    ("2023/610000/48/01/000123", "项目代码格式如"),   # wrong separators
    ("2031-610000-48-01-000123", "年份须在 2000 至 2023 之间"),  # from the future (tests run in 2023)
    ("1999-610000-48-01-000123", "年份须在 2000 至 2023 之间"),
    ("2023-990000-48-01-000123", "不是以省级代码开头"),        # 99 is no province
    ("2023-610000-98-01-000123", "行业码须为 GB/T 4754 中的大类"),        # GB/T 4754 divisions end at 97
    ("2023-610000-48-07-000123", "项目类型须为"),
    ("2023-610000-48-01-000000", "流水号不能为 000000"),
])
def test_a_project_code_that_does_not_validate_names_the_part_that_is_wrong(code, fragment):
    with pytest.raises(InvalidInput) as exc:
        validate_project_code(code, today=date(2023, 6, 5))
    assert fragment in str(exc.value.message)


def test_the_national_example_code_validates():
    assert validate_project_code("2023-610000-48-01-000123", today=date(2023, 6, 5)) == "2023-610000-48-01-000123"


def test_a_project_with_a_bad_code_or_unknown_enterprise_is_not_registered(register, fd_agent, classes):
    with pytest.raises(InvalidInput):
        register(code="2023-611100-48-03-00010")
    with pytest.raises(NotFound) as exc:
        services.project_register(actor=fd_agent, code="2023-611100-48-03-000555", name="某项目",
                                  credit_code=factories.credit_code(99), center_code="fengdong", location="沣东",
                                  class_code="simple-low-risk")
    assert exc.value.code == "enterprise_not_found"
    assert not Project.objects.exists() and not ProjectStage.objects.exists()


def test_an_enterprise_with_a_bad_credit_code_is_refused(leader, org):
    good = factories.credit_code(3)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput, match="校验码"):
        services.enterprise_register(actor=leader, credit_code=bad, name="某公司", legal_representative="李四")
    assert not Enterprise.objects.exists()


def test_an_agreement_for_an_enterprise_that_does_not_exist_is_refused(leader, fd_agent):
    with pytest.raises(NotFound) as exc:
        services.agreement_sign(actor=leader, center_code="fengdong", credit_code=factories.credit_code(11),
                                signed_on=date(2023, 2, 3), scope="帮办代办", agent_username="fd_agent",
                                contacts=[services.ContactInput(name="赵工", phone="13900000001")])
    assert exc.value.code == "enterprise_not_found"
    assert not Agreement.objects.exists()


def test_an_agreement_needs_an_agent_of_that_center_and_valid_contacts(leader, enterprise, jh_agent, fd_agent):
    args = dict(actor=leader, center_code="fengdong", credit_code=enterprise.credit_code, signed_on=date(2023, 2, 3),
                scope="帮办代办")
    with pytest.raises(InvalidInput, match="jh_agent"):
        services.agreement_sign(**args, agent_username="jh_agent",
                                contacts=[services.ContactInput(name="赵工", phone="13900000001")])
    with pytest.raises(InvalidInput):
        services.agreement_sign(**args, agent_username="fd_agent",
                                contacts=[services.ContactInput(name="赵工", phone="13900000001"),
                                          services.ContactInput(name="钱工", phone="12345")])
    assert not Agreement.objects.exists() and not AgreementContact.objects.exists()
    agreement = services.agreement_sign(**args, agent_username="fd_agent",
                                        contacts=[services.ContactInput(name="赵工", phone="13900000001")])
    contact = agreement.contacts.get()
    assert contact.phone_masked != "13900000001" and contact.phone_masked.startswith("139")
    with pytest.raises(Conflict):
        services.agreement_sign(**args, agent_username="fd_agent",
                                contacts=[services.ContactInput(name="赵工", phone="13900000001")])


def test_a_worklog_escalation_says_to_whom(register, fd_agent):
    project = register()
    with pytest.raises(InvalidInput):
        services.worklog_add(actor=fd_agent, project_code=project.code, kind="escalation",
                             happened_on=date(2023, 6, 5), note="施工图审查意见反复")
    entry = services.worklog_add(actor=fd_agent, project_code=project.code, kind="escalation",
                                 happened_on=date(2023, 6, 5), note="施工图审查意见反复", escalated_to="住建局分管领导")
    assert entry.agent == fd_agent
