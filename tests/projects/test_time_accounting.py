"""Working days per stage and in total, against the class's targets, across statutory holidays."""

from datetime import date

import time_machine

from tongban.projects import stages, timing
from tongban.projects.models import Project


def _at(day: str):
    return time_machine.travel(f"{day} 10:00 +0800", tick=False)


def test_a_stage_across_spring_festival_counts_make_up_days_and_skips_the_holiday(register, fd_agent, approve):
    with _at("2023-01-19"):  # Thursday before the 2023 Spring Festival (holiday 21-27 January)
        project = register()
        row = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
        assert row.due_on == date(2023, 1, 30)  # the 4th working day after 19 Jan: 20, 28 (make-up Sat), 29 (make-up Sun), 30
        cases = [i.case for i in row.items.all() if i.case]
    with _at("2023-01-31"):
        for case in cases:
            approve(case)
        row = stages.stage_complete(actor=fd_agent, project_code=project.code, stage="approval")
    # (19 Jan, 31 Jan]: 20, 28, 29, 30, 31 January = 5 working days; 21-27 January are the holiday
    assert row.working_days == 5
    t = timing.project_time(Project.objects.get(pk=project.pk))
    assert [s.used for s in t.stages] == [5, None, None, None]
    assert t.stages[0].over_target  # the simple low-risk class gives land use 4 working days
    assert (t.total_used, t.target, t.over_target) == (5, 15, False)


def test_a_running_stage_counts_up_to_today_across_national_day(register, fd_agent):
    with _at("2023-09-28"):  # Thursday before National Day 2023 (holiday 29 Sep - 6 Oct, make-up 7-8 Oct)
        project = register()
        stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
    with _at("2023-10-09"):
        t = timing.project_time(Project.objects.get(pk=project.pk))
    # (28 Sep, 9 Oct]: 7, 8 (make-up weekend) and 9 October = 3
    assert t.stages[0].used == 3
    assert t.current.row.stage == "approval"


def test_the_slowest_items_come_first(register, fd_agent, approve):
    with _at("2023-01-19"):
        project = register()
        row = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
        quick, slow = [i.case for i in row.items.order_by("item_code") if i.case]
    with _at("2023-01-20"):
        approve(quick)  # 1 working day
    with _at("2023-02-01"):
        rows = timing.slowest_items([project])
    # the open one: (19 Jan, 1 Feb] = 20, 28, 29, 30, 31 Jan, 1 Feb = 6 working days
    assert [(r.case.number, r.days) for r in rows] == [(slow.number, 6), (quick.number, 1)]


def test_a_due_date_in_a_year_without_calendar_data_is_shown_as_unknown_not_guessed(register, fd_agent):
    with _at("2023-06-05"):
        project = register("major")  # land use target: 30 working days
    with _at("2026-12-01"):
        row = stages.stage_start(actor=fd_agent, project_code=project.code, stage="approval")
        assert row.due_on is None  # would fall in 2027, which the holiday calendar does not cover
        assert project.events.get(action="stage_start").data["due_on"] is None
    with _at("2027-01-05"):
        t = timing.project_time(Project.objects.get(pk=project.pk))
    assert t.stages[0].used is None and t.calendar_gap
