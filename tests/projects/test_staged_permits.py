"""分段许可: the construction permit in parts, each its own decision and its own license."""

import pytest

from tongban.core.errors import Conflict, InvalidInput
from tongban.licenses.models import License
from tongban.projects import stages


@pytest.fixture
def in_construction(register, finish_stage, fd_agent):
    project = register("social-ordinary")  # allows the permit in at most 2 parts
    finish_stage(project, "approval")
    finish_stage(project, "engineering")
    finish_stage(project, "construction")  # files and approves GC-0016
    return project


def test_foundation_first_then_main_structure_each_with_its_own_license(in_construction, fd_agent, fd_approver,
                                                                        approve, construction_seal, enterprise):
    code = in_construction.code
    first = stages.permit_part_request(actor=fd_agent, project_code=code, scope="基坑及基础工程", is_final=False)
    approve(first.case)
    first = stages.permit_part_issue(actor=fd_approver, project_code=code, sequence=1)
    # the foundation may be built while the main structure is still under review: not complete yet
    with pytest.raises(Conflict) as exc:
        stages.stage_complete(actor=fd_agent, project_code=code, stage="construction")
    assert exc.value.code == "permit_incomplete"

    second = stages.permit_part_request(actor=fd_agent, project_code=code, scope="主体结构工程", is_final=True)
    approve(second.case)
    second = stages.permit_part_issue(actor=fd_approver, project_code=code, sequence=2)

    assert first.case.number != second.case.number
    licenses = License.objects.filter(source_case_number__in=[first.case.number, second.case.number])
    assert licenses.count() == 2
    assert {lic.data["scope"] for lic in licenses} == {"基坑及基础工程", "主体结构工程"}
    assert all(lic.data["project_code"] == code and lic.holder_name == enterprise.name for lic in licenses)
    assert all(bytes(lic.pdf).startswith(b"%PDF") for lic in licenses)
    row = stages.stage_complete(actor=fd_agent, project_code=code, stage="construction")
    assert row.state == "completed"


def test_a_part_is_not_licensed_before_its_decision(in_construction, fd_agent, fd_approver):
    part = stages.permit_part_request(actor=fd_agent, project_code=in_construction.code, scope="基坑及基础工程",
                                      is_final=False)
    with pytest.raises(Conflict) as exc:
        stages.permit_part_issue(actor=fd_approver, project_code=in_construction.code, sequence=part.sequence)
    assert exc.value.code == "permit_part_not_approved"
    assert not License.objects.exists()


def test_the_class_limits_the_number_of_parts(in_construction, fd_agent):
    code = in_construction.code
    with pytest.raises(InvalidInput):  # 2 parts allowed: the second must be the final one
        stages.permit_part_request(actor=fd_agent, project_code=code, scope="基坑", is_final=False)
        stages.permit_part_request(actor=fd_agent, project_code=code, scope="主体", is_final=False)
    assert in_construction.stages.get(stage="construction").permit_parts.count() == 1
    stages.permit_part_request(actor=fd_agent, project_code=code, scope="主体结构", is_final=True)
    with pytest.raises(Conflict):
        stages.permit_part_request(actor=fd_agent, project_code=code, scope="装饰装修", is_final=True)


def test_a_simple_low_risk_permit_is_not_staged(register, finish_stage, fd_agent):
    project = register("simple-low-risk")
    finish_stage(project, "approval")
    finish_stage(project, "engineering")
    finish_stage(project, "construction")
    with pytest.raises(InvalidInput, match="允许的最后一段"):
        stages.permit_part_request(actor=fd_agent, project_code=project.code, scope="基坑", is_final=False)
