"""分类审批: which items a stage bundles, what may be added, when a stage may start, versioned rules."""

import copy

import pytest

from tests.projects.conftest import SECOND_CODE
from tongban.cases.models import Case
from tongban.core.errors import Conflict, InvalidInput
from tongban.projects import presets, services, stages
from tongban.projects.models import ClassRules, StageItem


def test_starting_a_stage_files_every_required_item_as_a_case_for_the_enterprise(register, fd_agent, enterprise):
    project = register()
    row = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    items = {i.item_code: i for i in row.items.select_related("case__applicant")}
    assert set(items) == {"GC-0002", "GC-0007"}  # GC-0006 is optional for simple low-risk projects
    for item in items.values():
        assert item.case.applicant.credit_code == enterprise.credit_code
        assert item.case.center.code == "fengdong"
        assert item.case.state == "submitted"
    assert row.state == "in_progress"


def test_an_optional_item_the_class_allows_can_be_added_to_a_running_stage(register, fd_agent):
    project = register()
    stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    item = stages.stage_item_add(actor=fd_agent, project_code=project.code, stage="approval", item_code="GC-0006")
    assert item.case.item_version.item.code == "GC-0006"


def test_an_item_the_class_does_not_allow_is_refused_and_nothing_is_filed(register, fd_agent):
    project = register()
    cases_before = Case.objects.count()
    with pytest.raises(InvalidInput, match="GC-0009"):
        stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval", extra_items=["GC-0009"])
    assert Case.objects.count() == cases_before
    assert project.stages.get(stage="approval").state == "pending"
    stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    with pytest.raises(InvalidInput, match="不允许"):
        stages.stage_item_add(actor=fd_agent, project_code=project.code, stage="approval", item_code="GC-0008")


def test_ordinary_projects_cannot_start_engineering_before_land_use_is_complete(register, fd_agent):
    project = register("social-ordinary")
    stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    cases_before = Case.objects.count()
    with pytest.raises(Conflict) as exc:
        stages.stage_start(actor=fd_agent, project_code=project.code, stage="engineering")
    assert exc.value.code == "predecessor_not_completed"
    assert Case.objects.count() == cases_before
    assert project.stages.get(stage="engineering").state == "pending"


def test_simple_low_risk_projects_may_file_engineering_alongside_land_use(register, fd_agent):
    project = register("simple-low-risk")
    stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    row = stages.stage_start(actor=fd_agent, project_code=project.code, stage="engineering")
    assert row.state == "in_progress"
    # but construction still waits for its predecessor
    with pytest.raises(Conflict):
        stages.stage_start(actor=fd_agent, project_code=project.code, stage="construction")


def test_a_new_rule_version_applies_to_projects_registered_after_it(register, fd_agent, leader):
    old = register()
    stricter = copy.deepcopy(presets.SIMPLE_LOW_RISK)
    stricter["stages"]["approval"]["items"].append({"code": "GC-0001", "required": True})
    version = services.class_rules_publish(actor=leader, class_code="simple-low-risk", rules=stricter,
                                           note="用地预审纳入")
    assert version.version == 2
    new = register(code=SECOND_CODE)
    assert (old.rules.version, new.rules.version) == (1, 2)
    old_items = {i.item_code for i in stages.stage_start(actor=fd_agent, project_code=old.code,
                                                         stage="approval").items.all()}
    new_items = {i.item_code for i in stages.stage_start(actor=fd_agent, project_code=new.code,
                                                         stage="approval").items.all()}
    assert "GC-0001" not in old_items and "GC-0001" in new_items


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["stages"]["approval"]["items"].append({"code": "GC-9999"}), "GC-9999"),
    (lambda d: d["stages"].pop("acceptance"), "四个阶段"),
    (lambda d: d["stages"]["approval"].update(target_days=99), "各阶段目标时限之和超过"),
    (lambda d: d["stages"]["engineering"]["items"][0].update(exempt_by="astrology"), "astrology"),
    (lambda d: d["stages"]["construction"]["permit"].update(max_parts=0), "max_parts"),
    (lambda d: d.update(target_working_days=121), "120"),
])
def test_a_broken_rule_table_is_refused_and_the_current_version_stays(classes, leader, breakage, message):
    doc = copy.deepcopy(presets.SIMPLE_LOW_RISK)
    breakage(doc)
    with pytest.raises(InvalidInput, match=message):
        services.class_rules_publish(actor=leader, class_code="simple-low-risk", rules=doc)
    current = ClassRules.objects.get(project_class__code="simple-low-risk", is_current=True)
    assert current.version == 1


def test_only_coordinators_start_stages_and_only_admins_edit_rules(register, fd_approver, fd_agent):
    from tongban.core.errors import Forbidden

    project = register()
    with pytest.raises(Forbidden):
        stages.stage_start(actor=fd_approver, project_code=project.code, stage="approval")
    with pytest.raises(Forbidden):
        services.class_rules_publish(actor=fd_agent, class_code="simple-low-risk", rules=presets.SIMPLE_LOW_RISK)
    assert not StageItem.objects.exists()
