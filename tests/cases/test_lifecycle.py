"""A clerk takes a case from submission to delivery; due dates count working days across
holidays, make-up days and pauses."""

from datetime import date

import pytest
import time_machine

from tests.cases.conftest import PDF
from tongban.cases import services
from tongban.cases.extensions import extension_decide, extension_request
from tongban.cases.models import CaseEvent, Light
from tongban.core.errors import Conflict, InvalidInput

TZ = "Asia/Shanghai"


def at(day: str, hour: int = 10):
    return time_machine.travel(f"{day} {hour:02d}:00 +0800", tick=False)


def test_submission_to_delivery_across_spring_festival(submit, fd_clerk, fd_approver):
    with at("2023-01-19"):
        case = submit()
        assert case.number.startswith("611100-20230119-")
        assert case.state == "submitted"
        case = services.case_accept(actor=fd_clerk, number=case.number, expected_version=case.version)
    # Thursday Jan 19 + 5 working days: Jan 20 (1), holiday Jan 21-27, Sat 28 (2), Sun 29 (3), 30 (4), 31 (5)
    assert case.promised_due == date(2023, 1, 31)
    # + 20 working days: ... Feb 1-3 (6-8), Feb 6-10 (9-13), 13-17 (14-18), 20-21 (19-20)
    assert case.legal_due == date(2023, 2, 21)
    assert case.light == Light.GREEN
    with at("2023-01-28"):  # a make-up Saturday: the office works
        case = services.case_start_review(actor=fd_approver, number=case.number)
        case = services.case_approve(actor=fd_approver, number=case.number, note="符合条件")
        case = services.case_conclude(actor=fd_approver, number=case.number)
        assert case.on_time is True
        assert case.duration_days == 2  # Jan 20 and Jan 28
        case = services.case_deliver(actor=fd_clerk, number=case.number, method="post", reference="SF1234567890")
    assert case.state == "delivered"
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["submit", "accept", "start_review", "approve", "conclude", "deliver"]
    assert case.version == len(actions)


def test_special_procedure_pauses_the_clock(submit, fd_clerk, fd_approver):
    with at("2023-09-25"):  # Monday
        case = submit()
        case = services.case_accept(actor=fd_clerk, number=case.number)
        case = services.case_start_review(actor=fd_approver, number=case.number)
    # Monday Sep 25 + 5: 26, 27, 28, (Sep 29 - Oct 6 off), Sat Oct 7, Sun Oct 8
    assert case.promised_due == date(2023, 10, 8)
    with at("2023-09-26"):
        case = services.case_start_special_procedure(actor=fd_approver, number=case.number, reason="现场勘验")
        assert case.state == "special_procedure"
    with at("2023-10-09"):  # paused over: 27, 28, Oct 7, 8, 9 = 5 working days
        case = services.case_end_special_procedure(actor=fd_approver, number=case.number)
    assert case.paused_days == 5
    assert case.pauses.get().working_days == 5
    # 5 + 5 paused = 10 working days from Sep 25: 26, 27, 28, Oct 7, 8, 9, 10, 11, 12, 13
    assert case.promised_due == date(2023, 10, 13)


def test_a_special_procedure_must_be_one_of_the_items_steps(submit, fd_clerk, fd_approver):
    case = submit()
    services.case_accept(actor=fd_clerk, number=case.number)
    services.case_start_review(actor=fd_approver, number=case.number)
    with pytest.raises(InvalidInput, match="现场勘验"):
        services.case_start_special_procedure(actor=fd_approver, number=case.number, reason="专家评审")


def test_correction_notice_lists_everything_missing_then_acceptance_after_the_correction(submit, fd_clerk):
    case = submit(materials=[])
    with pytest.raises(InvalidInput, match="购房合同"):
        services.case_accept(actor=fd_clerk, number=case.number)
    case = services.case_request_correction(actor=fd_clerk, number=case.number, missing=["居民身份证", "购房合同"])
    notice = case.correction_notices.get()
    assert notice.missing == ["居民身份证", "购房合同"]
    with pytest.raises(Conflict):  # one notice: a second while the first is open is not a transition
        services.case_request_correction(actor=fd_clerk, number=case.number, missing=["购房合同"])
    services.case_material_add(actor=fd_clerk, number=case.number, material=services.MaterialInput(
        name="购房合同", file=services.UploadInput(name="c.pdf", data=PDF)))
    services.case_material_add(actor=fd_clerk, number=case.number, material=services.MaterialInput(
        name="居民身份证", status="exempted", exemption_reason="现场核验原件"))
    case = services.case_accept(actor=fd_clerk, number=case.number)
    assert case.state == "accepted"
    notice.refresh_from_db()
    assert notice.resolved_at is not None
    assert case.pauses.get().ended_on == case.accepted_on  # the correction's pause ends with acceptance


