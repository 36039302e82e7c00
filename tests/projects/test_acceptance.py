"""分项验收: completion acceptance in separate items, then one joint acceptance record."""

import pytest

from tongban.core.errors import Conflict, Forbidden, InvalidInput
from tongban.projects import stages
from tongban.projects.models import JointAcceptance


@pytest.fixture
def in_acceptance(register, finish_stage, fd_agent, fd_approver, approve, construction_seal):
    project = register("simple-low-risk")
    finish_stage(project, "approval")
    finish_stage(project, "engineering")
    finish_stage(project, "construction")
    part = stages.permit_part_request(actor=fd_agent, project_code=project.code, scope="全部工程", is_final=True)
    approve(part.case)
    stages.permit_part_issue(actor=fd_approver, project_code=project.code, sequence=1)
    stages.stage_complete(actor=fd_agent, project_code=project.code, stage="construction")
    stages.stage_start(actor=fd_agent, project_code=project.code, stage="acceptance")
    return project


def test_items_are_accepted_separately_then_jointly(in_acceptance, fd_agent, fd_approver, approve):
    code = in_acceptance.code
    row = in_acceptance.stages.get(stage="acceptance")
    assert {a.kind for a in row.acceptance_items.all()} == {"planning", "fire", "archives"}
    planning = row.acceptance_items.get(kind="planning")
    assert planning.case.item_version.item.code == "GC-0004"  # planning verification is a case of its own

    stages.acceptance_record(actor=fd_approver, project_code=code, kind="fire", passed=True, note="备案抽查合格")
    stages.acceptance_record(actor=fd_approver, project_code=code, kind="archives", passed=False, note="竣工图缺签章")
    with pytest.raises(Conflict) as exc:
        stages.joint_acceptance_record(actor=fd_agent, project_code=code, participants="规划、消防、档案",
                                       conclusion="同意通过")
    assert exc.value.code == "acceptance_items_open"
    assert not JointAcceptance.objects.exists()

    stages.acceptance_record(actor=fd_approver, project_code=code, kind="archives", passed=True, note="已补正")
    with pytest.raises(Conflict) as exc:  # planning waits for its case's decision
        stages.acceptance_record(actor=fd_approver, project_code=code, kind="planning", passed=True)
    assert exc.value.code == "acceptance_case_open"
    approve(planning.case)
    stages.acceptance_record(actor=fd_approver, project_code=code, kind="planning", passed=True)

    record = stages.joint_acceptance_record(actor=fd_agent, project_code=code, participants="规划、消防、档案",
                                            conclusion="各分项验收合格，同意通过联合验收")
    assert record.project == in_acceptance
    row.refresh_from_db()
    assert row.state == "completed" and row.completed_on is not None


def test_a_failed_item_needs_the_reason_and_an_agent_cannot_accept_items(in_acceptance, fd_agent, fd_approver):
    with pytest.raises(InvalidInput):
        stages.acceptance_record(actor=fd_approver, project_code=in_acceptance.code, kind="fire", passed=False)
    with pytest.raises(Forbidden):
        stages.acceptance_record(actor=fd_agent, project_code=in_acceptance.code, kind="fire", passed=True)
    with pytest.raises(Conflict):  # acceptance ends with the joint record, not a plain completion
        stages.stage_complete(actor=fd_agent, project_code=in_acceptance.code, stage="acceptance")
