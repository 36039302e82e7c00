"""Demo cases at 沣东 and 泾河 in various states, filed through the services (idempotent).

Everything happens "now" (the services use timezone.now()); items are chosen with short legal
limits so that due dates stay inside the years the holiday calendar covers. An act the
calendar cannot date (CalendarNotCovered) leaves that case where it was instead of failing.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from stdnum.cn import ric

from tongban.cases import extensions, ratings, services
from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import CaseEvent
from tongban.cases.services import MaterialInput
from tongban.catalog.selectors import item_get_current
from tongban.core.errors import CalendarNotCovered

DEMO_NOTE = "演示办件"

# item code, applicant name, birth date, center clerk, approver, steps after submission
PLAN = [
    ("GJJ-0001", "王小明", "19600312", "fd_clerk", "fd_approver", []),
    ("GJJ-0002", "李华", "19880521", "fd_clerk", "fd_approver", ["correction"]),
    ("SB-0001", "张敏", "19950707", "fd_clerk", "fd_approver", ["accept"]),
    ("GJJ-0028", "赵磊", "19900115", "fd_clerk", "fd_approver", ["accept", "review"]),
    ("YB-0008", "孙丽", "19720930", "fd_clerk", "fd_approver", ["accept", "review", "special"]),
    ("GJJ-0001", "周杰", "19580403", "fd_clerk", "fd_approver",
     ["accept", "review", "approve", "conclude", "deliver", "rate5"]),
    ("SB-0004", "吴芳", "19830812", "fd_clerk", "fd_approver", ["refuse"]),
    ("GJJ-0030", "郑强", "19860226", None, "fd_approver", []),  # applied online
    ("SB-0018", "冯雪", "19790618", "fd_clerk", "fd_approver", ["accept", "review", "extension"]),
    ("GJJ-0001", "陈刚", "19591111", "jh_clerk", "jh_approver", ["accept"]),
    ("CJ-0001", "褚云", "19921203", "jh_clerk", "jh_approver",
     ["accept", "review", "approve", "conclude", "rate2"]),
    ("SB-0001", "卫东", "20010509", "jh_clerk", "jh_approver", ["accept", "review", "deny", "conclude"]),
]


def _id_number(birth: str, seq: int) -> str:
    body = f"610402{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _materials(version, *, leave_out_first_plain: bool = False) -> list[MaterialInput]:
    result = []
    skipped = False
    for m in version.materials.all():
        if not m.required:
            continue
        if m.shared_source:
            result.append(MaterialInput(name=m.name, status="exempted", source=m.shared_source,
                                        exemption_reason=m.get_shared_source_display()))
        elif leave_out_first_plain and not skipped:
            skipped = True
        else:
            result.append(MaterialInput(name=m.name, status="received"))
    if leave_out_first_plain and not skipped and result:
        result.pop()  # every material is shared: leave the last one out
    return result


def load() -> str:
    if CaseEvent.objects.filter(action="submit", note=DEMO_NOTE).exists():
        return "demo cases already present"
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in={"fd_clerk", "fd_approver", "jh_clerk", "jh_approver", "leader"})}
    if len(users) < 5:
        return "demo staff missing: load the org demo first"
    filed = 0
    for seq, (code, name, birth, clerk, approver, steps) in enumerate(PLAN, start=1):
        version = item_get_current(code=code)
        if version is None:
            continue
        correction = "correction" in steps
        applicant = ApplicantInput(kind="person", name=name, id_number=_id_number(birth, seq),
                                   phone=f"1380013{seq:04d}")
        case = services.case_submit(
            actor=users.get(clerk) if clerk else None, item_code=code, applicant=applicant,
            materials=_materials(version, leave_out_first_plain=correction),
            channel="window" if clerk else "online", center_code=None if clerk else "fengdong", note=DEMO_NOTE)
        filed += 1
        _advance(case.number, steps, version, clerk=users.get(clerk or "fd_clerk"), approver=users[approver])
    return f"{filed} demo cases filed"


def _advance(number: str, steps: list[str], version, *, clerk, approver) -> None:
    acts = {
        "correction": lambda: services.case_request_correction(
            actor=clerk, number=number, missing=[_first_plain(version)], note="请补交原件扫描件"),
        "accept": lambda: services.case_accept(actor=clerk, number=number),
        "refuse": lambda: services.case_refuse(actor=clerk, number=number, reason="申请事项不属于本机关职权范围"),
        "review": lambda: services.case_start_review(actor=approver, number=number),
        "special": lambda: services.case_start_special_procedure(
            actor=approver, number=number, reason=(version.special_steps or ["专家评审"])[0]),
        "approve": lambda: services.case_approve(actor=approver, number=number, note="符合条件，准予办理"),
        "deny": lambda: services.case_deny(actor=approver, number=number, reason="不符合申领条件"),
        "conclude": lambda: services.case_conclude(actor=approver, number=number),
        "deliver": lambda: services.case_deliver(actor=clerk, number=number, method="pickup"),
        "extension": lambda: extensions.extension_request(actor=approver, number=number, days=5,
                                                          reason="需补充核查缴费记录"),
        "rate5": lambda: _rate(number, 5, "办事很快，窗口人员很耐心", clerk),
        "rate2": lambda: _rate(number, 2, "排队时间太长", clerk),
    }
    for step in steps:
        try:
            acts[step]()
        except CalendarNotCovered:
            return


def _first_plain(version) -> str:
    plain = [m.name for m in version.materials.all() if m.required and not m.shared_source]
    return (plain or [m.name for m in version.materials.all() if m.required])[0]


def _rate(number: str, score: int, text: str, clerk) -> None:
    from tongban.cases.selectors import case_get_for_staff

    case = case_get_for_staff(user=clerk, number=number)
    ratings.rating_submit(case=case, score=score, text=text, channel="window", actor=clerk)