def test_refusal_needs_a_reason_and_is_final(submit, fd_clerk, fd_approver):
    case = submit()
    with pytest.raises(InvalidInput):
        services.case_refuse(actor=fd_clerk, number=case.number, reason=" ")
    case = services.case_refuse(actor=fd_clerk, number=case.number, reason="不属于本机关职权范围")
    with pytest.raises(Conflict) as exc:
        services.case_approve(actor=fd_approver, number=case.number)
    assert exc.value.code == "invalid_transition"
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_withdrawal_is_possible_only_before_a_decision(submit, fd_clerk, fd_approver):
    open_case = submit()
    assert services.case_withdraw(actor=fd_clerk, number=open_case.number).state == "withdrawn"
    decided = submit()
    services.case_accept(actor=fd_clerk, number=decided.number)
    services.case_start_review(actor=fd_approver, number=decided.number)
    services.case_approve(actor=fd_approver, number=decided.number)
    with pytest.raises(Conflict):
        services.case_withdraw(actor=fd_clerk, number=decided.number)


def test_one_extension_with_the_leaders_approval(submit, fd_clerk, fd_approver, leader):
    with at("2023-03-01"):
        case = submit()
        case = services.case_accept(actor=fd_clerk, number=case.number)
        services.case_start_review(actor=fd_approver, number=case.number)
        before = (case.promised_due, case.legal_due)
        extension_request(actor=fd_approver, number=case.number, days=10, reason="需补充专家意见")
        with pytest.raises(Conflict):
            extension_request(actor=fd_approver, number=case.number, days=5, reason="再次")
        assert leader.notifications.filter(kind="extension").count() == 1
        case = extension_decide(actor=leader, number=case.number, grant=True)
    from tongban.core import calendar

    assert case.legal_due == calendar.add_working_days(before[1], 10)
    assert case.promised_due == calendar.add_working_days(before[0], 10)


def test_extension_beyond_ten_days_is_refused(submit, fd_clerk, fd_approver):
    case = submit()
    services.case_accept(actor=fd_clerk, number=case.number)
    services.case_start_review(actor=fd_approver, number=case.number)
    with pytest.raises(InvalidInput):
        extension_request(actor=fd_approver, number=case.number, days=11, reason="太长")


def test_case_numbers_are_sequential_per_day(submit):
    with at("2023-05-08"):
        first, second = submit(), submit()
    assert first.number == "611100-20230508-000001"
    assert second.number == "611100-20230508-000002"
    with at("2023-05-09"):
        assert submit().number == "611100-20230509-000001"


def revise_with_one_material(name: str) -> None:
    """Publish version 2 of GJJ-7001: one working day promised, `name` its only material."""
    from tongban.catalog.services import ItemSpec, MaterialSpec, item_revise

    item_revise(code="GJJ-7001", spec=ItemSpec(
        name="住房公积金提取（购房）", category="housing_fund", department="housing_fund",
        legal_limit_days=20, promised_limit_days=1, materials=[MaterialSpec(name=name)]))


def file_with_one_material(fd_clerk, name: str):
    from tests.cases.conftest import applicant

    return services.case_submit(actor=fd_clerk, item_code="GJJ-7001", applicant=applicant(), materials=[
        services.MaterialInput(name=name, file=services.UploadInput(name="c.pdf", data=PDF))])


def test_an_item_revision_does_not_touch_a_filed_case(submit, fd_clerk):
    case = submit()
    revise_with_one_material("购房合同")
    case = services.case_accept(actor=fd_clerk, number=case.number)
    assert case.item_version.version == 1 and case.item_version.promised_limit_days == 5


def test_the_next_submission_is_filed_under_a_revision_at_once(submit, fd_clerk):
    first = submit()  # loads version 1 into this process's memory
    revise_with_one_material("购房合同")
    second = file_with_one_material(fd_clerk, "购房合同")
    assert (first.item_version.version, second.item_version.version) == (1, 2)
    assert [m.name for m in second.item_version.materials.all()] == ["购房合同"]
    with pytest.raises(InvalidInput, match="居民身份证"):  # a material only version 1 had
        submit()


def test_a_material_only_the_revision_has_is_accepted_at_once(submit, fd_clerk):
    first = submit()  # version 1 is now in this process's memory
    revise_with_one_material("不动产权证书")
    second = file_with_one_material(fd_clerk, "不动产权证书")
    assert (first.item_version.version, second.item_version.version) == (1, 2)
    assert [m.name for m in second.materials.all()] == ["不动产权证书"]


def test_a_withdrawn_item_takes_no_more_cases(submit):
    from tongban.catalog.models import Item
    from tongban.core.errors import NotFound

    submit()
    Item.objects.filter(code="GJJ-7001").update(is_active=False)
    with pytest.raises(NotFound):
        submit()
