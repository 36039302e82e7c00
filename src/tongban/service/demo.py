"""Demo service records of the mission year, written through the services at 2023 instants:
the Spring Festival plan (21-27 Jan 2023) with its roster, 59 holiday-window cases and 188 phone
consultations; the July publicity month and a year of 五进五送 outreach whose counted outputs add
up to the seed's figures; the monthly lecture series; 12345 orders; a morning of the queue."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from stdnum.cn import ric

from tongban.cases import services as case_services
from tongban.cases.applicants import ApplicantInput
from tongban.cases.services import MaterialInput
from tongban.catalog.models import Subject
from tongban.catalog.selectors import item_get_current
from tongban.org.models import Role, StaffProfile, Window
from tongban.org.services import staff_create
from tongban.service import duty, queueing, services
from tongban.service.duty import plan_days
from tongban.service.models import HolidayPlan

PLAN_NAME = "2023年春节“不打烊”服务"
FESTIVAL = (date(2023, 1, 21), date(2023, 1, 27))
HOLIDAY_CASES = 59
PHONE_CONSULTATIONS = 188
# the July publicity month, as the seed reports it
PUBLICITY = {"media_reports": 1312, "ads_videos": 156, "enterprise_visits": 230, "leaflets": 1586}
# center -> (open window numbers, extra duty clerks to create)
HOLIDAY_WINDOWS = {"fengdong": (["A01", "B01", "C01", "D01"], 4), "fengxi": (["C01", "D01"], 3)}
PREFIX = {"fengdong": "fd", "fengxi": "fx"}
APPROVERS = {"fengdong": "fd_approver", "fengxi": "fx_approver"}
QUESTIONS = [
    ("guide", "春节期间公积金能否提取？", "可以，公积金窗口春节期间正常开放，携带身份证即可办理。"),
    ("materials", "社保卡补领需要什么材料？", "本人身份证即可，现场制卡。"),
    ("guide", "节日期间能办营业执照吗？", "可以，商事登记窗口值班受理，也可网上申请。"),
    ("progress", "节前提交的申请办到哪一步了？", "已受理，节后第一个工作日起计算办理时限。"),
    ("policy", "小规模纳税人有什么减免政策？", "按现行政策享受增值税减免，可到税务窗口咨询办理。"),
]
FIVE_INTO = ["agencies", "enterprises_schools", "projects", "grassroots", "business_districts"]
LECTURE_TOPICS = ["《行政许可法》与审批时限", "“一证通办”业务规范", "跨区通办受理要点", "电子证照与电子印章应用",
                  "工程建设项目分段许可", "政务服务礼仪与沟通", "12345热线诉求办理", "个人信息保护与数据安全",
                  "企业开办全流程", "社保医保经办新规", "帮办代办服务规范", "年度工作总结与经验交流"]


@contextmanager
def at(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))


def _id_number(n: int) -> str:
    body = f"610402{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def load() -> str:
    if HolidayPlan.objects.filter(name=PLAN_NAME).exists():
        return "demo service records already present"
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["leader", "xx_admin", "fd_admin", *APPROVERS.values()])}
    if len(users) < 5:
        return "demo staff missing: load the org demo first"
    if item_get_current(code="GJJ-0001") is None:
        return "demo catalog missing: load the catalog demo first"
    admin = users["xx_admin"]
    plan = _plan(admin)
    cases = _holiday_cases(plan, users)
    consultations = _phone_consultations(plan)
    events = _outreach(admin)
    lectures = _lectures(admin)
    _hotline(users["fd_admin"])
    _queue_morning()
    return (f"Spring Festival plan with {plan.shifts.count()} shifts, {cases} holiday cases, {consultations} phone "
            f"consultations, {events} outreach events, {lectures} lectures")


def _plan(admin) -> HolidayPlan:
    from tongban.org.demo import DEMO_PASSWORD

    windows = []
    for center, (numbers, extra) in HOLIDAY_WINDOWS.items():
        for i in range(1, extra + 1):
            username = f"{PREFIX[center]}_duty{i}"
            if not StaffProfile.objects.filter(user__username=username).exists():
                staff_create(username=username, password=DEMO_PASSWORD, display_name=f"值班员{PREFIX[center]}{i}",
                             center_code=center, role=Role.CLERK,
                             window=Window.objects.get(hall__center__code=center, number=numbers[i % len(numbers)]))
        windows += list(Window.objects.filter(hall__center__code=center, number__in=numbers))
    with at(local(date(2023, 1, 10), 10)):
        plan = duty.holiday_plan_create(actor=admin, name=PLAN_NAME, holiday="春节", starts_on=FESTIVAL[0],
                                        ends_on=FESTIVAL[1], window_ids=[w.id for w in windows],
                                        note="高频事项窗口节日期间正常开放，电话咨询24小时有人接听")
        days = plan_days(plan)
        staff = StaffProfile.objects.filter(center__code__in=HOLIDAY_WINDOWS, role__in=duty.QUALIFIED_ROLES)
        for n, s in enumerate(staff.order_by("id")):
            # everyone can do most days; each person asks for one day off with family
            duty.availability_set(actor=admin, plan_id=plan.id, staff_id=s.id,
                                  days=[d for i, d in enumerate(days) if i != n % len(days)])
        duty.roster_generate(actor=admin, plan_id=plan.id)
    return plan


def _holiday_cases(plan: HolidayPlan, users) -> int:
    shifts = list(plan.shifts.select_related("staff__user", "window__hall__center").order_by("day", "id"))
    items = {pw.window_id: [i.code for i in pw.items.order_by("code")
                            if (v := item_get_current(code=i.code)) and v.subject != Subject.ENTITY]
             for pw in plan.windows.all()}
    filed = 0
    for n in range(HOLIDAY_CASES):
        shift = shifts[n % len(shifts)]
        codes = items[shift.window_id]
        version = item_get_current(code=codes[n % len(codes)])
        clerk, approver = shift.staff.user, users[APPROVERS[shift.window.hall.center.code]]
        materials = [MaterialInput(name=m.name, status="exempted", source=m.shared_source, exemption_reason="共享数据")
                     if m.shared_source else MaterialInput(name=m.name)
                     for m in version.materials.all() if m.required]
        start = local(shift.day, 9, 10 + (n * 7) % 40)
        with at(start):
            case = case_services.case_submit(
                actor=clerk, item_code=version.item.code, channel="holiday_window", note="春节“不打烊”",
                applicant=ApplicantInput(kind="person", name=f"节日办事群众{n + 1}", id_number=_id_number(n)),
                materials=materials)
        steps = [(case_services.case_accept, clerk), (case_services.case_start_review, approver),
                 (case_services.case_approve, approver), (case_services.case_conclude, approver)]
        for minutes, (act, actor) in enumerate(steps, start=1):
            with at(start + timedelta(minutes=5 * minutes)):
                act(actor=actor, number=case.number)
        filed += 1
    return filed


def _phone_consultations(plan: HolidayPlan) -> int:
    shifts = list(plan.shifts.select_related("staff__user").order_by("day", "id"))
    for n in range(PHONE_CONSULTATIONS):
        shift = shifts[n % len(shifts)]
        category, question, answer = QUESTIONS[n % len(QUESTIONS)]
        with at(local(shift.day, 9 + n % 8, (n * 13) % 60)):
            services.consultation_record(actor=shift.staff.user, channel="phone", category=category,
                                         question=question, answer=answer, duration_seconds=60 + (n * 37) % 420,
                                         follow_up_needed=category == "progress")
    return PHONE_CONSULTATIONS


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _outreach(admin) -> int:
    events = 0
    publicity_days = [date(2023, 7, d) for d in (3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)]
    shares = {k: _split(v, len(publicity_days)) for k, v in PUBLICITY.items()}
    for i, day in enumerate(publicity_days):
        with at(local(day, 18)):
            services.outreach_event_record(actor=admin, data=services.OutreachInput(
                kind="publicity", target=FIVE_INTO[i % 5] if i % 3 else "public", campaign="2023营商环境宣传月",
                title=f"营商环境宣传月第{i + 1}场活动", place=["沣东新城", "沣西新城", "秦汉新城", "空港新城", "泾河新城"][i % 5],
                starts_on=day, staff_usernames=["xx_admin"], sends=["guides", "policies"],
                outputs={k: shares[k][i] for k in PUBLICITY} | {"policies_delivered": 20 + i}))
        events += 1
    for month in (m for m in range(1, 13) if m != 7):  # the publicity month has its own records
        for j in range(2):
            day = date(2023, month, 8 + 10 * j)
            with at(local(day, 18)):
                services.outreach_event_record(actor=admin, data=services.OutreachInput(
                    kind="five_into", target=FIVE_INTO[(month + j) % 5], campaign="五进五送",
                    title=f"“五进五送”{month}月第{j + 1}次", place="西咸新区", starts_on=day,
                    staff_usernames=["xx_admin", "fd_admin"], sends=["guides", "policies", "services"],
                    outputs={"enterprise_visits": 3 + j, "leaflets": 40 + 5 * j, "policies_delivered": 12}))
            events += 1
    return events


def _lectures(admin) -> int:
    staff = list(get_user_model().objects.filter(staff__isnull=False).order_by("id").values_list("username", flat=True))
    for n, topic in enumerate(LECTURE_TOPICS, start=1):
        day = date(2023, n, 25)
        with at(local(day, 15)):
            lecture = services.lecture_create(actor=admin, series="行政审批服务讲堂", number=n, held_on=day,
                                              topic=topic, speaker=["赵主任", "王局长", "陈静", "李娜"][n % 4],
                                              place="西咸新区政务服务中心三楼会议室")
            services.lecture_attendance_record(actor=admin, lecture_id=lecture.id,
                                               usernames=staff[n % 3:: 2][:15])
    return len(LECTURE_TOPICS)


def _hotline(fd_admin) -> None:
    for n in range(1, 11):
        received = local(date(2023, n, 9), 10)
        with at(received):
            services.hotline_order_receive(actor=fd_admin, number=f"12345-2023-{n:05d}", category="guide",
                                           content="来电咨询企业开办流程及所需材料", response_days=3)
        with at(received + timedelta(days=1 if n % 5 else 7)):
            services.hotline_order_answer(actor=fd_admin, number=f"12345-2023-{n:05d}",
                                          answer="已电话回复，告知网上办理路径和材料清单")


def _queue_morning() -> None:
    clerk = get_user_model().objects.get(username="fd_clerk")
    window = clerk.staff.window
    day = date(2023, 6, 5)
    with at(local(date(2023, 6, 1), 11)):
        booked = [queueing.appointment_book(center_code="fengdong", item_code="SS-0023", day=day, slot="09:00",
                                            name=f"预约群众{i}", phone=f"1390000{i:04d}") for i in range(3)]
    for i in range(6):
        with at(local(day, 8, 50 + i)):
            queueing.ticket_issue(center_code="fengdong", category="business_registration")
    for i, appointment in enumerate(booked):
        with at(local(day, 8, 57 + i)):
            queueing.appointment_check_in(code=appointment.code)
    for i in range(9):
        with at(local(day, 9, 5) + timedelta(minutes=8 * i)):
            queueing.ticket_call_next(actor=clerk, window_id=window.id)
