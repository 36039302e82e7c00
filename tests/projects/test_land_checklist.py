"""用地清单制: a parcel's regional pre-assessments exempt the items they replace."""

from datetime import date

import pytest

from tongban.core.errors import InvalidInput
from tongban.projects import services, stages
from tongban.projects.models import LandParcel
from tongban.projects.services import AssessmentInput


@pytest.fixture
def parcel(leader, org):
    return services.parcel_register(
        actor=leader, code="FD-2023-07", location="沣东新城科技路南段", area_m2="26800.5", center_code="fengdong",
        assessments=[
            AssessmentInput(kind="geological_hazard", conclusion="危险性小，适宜建设", completed_on=date(2022, 11, 2),
                            reference="西咸地评〔2022〕15号"),
            AssessmentInput(kind="soil_water", conclusion="区域水土保持方案已批复", completed_on=date(2022, 12, 1)),
            AssessmentInput(kind="cultural_relics", conclusion="未发现文物遗存", completed_on=date(2022, 10, 9)),
        ])


def test_a_project_on_an_assessed_parcel_has_the_replaced_items_exempted_with_the_checklist_as_source(
        register, parcel, fd_agent):
    project = register(parcel_code=parcel.code)
    approval = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    engineering = stages.stage_start(actor=fd_agent, project_code=project.code, stage="engineering")
    geo = approval.items.get(item_code="GC-0007")
    soil = engineering.items.get(item_code="GC-0018")
    for item in (geo, soil):
        assert item.exempted and item.case is None
        assert item.exemption_source == "land_checklist"
        assert "FD-2023-07" in item.exemption_note
    assert "西咸地评〔2022〕15号" in geo.exemption_note
    # the items no assessment replaces are still filed as cases
    assert approval.items.get(item_code="GC-0002").case is not None
    assert engineering.items.get(item_code="GC-0003").case is not None


def test_without_a_parcel_nothing_is_exempted(register, fd_agent):
    project = register()
    approval = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    assert not approval.items.filter(exempted=True).exists()


def test_an_exempted_item_does_not_hold_up_the_stage(register, parcel, fd_agent, approve):
    project = register(parcel_code=parcel.code)
    approval = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    approve(approval.items.get(item_code="GC-0002").case)
    done = stages.stage_complete(actor=fd_agent, project_code=project.code, stage="approval")
    assert done.state == "completed"


def test_a_parcel_with_a_duplicate_or_unknown_assessment_is_refused_whole(leader, org):
    with pytest.raises(InvalidInput):
        services.parcel_register(actor=leader, code="FD-X", location="沣东", area_m2=100, center_code="fengdong",
                                 assessments=[AssessmentInput(kind="soil_water", conclusion="可", completed_on=date(2022, 1, 1)),
                                              AssessmentInput(kind="soil_water", conclusion="可", completed_on=date(2022, 1, 1))])
    assert not LandParcel.objects.exists()
