"""Demo policy data of the mission year: the 8 March 2023 meeting's 102 measures and 228
"small-cut" reform tasks, enterprise records, three subsidy programmes, one paid by application
(filed as cases) and one by a no-application run, all through the services at 2023 instants."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from tongban.catalog.models import Item
from tongban.catalog.services import ItemSpec, MaterialSpec, department_ensure, item_create
from tongban.policy import payouts, services
from tongban.policy.models import PolicyDocument
from tongban.policy.services import EnterpriseInput, MeasureInput, MilestoneInput

DOCUMENT = "xixian-2023-102"
MEETING = date(2023, 3, 8)
SUBSIDY_ITEM = "QYTZ-JB01"
CENTERS = ["fengdong", "fengxi", "qinhan", "konggang", "jinghe"]
DEPARTMENTS = {"market": "西咸新区行政审批服务局（市场准入）", "tax": "国家税务总局西咸新区税务局",
               "development": "西咸新区发展改革部门", "commerce": "西咸新区商务部门",
               "hrss": "西咸新区人力资源和社会保障局", "natural_resources": "西咸新区自然资源和规划局",
               "construction": "西咸新区行政审批服务局（工程建设）"}
# (department, industry tag, size tags, what the measure does)
THEMES = [
    ("development", "C", ["small", "medium", "large"], "对新认定的高新技术企业给予一次性奖励"),
    ("tax", "", ["small", "medium", "large"], "对年纳税额首次突破一定规模的企业给予贡献奖励"),
    ("hrss", "", ["small", "micro"], "对吸纳高校毕业生就业的小微企业给予社会保险补贴"),
    ("market", "", ["micro", "small"], "企业开办全程网办，一个工作日内办结"),
    ("construction", "E", ["medium", "large"], "社会投资小型低风险项目实行告知承诺制审批"),
    ("natural_resources", "E", ["large"], "推行用地清单制，土地出让前完成区域评估"),
    ("commerce", "F", ["small", "medium"], "支持外贸企业开拓国际市场，给予展会费用补助"),
    ("development", "I", ["small", "medium"], "对软件和信息技术服务企业给予研发投入补助"),
    ("tax", "", ["micro", "small"], "小规模纳税人增值税减免政策应享尽享"),
    ("hrss", "", ["small", "medium", "large"], "对稳岗成效明显的企业返还失业保险费"),
    ("market", "", ["micro", "small", "medium"], "推行经营范围规范化登记和一照多址改革"),
    ("commerce", "G", ["medium", "large"], "对新落地的区域性物流总部给予落户奖励"),
    ("construction", "E", ["medium", "large"], "施工图审查与消防设计审查合并办理"),
    ("development", "M", ["small", "medium"], "对新建省级以上研发平台给予建设补助"),
    ("natural_resources", "", ["medium", "large"], "工业用地弹性年期出让和先租后让"),
    ("tax", "", ["small", "medium", "large"], "出口退税全程无纸化，平均办理时间压缩至3个工作日"),
    ("commerce", "", ["micro", "small"], "对个体工商户转型为企业给予一次性补助"),
]
VARIANTS = ["", "（实施细则）", "（配套措施）", "（操作指引）", "（服务保障）", "（考核评价）"]
TASK_VERBS = ["压减", "优化", "推行", "试点", "上线", "规范"]
TASK_OBJECTS = ["企业开办环节", "不动产登记流程", "水电气报装时限", "工程建设项目审批材料", "纳税缴费流程",
                "社保医保经办事项", "公积金提取材料", "跨区通办事项清单", "帮办代办服务", "电子证照应用场景",
                "“一件事一次办”主题", "政务服务中心窗口设置"]

# name, industry, capital, tax, employees, center, established, high-tech
ENTERPRISES = [
    ("陕西沣东智造科技有限公司", "C39", 50_000_000, 2_600_000, 420, "fengdong", date(2012, 5, 18), True),
    ("西咸新区秦汉新材料有限公司", "C30", 20_000_000, 900_000, 160, "qinhan", date(2016, 9, 2), True),
    ("空港国际物流有限公司", "G59", 80_000_000, 3_400_000, 610, "konggang", date(2010, 3, 9), False),
    ("沣西云数据服务有限公司", "I65", 10_000_000, 650_000, 95, "fengxi", date(2018, 7, 21), True),
    ("泾河精密机械有限公司", "C34", 15_000_000, 520_000, 130, "jinghe", date(2014, 11, 5), False),
    ("沣东软件园运营有限公司", "I64", 5_000_000, 210_000, 48, "fengdong", date(2019, 4, 12), True),
    ("秦汉文旅发展有限公司", "R90", 30_000_000, 380_000, 75, "qinhan", date(2017, 8, 30), False),
    ("西咸生物医药有限公司", "C27", 60_000_000, 1_800_000, 260, "fengxi", date(2013, 6, 6), True),
    ("空港跨境电商有限公司", "F52", 3_000_000, 120_000, 33, "konggang", date(2021, 1, 15), False),
    ("泾河绿色食品有限公司", "C14", 8_000_000, 310_000, 140, "jinghe", date(2011, 10, 10), False),
    ("沣西检测认证有限公司", "M74", 2_000_000, 95_000, 26, "fengxi", date(2020, 9, 9), True),
    ("秦汉建筑工程有限公司", "E47", 100_000_000, 4_100_000, 880, "qinhan", date(2008, 2, 28), False),
]


def credit_code(n: int) -> str:
    body = f"91611100MA6T{n:05d}"
    return body + uscc.calc_check_digit(body)


@contextmanager
def at(moment: str):
    local = datetime.fromisoformat(moment).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    with mock.patch("django.utils.timezone.now", return_value=local.astimezone(UTC)):
        yield


def load() -> str:
    if PolicyDocument.objects.filter(code=DOCUMENT).exists():
        return "demo policy data already present"
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["leader", "xx_admin", "fd_approver", "fd_clerk"])}
    if len(users) < 4:
        return "demo staff missing: load the org demo first"
    leader, approver, clerk = users["leader"], users["fd_approver"], users["fd_clerk"]
    for code, name in DEPARTMENTS.items():
        department_ensure(code=code, name=name)
    with at("2023-03-01 09:00"):
        for i, (name, industry, capital, tax, staff, center, founded, high_tech) in enumerate(ENTERPRISES, 1):
            services.enterprise_upsert(actor=leader, data=EnterpriseInput(
                credit_code=credit_code(i), name=name, legal_representative=f"{name[:2]}法人{i}",
                registered_capital=capital, industry_code=industry, tax_paid_last_year=tax, employees=staff,
                location=center, established_on=founded, high_tech=high_tech))
    with at("2023-03-08 10:00"):
        _publish(leader)
        _tasks(leader)
        _subsidy_item()
        _programmes(leader)
    _task_progress(clerk)
    paid = _application_payouts(approver, leader)
    matched = _no_application_payouts(approver, leader)
    return f"102 measures, 228 reform tasks, 3 programmes; {paid} paid on application, {matched} without application"


def _publish(leader) -> None:
    measures = []
    for n in range(1, 103):
        department, industry, sizes, text = THEMES[(n - 1) % len(THEMES)]
        variant = VARIANTS[(n - 1) // len(THEMES)]
        measures.append(MeasureInput(
            number=n, text=f"{text}{variant}", department=department, valid_from=MEETING,
            valid_until=date(2025, 12, 31) if n % 3 else None, industries=[industry] if industry else [],
            sizes=sizes, locations=[CENTERS[n % 5]] if n % 4 == 0 else []))
    services.document_publish(actor=leader, code=DOCUMENT, title="西咸新区持续优化营商环境若干措施（102条）",
                              issuer="西咸新区管理委员会", issued_on=MEETING, measures=measures,
                              summary="2023年3月8日优化营商环境大会发布")


def _tasks(leader) -> None:
    departments = list(DEPARTMENTS)
    for n in range(1, 229):
        deadline = MEETING + timedelta(days=40 + (n * 7) % 260)
        title = f"{TASK_VERBS[n % len(TASK_VERBS)]}{TASK_OBJECTS[n % len(TASK_OBJECTS)]}（第{n}项）"
        services.reform_task_create(
            actor=leader, number=f"WGG-{n:03d}", title=title, department=departments[n % len(departments)],
            published_on=MEETING, deadline=deadline,
            milestones=[MilestoneInput("制定方案", MEETING + timedelta(days=30)),
                        MilestoneInput("完成改革", deadline)])


def _task_progress(clerk) -> None:
    """Most tasks finish by their deadline; every 19th is late, every 31st still open."""
    for n in range(1, 229):
        if n % 31 == 0:
            continue
        number = f"WGG-{n:03d}"
        deadline = MEETING + timedelta(days=40 + (n * 7) % 260)
        with at("2023-04-06 16:00"):
            services.reform_task_report(actor=clerk, number=number, text="已制定改革方案并报审", progress=30,
                                        milestones_done=[1])
        done = deadline + timedelta(days=6) if n % 19 == 0 else deadline - timedelta(days=3)
        with at(f"{done.isoformat()} 16:00"):
            services.reform_task_report(actor=clerk, number=number, text="改革举措已落地，形成制度文件",
                                        progress=100)


def _subsidy_item() -> None:
    if Item.objects.filter(code=SUBSIDY_ITEM).exists():
        return
    item_create(code=SUBSIDY_ITEM, spec=ItemSpec(
        name="惠企政策奖补资金申请", category="enterprise_investment", department="commerce", subject="entity",
        legal_limit_days=20, promised_limit_days=10, channels=("window", "online"),
        materials=[MaterialSpec(name="奖补资金申请表"), MaterialSpec(name="营业执照", shared_source="license",
                                                                   data_item="business_license")]))


def _programmes(leader) -> None:
    common = {"document_code": DOCUMENT, "period": "2023", "opens_on": MEETING, "closes_on": date(2023, 12, 31)}
    payouts.programme_create(actor=leader, data=payouts.ProgrammeInput(
        code="tax-contribution-2023", name="2023年度纳税贡献奖励", measure_number=2, item_code=SUBSIDY_ITEM,
        eligibility={"all": [{"attr": "tax_paid_last_year", "op": ">=", "value": "500000"},
                             {"attr": "years_in_operation", "op": ">=", "value": 3}]},
        amount_rule={"kind": "percentage", "of": "tax_paid_last_year", "rate": "0.03", "cap": "100000"},
        budget="500000", **common))
    payouts.programme_create(actor=leader, data=payouts.ProgrammeInput(
        code="high-tech-2023", name="2023年度高新技术企业认定奖励（免申即享）", measure_number=1,
        no_application=True, eligibility={"attr": "high_tech", "op": "==", "value": True},
        amount_rule={"kind": "tiers", "of": "employees",
                     "tiers": [{"min": 0, "amount": "50000"}, {"min": 100, "amount": "100000"}]},
        budget="800000", **common))
    payouts.programme_create(actor=leader, data=payouts.ProgrammeInput(
        code="jobs-2023", name="2023年度小微企业吸纳就业补贴", measure_number=3, item_code=SUBSIDY_ITEM,
        eligibility={"all": [{"attr": "employees", "op": "<", "value": 100},
                             {"any": [{"attr": "location", "op": "in", "value": ["fengxi", "konggang"]},
                                      {"attr": "industry_code", "op": "startswith", "value": "I"}]}]},
        amount_rule={"kind": "fixed", "amount": "20000"}, budget="200000", **common))


def _application_payouts(approver, leader) -> int:
    claims = []
    with at("2023-04-10 10:00"):
        for i in (1, 3, 5):  # three enterprises apply online, each filed as a case
            name, *_rest = ENTERPRISES[i - 1]
            claims.append(payouts.claim_apply(actor=None, programme_code="tax-contribution-2023",
                                              credit_code=credit_code(i), legal_representative=f"{name[:2]}法人{i}"))
    with at("2023-04-11 15:00"):
        for claim in claims:
            payouts.claim_review(actor=approver, claim_id=claim.id, note="经审核符合条件")
    with at("2023-04-20 10:00"):
        return len(payouts.programme_pay_due(actor=leader, programme_code="tax-contribution-2023").paid)


def _no_application_payouts(approver, leader) -> int:
    with at("2023-05-08 09:00"):
        run = payouts.programme_match_run(actor=approver, programme_code="high-tech-2023")
    with at("2023-05-09 14:00"):
        for claim in run.claims:
            payouts.claim_confirm(token=run.tokens[claim.id])
    with at("2023-05-10 10:00"):
        for claim in run.claims:
            payouts.claim_review(actor=approver, claim_id=claim.id)
    with at("2023-05-18 10:00"):
        return len(payouts.programme_pay_due(actor=leader, programme_code="high-tech-2023").paid)
