"""Demo of 帮办代办 and 极简极速 approval (idempotent): the four project classes, 22 enterprises under
agreement with the five new-city centers (signed 3 February 2023), land parcels with their
regional pre-assessments, and projects in every stage, moved along through the services.

Acts happen "now" (the services date them today); the stages are then laid back over the past
weeks (_spread_stage_dates) so the pages show realistic stage times. A due date that falls in a
year the holiday calendar does not cover is left unknown and shown so.
An act the calendar cannot date (CalendarNotCovered) leaves that project where it was.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from stdnum.cn import uscc

from tongban.cases import services as case_services
from tongban.catalog.selectors import item_get_current
from tongban.core import calendar
from tongban.core.errors import CalendarNotCovered
from tongban.projects import presets, services, stages
from tongban.projects.models import (
    Agreement,
    Enterprise,
    JointAcceptance,
    LandParcel,
    Project,
    ProjectClass,
    StageState,
)
from tongban.projects.services import AssessmentInput, ContactInput

SIGNED_ON = date(2023, 2, 3)
CENTERS = {  # center -> (agent, clerk, approver, number of agreements); 5+5+4+4+4 = 22
    "fengdong": ("fd_agent", "fd_clerk", "fd_approver", 5),
    "fengxi": ("fx_agent", "fx_clerk", "fx_approver", 5),
    "qinhan": ("qh_agent", "qh_clerk", "qh_approver", 4),
    "konggang": ("kg_agent", "kg_clerk", "kg_approver", 4),
    "jinghe": ("jh_agent", "jh_clerk", "jh_approver", 4),
}
PREFIX = {"fengdong": "沣东", "fengxi": "沣西", "qinhan": "秦汉", "konggang": "空港", "jinghe": "泾河"}
TRADES = ["科创产业园", "数据中心", "智能制造", "新材料", "生物医药"]
LEGAL = ["张伟", "王芳", "李强", "刘洋", "陈杰"]

PARCELS = [
    ("FD-2023-07", "沣东新城科技路南段", "26800", "fengdong", ["geological_hazard", "soil_water", "cultural_relics"]),
    ("FX-2023-03", "沣西新城康定路以北", "41250", "fengxi", ["geological_hazard", "environmental_impact"]),
    ("QH-2023-11", "秦汉新城兰池大道东段", "35600", "qinhan", ["geological_hazard", "mineral_overlay"]),
    ("KG-2023-02", "空港新城自贸大道西侧", "52000", "konggang", ["soil_water"]),
]
CONCLUSIONS = {
    "geological_hazard": "地质灾害危险性小，适宜建设", "soil_water": "区域水土保持方案已批复",
    "cultural_relics": "未发现地下文物遗存", "environmental_impact": "区域环评已通过审查",
    "mineral_overlay": "未压覆重要矿产资源",
}

# code, name, center, enterprise index within the center, class, parcel, how far to take it
PROJECTS = [
    ("2023-611100-48-03-000101", "沣东科创产业园一期厂房", "fengdong", 0, "simple-low-risk", "FD-2023-07", "done"),
    ("2023-611100-48-03-000102", "沣东数据中心配套仓库", "fengdong", 1, "simple-low-risk", "", "registered"),
    ("2023-611100-48-03-000201", "沣西智能制造产业基地", "fengxi", 0, "social-ordinary", "FX-2023-03", "acceptance"),
    ("2023-611100-48-02-000301", "秦汉新材料研发中心", "qinhan", 0, "social-ordinary", "QH-2023-11", "construction"),
    ("2023-611100-48-01-000401", "空港物流园道路工程", "konggang", 0, "government", "KG-2023-02", "engineering"),
    ("2023-611100-48-02-000501", "泾河生物医药产业园", "jinghe", 0, "major", "", "approval"),
]
STEPS = ["approval", "engineering", "construction", "acceptance", "done"]


def credit_code(center_index: int, n: int) -> str:
    body = f"91611100MA6X{center_index:02d}{n:03d}"
    return body + uscc.calc_check_digit(body)


def _users(*names):
    return services.users_by_name(*names)


def _decide(case, clerk, approver) -> None:
    case_services.case_accept(actor=clerk, number=case.number)
    case_services.case_start_review(actor=approver, number=case.number)
    case_services.case_approve(actor=approver, number=case.number, note="符合条件，准予许可")
    case_services.case_conclude(actor=approver, number=case.number)


def _stage_cases(project, stage):
    row = project.stages.get(stage=stage)
    return ([i.case for i in row.items.select_related("case") if i.case_id]
            + [a.case for a in row.acceptance_items.select_related("case") if a.case_id])


def _advance(project, target: str, agent, clerk, approver) -> None:
    """Move a project through the stages up to `target` (that stage left running)."""
    for stage in STEPS[:STEPS.index(target) + 1]:
        if stage == "done":
            return
        stages.stage_start(actor=agent, project_code=project.code, stage=stage, note="帮办代办")
        if stage == target:
            _part_way(project, stage, agent, clerk, approver)
            return
        for case in _stage_cases(project, stage):
            _decide(case, clerk, approver)
        if stage == "construction":
            part = stages.permit_part_request(actor=agent, project_code=project.code, scope="全部工程", is_final=True)
            _decide(part.case, clerk, approver)
            stages.permit_part_issue(actor=approver, project_code=project.code, sequence=1)
            stages.stage_complete(actor=agent, project_code=project.code, stage=stage)
        elif stage == "acceptance":
            for item in project.stages.get(stage=stage).acceptance_items.all():
                stages.acceptance_record(actor=approver, project_code=project.code, kind=item.kind, passed=True,
                                         note="分项验收合格")
            stages.joint_acceptance_record(actor=agent, project_code=project.code, participants="规划、消防、城建档案",
                                           conclusion="各分项验收合格，同意通过联合验收")
        else:
            stages.stage_complete(actor=agent, project_code=project.code, stage=stage)


def _part_way(project, stage, agent, clerk, approver) -> None:
    """Leave the running stage visibly half-done: some items decided, some still with departments."""
    cases = _stage_cases(project, stage)
    for case in cases[: len(cases) // 2]:
        _decide(case, clerk, approver)
    if stage == "construction":
        for case in cases:
            if case.state == "submitted":
                _decide(case, clerk, approver)
        part = stages.permit_part_request(actor=agent, project_code=project.code, scope="基坑及基础工程",
                                          is_final=False)
        _decide(part.case, clerk, approver)
        stages.permit_part_issue(actor=approver, project_code=project.code, sequence=1)
        stages.permit_part_request(actor=agent, project_code=project.code, scope="主体结构工程", is_final=True)
    if stage == "acceptance":
        stages.acceptance_record(actor=approver, project_code=project.code, kind="archives", passed=False,
                                 note="竣工图缺设计单位签章，请补正")


def load() -> str:
    if item_get_current(code="GC-0008") is None:
        return "catalog demo missing: load it first"
    names = ["leader"] + [n for row in CENTERS.values() for n in row[:3]]
    users = _users(*names)
    if len(users) < len(names):
        return "demo staff missing: load the org demo first"
    leader = users["leader"]
    _ensure_seal()
    for code, name, investment, risk, rules in presets.CLASSES:
        if not ProjectClass.objects.filter(code=code).exists():
            services.project_class_create(actor=leader, code=code, name=name, investment_type=investment,
                                          risk_level=risk, rules=rules)
    for code, location, area, center, kinds in PARCELS:
        if not LandParcel.objects.filter(code=code).exists():
            services.parcel_register(actor=leader, code=code, location=location, area_m2=area, center_code=center,
                                     assessments=[AssessmentInput(kind=k, conclusion=CONCLUSIONS[k],
                                                                  completed_on=date(2022, 12, 1),
                                                                  reference=f"西咸区评〔2022〕{i + 11}号")
                                                  for i, k in enumerate(kinds)])
    signed = 0
    for ci, (center, (agent, _clerk, _approver, count)) in enumerate(CENTERS.items(), start=1):
        for n in range(count):
            cc = credit_code(ci, n)
            if not Enterprise.objects.filter(credit_code=cc).exists():
                services.enterprise_register(actor=leader, credit_code=cc,
                                             name=f"陕西{PREFIX[center]}{TRADES[n % len(TRADES)]}建设有限公司",
                                             legal_representative=LEGAL[n % len(LEGAL)])
            if not Agreement.objects.filter(center__code=center, enterprise__credit_code=cc).exists():
                services.agreement_sign(
                    actor=leader, center_code=center, credit_code=cc, signed_on=SIGNED_ON,
                    scope="重点项目立项用地规划许可、工程建设许可、施工许可、竣工验收全流程帮办代办",
                    agent_username=agent,
                    contacts=[ContactInput(name=f"{LEGAL[(n + 2) % len(LEGAL)][0]}经理", title="项目经理",
                                           phone=f"139{ci:02d}{n:06d}")])
                signed += 1
    moved, stuck = 0, []
    for code, name, center, n, class_code, parcel, target in PROJECTS:
        if Project.objects.filter(code=code).exists():
            continue
        agent_name, clerk, approver = CENTERS[center][:3]
        agent = users[agent_name]
        project = services.project_register(
            actor=agent, code=code, name=name, credit_code=credit_code(list(CENTERS).index(center) + 1, n),
            center_code=center, location=f"{PREFIX[center]}新城", class_code=class_code, parcel_code=parcel)
        if target != "registered":
            try:
                _advance(project, target, agent, users[clerk], users[approver])
            except CalendarNotCovered:
                stuck.append(code)
            _spread_stage_dates(project)
        moved += 1
    summary = (f"{Agreement.objects.count()} agreements ({signed} new), {Project.objects.count()} projects "
               f"({moved} new)")
    return summary + (f"; left where the calendar ends: {', '.join(stuck)}" if stuck else "")


# The share of each stage's target working days the demo projects took (the running stage: half
# of that so far), so that the pages show stage times the way a real year would.
DEMO_PACE = {"approval": 0.75, "engineering": 0.9, "construction": 1.0, "acceptance": 0.8}


def _working_days_before(day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_working_day(day)
    return day


def _spread_stage_dates(project) -> None:
    """The demo builds a project in one sitting, which would make every stage read 0 working
    days. Lay its stages back over the past weeks at DEMO_PACE instead, ending today, each
    stage starting the working day after the previous one ended (the item cases inside keep
    the dates they were really handled on)."""
    rows = [r for r in project.stages.all() if r.started_on]
    end = timezone.localdate()
    for row in sorted(rows, key=lambda r: STEPS.index(r.stage), reverse=True):
        used = max(1, round(row.target_days * DEMO_PACE[row.stage]))
        if row.state == StageState.COMPLETED:
            row.started_on = _working_days_before(end, used)
            row.completed_on = end
            row.working_days = calendar.working_days_between(row.started_on, row.completed_on)
        else:
            row.started_on = _working_days_before(end, max(1, used // 2))
        row.due_on = stages._due(row.started_on, row.target_days)
        row.save(update_fields=["started_on", "completed_on", "working_days", "due_on"])
        if row.stage == "acceptance" and row.completed_on:
            JointAcceptance.objects.filter(project=project).update(recorded_on=row.completed_on)
        end = _working_days_before(row.started_on, 1)


def _ensure_seal() -> None:
    from tongban.catalog.models import Department
    from tongban.signing import demo as signing_demo
    from tongban.signing import selectors as signing_selectors
    from tongban.signing import services as signing_services
    from tongban.signing.models import SealKind

    signing_demo.load()
    if signing_selectors.seal_get(code="CONSTRUCTION-LIC-01") is None:
        signing_services.seal_create(department=Department.objects.get(code="construction"),
                                     code="CONSTRUCTION-LIC-01", kind=SealKind.LICENSE)
