"""The service API: the ticket machine and booking for the public, calling and logging for staff."""

from datetime import date

import time_machine

from tongban.service import duty


def test_public_booking_and_ticket_errors_are_clear(client, holiday_item):
    ok = client.post("/api/service/appointments", {"center": "fengdong", "item": "GJJ-8001", "day": "2023-01-30",
                                                   "slot": "09:00", "name": "王小明", "phone": "13800138000"},
                     content_type="application/json")
    assert ok.status_code == 201 and len(ok.json()["code"]) == 8
    closed = client.post("/api/service/appointments", {"center": "fengdong", "item": "GJJ-8001",
                                                       "day": "2023-01-24", "slot": "09:00", "name": "王小明",
                                                       "phone": "13800138000"}, content_type="application/json")
    assert (closed.status_code, closed.json()["code"]) == (400, "slot_closed")
    ticket = client.post("/api/service/tickets", {"center": "fengdong", "category": "housing_fund"},
                         content_type="application/json")
    assert ticket.status_code == 201 and ticket.json()["number"] == "A001"


def test_a_clerk_calls_tickets_and_a_second_call_is_a_conflict(client, fd_clerk, fd_window, holiday_item):
    client.post("/api/service/tickets", {"center": "fengdong", "category": "housing_fund"},
                content_type="application/json")
    client.force_login(fd_clerk)
    first = client.post(f"/api/service/windows/{fd_window.id}/call", {"number": "A001"},
                        content_type="application/json")
    assert first.json()["state"] == "called"
    again = client.post(f"/api/service/windows/{fd_window.id}/call", {"number": "A001"},
                        content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "ticket_already_called")
    assert client.post(f"/api/service/windows/{fd_window.id}/call-next").status_code == 204


def test_negative_outreach_figures_are_a_400_and_rosters_print(client, fd_admin, fd_duty, fd_window, holiday_item):
    client.force_login(fd_admin)
    bad = client.post("/api/service/outreach", {"kind": "publicity", "target": "public", "title": "宣传",
                                                "place": "沣东", "starts_on": "2023-07-03",
                                                "outputs": {"media_reports": -1}}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "negative_figure")

    plan = duty.holiday_plan_create(actor=fd_admin, name="春节值班", holiday="春节", starts_on=date(2023, 1, 21),
                                    ends_on=date(2023, 1, 22), window_ids=[fd_window.id])
    for s in fd_duty:
        duty.availability_set(actor=fd_admin, plan_id=plan.id, staff_id=s.id, days=duty.plan_days(plan))
    shifts = client.post(f"/api/service/plans/{plan.id}/roster").json()
    assert [s["day"] for s in shifts] == ["2023-01-21", "2023-01-22"]
    page = client.get(f"/service/plans/{plan.id}/roster/")
    assert page.status_code == 200 and shifts[0]["staff"] in page.content.decode()
    with time_machine.travel("2023-01-16 10:00 +0800"):
        assert client.get("/api/service/plans/999/roster").status_code == 404
