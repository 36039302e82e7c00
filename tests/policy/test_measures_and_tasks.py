"""Measures are searchable by text and tags; reform tasks report progress, flag overdue and roll
up by department for the leader."""

from datetime import date

import pytest
import time_machine

from tongban.core.errors import Conflict, Forbidden, InvalidInput
from tongban.policy import selectors, services
from tongban.policy.services import MilestoneInput


def test_measures_are_found_by_text_tag_department_and_validity(document):
    def numbers(**kw):
        return [m.number for m in selectors.measure_search(**kw)]

    assert numbers() == [1, 2, 3]
    assert numbers(q="纳税") == [2]
    assert numbers(size="small") == [1, 3]
    assert numbers(industry="C", location="fengdong") == [1]
    assert numbers(department="commerce") == [3]
    assert numbers(valid_on=date(2023, 6, 1)) == [1, 2]
    assert numbers(valid_on=date(2024, 6, 1)) == [1, 3]


def test_a_clerk_cannot_publish_and_a_document_needs_valid_measures(departments, fd_clerk, leader):
    with pytest.raises(Forbidden):
        services.document_publish(actor=fd_clerk, code="x", title="t", issuer="i", issued_on=date(2023, 3, 8),
                                  measures=[])
    with pytest.raises(InvalidInput):
        services.document_publish(actor=leader, code="x", title="t", issuer="i", issued_on=date(2023, 3, 8),
                                  measures=[services.MeasureInput(number=1, text="x", department="nowhere",
                                                                  valid_from=date(2023, 3, 8))])


@pytest.fixture
def tasks(departments, leader):
    a = services.reform_task_create(actor=leader, number="WGG-001", title="企业开办一日办结", department="commerce",
                                    published_on=date(2023, 3, 8), deadline=date(2023, 5, 31),
                                    milestones=[MilestoneInput("流程梳理", date(2023, 4, 15)),
                                                MilestoneInput("系统上线", date(2023, 5, 31))])
    b = services.reform_task_create(actor=leader, number="WGG-002", title="纳税缴费一次办", department="tax",
                                    published_on=date(2023, 3, 8), deadline=date(2023, 9, 30))
    c = services.reform_task_create(actor=leader, number="WGG-003", title="项目审批容缺受理", department="commerce",
                                    published_on=date(2023, 3, 8), deadline=date(2023, 12, 31))
    return a, b, c


def test_progress_reports_complete_tasks_and_overdue_is_flagged(tasks, fd_clerk, leader):
    with time_machine.travel("2023-04-10 10:00 +0800"):
        services.reform_task_report(actor=fd_clerk, number="WGG-002", text="已完成方案", progress=40)
    with time_machine.travel("2023-05-20 10:00 +0800"):
        services.reform_task_report(actor=fd_clerk, number="WGG-003", text="全部上线", progress=100)
    with pytest.raises(InvalidInput):
        services.reform_task_report(actor=fd_clerk, number="WGG-002", text="倒退", progress=20)
    with pytest.raises(Conflict):
        services.reform_task_report(actor=fd_clerk, number="WGG-003", text="again", progress=100)

    # today is 5 June 2023: WGG-001 (due 31 May) is overdue
    assert [t.number for t in selectors.reform_tasks(user=leader, overdue=True)] == ["WGG-001"]
    rows = {r["department"]: r for r in selectors.completion_by_department(user=leader)}
    assert (rows["commerce"]["total"], rows["commerce"]["completed"], rows["commerce"]["overdue_open"]) == (2, 1, 1)
    assert rows["commerce"]["completion_rate"] == 0.5
    assert (rows["tax"]["completed"], rows["tax"]["overdue_open"]) == (0, 0)


def test_a_milestone_cannot_be_due_after_the_deadline(departments, leader):
    with pytest.raises(InvalidInput):
        services.reform_task_create(actor=leader, number="WGG-9", title="t", department="tax",
                                    published_on=date(2023, 3, 8), deadline=date(2023, 4, 1),
                                    milestones=[MilestoneInput("late", date(2023, 5, 1))])
