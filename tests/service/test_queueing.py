"""Appointments hold their capacity under concurrent bookings; closed or full slots are refused;
walk-ins and appointments share one queue in the order they joined it; a ticket is called once."""

import threading
import time
from datetime import date

import pytest
import time_machine
from django.db import OperationalError, connection

from tongban.core.errors import Conflict, InvalidInput
from tongban.service import duty, queueing
from tongban.service.models import Appointment, SlotBooking

from .conftest import SPRING_FESTIVAL

MONDAY = date(2023, 1, 30)


def book(day=MONDAY, slot="09:00", name="王小明", item="GJJ-8001"):
    return queueing.appointment_book(center_code="fengdong", item_code=item, day=day, slot=slot, name=name,
                                     phone="13800138000")


def test_a_slot_takes_as_many_bookings_as_its_windows_can_serve(holiday_item, settings):
    settings.TONGBAN_APPOINTMENTS_PER_WINDOW = 2  # 沣东 has one window serving housing fund
    book(name="甲")
    book(name="乙")
    with pytest.raises(Conflict) as info:
        book(name="丙")
    assert info.value.code == "slot_full"
    assert book(slot="10:00", name="丙").slot == "10:00"
    stored = Appointment.objects.first()
    assert stored.phone_masked.startswith("138") and b"13800138000" not in bytes(stored.phone_enc)


def test_closed_days_and_past_slots_are_refused_unless_a_holiday_plan_opens_the_window(holiday_item, fd_admin,
                                                                                        fd_window):
    with pytest.raises(InvalidInput) as info:
        book(day=date(2023, 1, 24))  # Spring Festival, no plan yet
    assert info.value.code == "slot_closed"
    with pytest.raises(InvalidInput):
        book(day=date(2023, 1, 16), slot="09:00")  # began half an hour ago
    duty.holiday_plan_create(actor=fd_admin, name="春节", holiday="春节", starts_on=SPRING_FESTIVAL[0],
                             ends_on=SPRING_FESTIVAL[1], window_ids=[fd_window.id])
    assert book(day=date(2023, 1, 24)).day == date(2023, 1, 24)


def retry_when_locked(fn):
    """The SQLite test database lives in memory with a shared cache, where a writer meeting the
    lock fails at once instead of waiting out busy_timeout; retrying stands in for the wait
    (a failed try rolled back whole)."""
    for _attempt in range(400):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("the lock was never released")


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_exceed_the_capacity(holiday_item, settings):
    settings.TONGBAN_APPOINTMENTS_PER_WINDOW = 3
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def attempt(i):
        try:
            barrier.wait(timeout=10)
            retry_when_locked(lambda: book(name=f"申请人{i}"))
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["booked"] * 3 + ["slot_full"] * 5
    assert Appointment.objects.count() == 3 and SlotBooking.objects.get().booked == 3


def test_walk_ins_and_appointments_are_served_in_the_order_they_joined_the_queue(holiday_item, fd_clerk,
                                                                                 fd_window):
    booked = book(slot="10:00", name="预约者")
    with time_machine.travel("2023-01-30 09:40 +0800", tick=False) as traveller:
        early = queueing.ticket_issue(center_code="fengdong", category="housing_fund")  # A001 at 9:40
        appointment = queueing.appointment_check_in(code=booked.code)  # arrives early: queues from 10:00
        traveller.move_to("2023-01-30 09:55 +0800")
        before_slot = queueing.ticket_issue(center_code="fengdong", category="housing_fund")  # A002 at 9:55
        traveller.move_to("2023-01-30 10:05 +0800")
        after_slot = queueing.ticket_issue(center_code="fengdong", category="housing_fund")  # A003 at 10:05
        called = [queueing.ticket_call_next(actor=fd_clerk, window_id=fd_window.id).number for _ in range(4)]
        assert queueing.ticket_call_next(actor=fd_clerk, window_id=fd_window.id) is None
    assert (early.number, appointment.number, before_slot.number, after_slot.number) == ("A001", "Y001", "A002", "A003")
    assert called == ["A001", "A002", "Y001", "A003"]


def test_a_ticket_is_called_once(holiday_item, fd_clerk, fd_window):
    ticket = queueing.ticket_issue(center_code="fengdong", category="housing_fund")
    queueing.ticket_call(actor=fd_clerk, window_id=fd_window.id, number=ticket.number)
    with pytest.raises(Conflict) as info:
        queueing.ticket_call(actor=fd_clerk, window_id=fd_window.id, number=ticket.number)
    assert info.value.code == "ticket_already_called"


def test_waiting_time_figures(holiday_item, fd_clerk, fd_window):
    from tongban.service.selectors import queue_figures

    with time_machine.travel("2023-01-30 09:00 +0800", tick=False) as traveller:
        queueing.ticket_issue(center_code="fengdong", category="housing_fund")
        queueing.ticket_issue(center_code="fengdong", category="housing_fund")
        traveller.move_to("2023-01-30 09:10 +0800")
        queueing.ticket_call_next(actor=fd_clerk, window_id=fd_window.id)
        traveller.move_to("2023-01-30 09:30 +0800")
        queueing.ticket_call_next(actor=fd_clerk, window_id=fd_window.id)
        queueing.ticket_issue(center_code="fengdong", category="housing_fund")
    figures = queue_figures(center_id=fd_window.hall.center_id, day=MONDAY)
    assert figures == {"issued": 3, "called": 2, "waiting": 1, "mean_wait_minutes": 20.0, "max_wait_minutes": 30.0}
