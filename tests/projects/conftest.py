"""Projects fixtures: the construction items of the catalog, the four classes, an enterprise
under agreement with 沣东 and its agent; time runs on a working Monday of 2023."""

import pytest
import time_machine

from tests import factories
from tongban.cases import services as case_services
from tongban.catalog.services import ItemSpec, MaterialSpec, department_ensure, item_create
from tongban.org.models import Role
from tongban.projects import presets, services

GC_ITEMS = {
    "GC-0001": ("建设项目用地预审与选址意见书核发", "natural_resources"),
    "GC-0002": ("建设用地规划许可证核发", "natural_resources"),
    "GC-0003": ("建设工程规划许可证核发", "natural_resources"),
    "GC-0004": ("建设工程规划条件核实", "natural_resources"),
    "GC-0006": ("不动产权证书（土地）首次登记", "natural_resources"),
    "GC-0007": ("地质灾害危险性评估备案", "natural_resources"),
    "GC-0008": ("建筑工程施工许可证核发", "construction"),
    "GC-0009": ("建设工程消防设计审查", "construction"),
    "GC-0010": ("特殊建设工程消防验收", "construction"),
    "GC-0011": ("建设工程消防验收备案", "construction"),
    "GC-0012": ("施工图设计文件审查备案", "construction"),
    "GC-0014": ("人防工程竣工验收备案", "construction"),
    "GC-0015": ("城建档案验收", "construction"),
    "GC-0016": ("建设工程质量安全监督手续办理", "construction"),
    "GC-0017": ("建设项目环境影响评价审批", "ecology"),
    "GC-0018": ("水土保持方案审批", "water"),
}
PROJECT_CODE = "2023-611100-48-03-000101"
SECOND_CODE = "2023-611100-47-03-000102"


@pytest.fixture(autouse=True)
def _in_a_covered_year():
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield


@pytest.fixture
def gc_items(org):
    for code, name in (("natural_resources", "自然资源和规划局"), ("construction", "行政审批服务局（工程建设）"),
                       ("ecology", "生态环境局"), ("water", "水务局")):
        department_ensure(code=code, name=name)
    for code, (name, department) in GC_ITEMS.items():
        item_create(code=code, spec=ItemSpec(
            name=name, category="construction", department=department, subject="entity", legal_limit_days=20,
            promised_limit_days=5, special_steps=["现场勘验"],
            materials=[MaterialSpec(name="申请表"), MaterialSpec(name="营业执照", shared_source="license",
                                                              data_item="business_license")]))


@pytest.fixture
def fd_agent(org):
    return factories.staff("fd_agent", center_code="fengdong", role=Role.AGENT, name="杨帆")


@pytest.fixture
def jh_agent(org):
    return factories.staff("jh_agent", center_code="jinghe", role=Role.AGENT, name="林涛")


@pytest.fixture
def classes(gc_items, leader):
    for code, name, investment, risk, rules in presets.CLASSES:
        services.project_class_create(actor=leader, code=code, name=name, investment_type=investment,
                                      risk_level=risk, rules=rules)


@pytest.fixture
def enterprise(leader):
    return services.enterprise_register(actor=leader, credit_code=factories.credit_code(7), name="西安沣东示范建设有限公司",
                                        legal_representative="张伟")


@pytest.fixture
def agreement(enterprise, leader, fd_agent):
    from datetime import date

    return services.agreement_sign(actor=leader, center_code="fengdong", credit_code=enterprise.credit_code,
                                   signed_on=date(2023, 2, 3), scope="重点项目全流程帮办代办",
                                   agent_username="fd_agent",
                                   contacts=[services.ContactInput(name="赵工", phone="13900000001", title="项目经理")])


@pytest.fixture
def register(classes, agreement, fd_agent, enterprise):
    def make(class_code="simple-low-risk", code=PROJECT_CODE, parcel_code=""):
        return services.project_register(actor=fd_agent, code=code, name="沣东科创园厂房", credit_code=enterprise.credit_code,
                                         center_code="fengdong", location="沣东新城科技路南段", class_code=class_code,
                                         parcel_code=parcel_code)
    return make


@pytest.fixture
def approve(fd_clerk, fd_approver):
    """Take a case through acceptance, review, approval and conclusion, as its departments would."""
    def run(case):
        case_services.case_accept(actor=fd_clerk, number=case.number)
        case_services.case_start_review(actor=fd_approver, number=case.number)
        case_services.case_approve(actor=fd_approver, number=case.number, note="准予许可")
        return case_services.case_conclude(actor=fd_approver, number=case.number)
    return run


def stage_cases(project, stage):
    row = project.stages.get(stage=stage)
    cases = [i.case for i in row.items.select_related("case") if i.case_id]
    cases += [a.case for a in row.acceptance_items.select_related("case") if a.case_id]
    return cases


@pytest.fixture
def finish_stage(fd_agent, approve):
    """File a stage, let its departments approve every item, and complete it."""
    from tongban.projects import stages

    def run(project, stage):
        stages.stage_start(actor=fd_agent, project_code=project.code, stage=stage)
        for case in stage_cases(project, stage):
            approve(case)
        if stage not in ("construction", "acceptance"):
            return stages.stage_complete(actor=fd_agent, project_code=project.code, stage=stage)
        return project.stages.get(stage=stage)
    return run


@pytest.fixture
def construction_seal(gc_items):
    from tongban.catalog.models import Department
    from tongban.signing import services as signing_services
    from tongban.signing.models import SealKind

    signing_services.ca_ensure()
    return signing_services.seal_create(department=Department.objects.get(code="construction"),
                                        code="CONSTRUCTION-LIC-01", kind=SealKind.LICENSE)
