"""Holiday plans: open windows offer the catalog's holiday items; the roster is complete, fair
and books nobody twice; a case received on the holiday starts its clock on the next working day."""

from collections import Counter
from datetime import date

import pytest
import time_machine

from tests import factories
from tongban.cases.applicants import ApplicantInput
from tongban.cases.services import MaterialInput, case_accept, case_submit
from tongban.core.errors import Conflict, Forbidden, InvalidInput
from tongban.service import duty
from tongban.service.duty import plan_days

from .conftest import SPRING_FESTIVAL


@pytest.fixture
def plan(fd_admin, fd_window, holiday_item):
    factories.item("SB-8001", name="社会保障卡申领", category="social_security", holiday_open=True)  # no window for it
    factories.item("GJJ-8002", name="住房公积金贷款", holiday_open=False)
    return duty.holiday_plan_create(actor=fd_admin, name="2023年春节“不打烊”", holiday="春节",
                                    starts_on=SPRING_FESTIVAL[0], ends_on=SPRING_FESTIVAL[1],
                                    window_ids=[fd_window.id])


def everyone_available(plan, staff, fd_admin, *, except_=()):
    for s in staff:
        days = [d for d in plan_days(plan) if (s.user.username, d) not in except_]
        duty.availability_set(actor=fd_admin, plan_id=plan.id, staff_id=s.id, days=days)


def test_an_open_window_offers_only_its_holiday_items(plan):
    (open_window,) = plan.windows.all()
    assert [i.code for i in open_window.items.all()] == ["GJJ-8001"]


def test_the_generated_roster_staffs_every_window_every_day_and_shares_the_days_fairly(plan, fd_duty, fd_admin):
    everyone_available(plan, fd_duty, fd_admin)
    shifts = duty.roster_generate(actor=fd_admin, plan_id=plan.id)
    assert len(shifts) == 7 and duty.roster_gaps(plan) == []
    per_person = Counter(s.staff_id for s in shifts)
    assert sorted(per_person.values()) == [1, 2, 2, 2]  # 7 days over 4 people: nobody gets 3 while another gets 1


def test_unavailable_days_are_respected_and_a_window_nobody_can_take_is_refused(plan, fd_duty, fd_admin):
    names = [s.user.username for s in fd_duty]
    new_year = date(2023, 1, 22)
    everyone_available(plan, fd_duty, fd_admin, except_={(n, new_year) for n in names[1:]})
    shifts = duty.roster_generate(actor=fd_admin, plan_id=plan.id)
    assert {s.staff.user.username for s in shifts if s.day == new_year} == {names[0]}

    everyone_available(plan, fd_duty, fd_admin, except_={(n, new_year) for n in names})
    with pytest.raises(InvalidInput) as info:
        duty.roster_generate(actor=fd_admin, plan_id=plan.id)
    assert info.value.code == "roster_window_unstaffed"
    assert len(plan.shifts.all()) == 7  # the previous roster stays


def test_an_edit_may_not_book_one_person_on_two_windows_the_same_day(fd_admin, fd_duty, holiday_item):
    from tongban.org.models import Window

    second = Window.objects.create(hall=fd_duty[0].center.halls.first(), number="C01", name="公积金窗口",
                                   categories=["housing_fund"])
    plan = duty.holiday_plan_create(actor=fd_admin, name="春节", holiday="春节", starts_on=SPRING_FESTIVAL[0],
                                    ends_on=SPRING_FESTIVAL[1], window_ids=[second.id, second.hall.windows.get(
                                        number="A01").id])
    everyone_available(plan, fd_duty, fd_admin)
    shifts = duty.roster_generate(actor=fd_admin, plan_id=plan.id)
    first_day = [s for s in shifts if s.day == SPRING_FESTIVAL[0]]
    a, b = first_day
    with pytest.raises(Conflict) as info:
        duty.duty_shift_assign(actor=fd_admin, plan_id=plan.id, day=a.day, window_id=a.window_id,
                               staff_id=b.staff_id)
    assert info.value.code == "staff_double_booked"
    spare = next(s for s in fd_duty if s.id not in {a.staff_id, b.staff_id})
    assert duty.duty_shift_assign(actor=fd_admin, plan_id=plan.id, day=a.day, window_id=a.window_id,
                                  staff_id=spare.id).staff == spare


def test_a_clerk_cannot_make_plans(fd_clerk, fd_window, holiday_item):
    with pytest.raises(Forbidden):
        duty.holiday_plan_create(actor=fd_clerk, name="x", holiday="春节", starts_on=SPRING_FESTIVAL[0],
                                 ends_on=SPRING_FESTIVAL[1], window_ids=[fd_window.id])


def test_a_case_received_on_the_holiday_starts_its_clock_on_the_next_working_day(holiday_item, fd_clerk):
    # accepted on Monday 23 Jan 2023 (Spring Festival); 28 and 29 Jan (Sat, Sun) were make-up
    # working days, so a 1-day promise is due on the 28th and a 3-day legal limit on the 30th
    with time_machine.travel("2023-01-23 10:00 +0800", tick=True):
        case = case_submit(actor=fd_clerk, item_code="GJJ-8001", channel="holiday_window",
                           applicant=ApplicantInput(kind="person", name="王小明", id_number=factories.id_number()),
                           materials=[MaterialInput(name="居民身份证", status="exempted", source="population"),
                                      MaterialInput(name="住房公积金提取申请表")])
        case = case_accept(actor=fd_clerk, number=case.number)
    assert case.channel == "holiday_window"
    assert (case.accepted_on, case.promised_due, case.legal_due) == (
        date(2023, 1, 23), date(2023, 1, 28), date(2023, 1, 30))
