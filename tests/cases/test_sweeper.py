"""The periodic sweep turns lights yellow, then red, and tells the responsible staff once."""

from datetime import date

import time_machine

from tongban.cases import services
from tongban.cases.models import Case, Light
from tongban.cases.tasks import sweep_deadlines_now


def test_lights_turn_and_staff_are_notified_once(submit, fd_clerk, fd_approver):
    with time_machine.travel("2023-06-05 10:00 +0800", tick=False):  # Monday
        case = submit()
        services.case_accept(actor=fd_clerk, number=case.number)
        services.case_start_review(actor=fd_approver, number=case.number)
    case.refresh_from_db()
    assert case.promised_due == date(2023, 6, 12)  # 5 working days
    assert sweep_deadlines_now(on=date(2023, 6, 6)) == {"red": 0, "yellow": 0}
    assert sweep_deadlines_now(on=date(2023, 6, 8)) == {"red": 0, "yellow": 1}  # 9, 12 remain
    assert Case.objects.get().light == Light.YELLOW
    assert sweep_deadlines_now(on=date(2023, 6, 9)) == {"red": 0, "yellow": 0}
    assert sweep_deadlines_now(on=date(2023, 6, 13)) == {"red": 1, "yellow": 0}
    assert sweep_deadlines_now(on=date(2023, 6, 14)) == {"red": 0, "yellow": 0}
    kinds = sorted(fd_approver.notifications.values_list("kind", flat=True))
    assert kinds == ["red", "yellow"]
    assert sorted(fd_clerk.notifications.values_list("kind", flat=True)) == ["red", "yellow"]


def test_a_concluded_case_is_left_alone(submit, fd_clerk, fd_approver):
    case = submit()
    services.case_accept(actor=fd_clerk, number=case.number)
    services.case_start_review(actor=fd_approver, number=case.number)
    services.case_approve(actor=fd_approver, number=case.number)
    services.case_conclude(actor=fd_approver, number=case.number)
    assert sweep_deadlines_now(on=date(2023, 12, 29)) == {"red": 0, "yellow": 0}
