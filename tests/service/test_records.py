"""Consultations, 12345 orders, outreach and lectures: records whose counts are the figures."""

from datetime import date

import pytest
import time_machine

from tongban.core.errors import Conflict, InvalidInput
from tongban.service import selectors, services
from tongban.service.services import OutreachInput


def test_consultations_are_counted_by_channel_and_linked_to_a_later_case(fd_clerk, holiday_item):
    for channel in ("phone", "phone", "window", "online"):
        services.consultation_record(actor=fd_clerk, channel=channel, category="guide", question="怎么提取公积金？",
                                     answer="带身份证到窗口", duration_seconds=120, item_code="GJJ-8001")
    assert selectors.consultation_count(start=date(2023, 1, 16), end=date(2023, 1, 16)) == 4
    assert selectors.consultation_count(start=date(2023, 1, 16), end=date(2023, 1, 16), channel="phone") == 2
    assert selectors.consultation_count(start=date(2023, 1, 17), end=date(2023, 1, 31)) == 0
    with pytest.raises(InvalidInput):
        services.consultation_record(actor=fd_clerk, channel="fax", category="guide", question="q", answer="a",
                                     duration_seconds=10)

    from tests.cases.conftest import applicant
    from tongban.cases.services import MaterialInput, case_submit

    case = case_submit(actor=fd_clerk, item_code="GJJ-8001", applicant=applicant(),
                       materials=[MaterialInput(name="住房公积金提取申请表")])
    consultation = selectors.consultations(user=fd_clerk).first()
    assert services.consultation_link_case(actor=fd_clerk, consultation_id=consultation.id,
                                           case_number=case.number).case == case


def test_a_jinghe_clerk_cannot_link_a_fengdong_consultation(fd_clerk, jh_clerk):
    from tongban.core.errors import Forbidden

    c = services.consultation_record(actor=fd_clerk, channel="phone", category="other", question="q", answer="a",
                                     duration_seconds=30)
    with pytest.raises(Forbidden):
        services.consultation_follow_up(actor=jh_clerk, consultation_id=c.id, note="回访")


def test_a_hotline_order_is_due_in_working_days_and_answered_once(fd_clerk):
    with time_machine.travel("2023-01-20 10:00 +0800"):  # Friday before the Spring Festival
        order = services.hotline_order_receive(actor=fd_clerk, number="12345-1", content="咨询", category="guide",
                                               response_days=2)
    assert order.due_on == date(2023, 1, 29)  # 28 and 29 Jan were make-up working days
    with time_machine.travel("2023-01-30 10:00 +0800"):
        order = services.hotline_order_answer(actor=fd_clerk, number="12345-1", answer="已答复")
        with pytest.raises(Conflict):
            services.hotline_order_answer(actor=fd_clerk, number="12345-1", answer="again")
    assert order.on_time is False


def test_outreach_outputs_add_up_and_negative_figures_are_refused(fd_admin, fd_clerk):
    for leaflets, visits in ((600, 100), (986, 130)):
        services.outreach_event_record(actor=fd_admin, data=OutreachInput(
            kind="publicity", target="enterprises_schools", title="宣传月", place="沣东", starts_on=date(2023, 7, 3),
            campaign="宣传月", staff_usernames=["fd_admin", "fd_clerk"], sends=["policies"],
            outputs={"leaflets": leaflets, "enterprise_visits": visits, "media_reports": 650}))
    totals = selectors.outreach_totals(start=date(2023, 7, 1), end=date(2023, 7, 31))
    assert (totals["leaflets"], totals["enterprise_visits"], totals["media_reports"], totals["events"]) == (
        1586, 230, 1300, 2)
    with pytest.raises(InvalidInput) as info:
        services.outreach_event_record(actor=fd_admin, data=OutreachInput(
            kind="five_into", target="projects", title="进项目", place="秦汉", starts_on=date(2023, 8, 1),
            outputs={"leaflets": -5}))
    assert info.value.code == "negative_figure"
    assert selectors.outreach_totals(start=date(2023, 8, 1), end=date(2023, 8, 31))["events"] == 0


def test_lectures_record_attendance(fd_admin, fd_clerk, fd_approver):
    lecture = services.lecture_create(actor=fd_admin, series="行政审批服务讲堂", number=1, held_on=date(2023, 2, 24),
                                      topic="行政许可法", speaker="赵主任")
    assert services.lecture_attendance_record(actor=fd_admin, lecture_id=lecture.id,
                                              usernames=["fd_clerk", "fd_approver"]) == 2
    with pytest.raises(Conflict):
        services.lecture_create(actor=fd_admin, series="行政审批服务讲堂", number=1, held_on=date(2023, 3, 24),
                                topic="重复", speaker="x")
    assert selectors.lecture_totals(start=date(2023, 1, 1), end=date(2023, 12, 31)) == {"lectures": 1,
                                                                                       "attendance": 2}
