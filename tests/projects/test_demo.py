"""The demo: 22 agreements across the five new-city centers, projects in every stage; idempotent."""

from django.db.models import Count
from django.utils import timezone

from tongban.core import calendar
from tongban.org import demo as org_demo
from tongban.projects import demo
from tongban.projects.models import Agreement, JointAcceptance, Project, ProjectStage


def test_demo_holds_22_agreements_and_projects_in_every_stage_and_loads_twice(gc_items):
    org_demo.load()
    demo.load()
    per_center = dict(Agreement.objects.values_list("center__code").annotate(n=Count("id")))
    assert per_center == {"fengdong": 5, "fengxi": 5, "qinhan": 4, "konggang": 4, "jinghe": 4}
    running = set(ProjectStage.objects.filter(state="in_progress").values_list("stage", flat=True))
    assert running == {"approval", "engineering", "construction", "acceptance"}
    assert JointAcceptance.objects.count() == 1  # one simple low-risk project followed to the end
    assert ProjectStage.objects.filter(project__code="2023-611100-48-03-000102", state="pending").count() == 4
    counts = (Agreement.objects.count(), Project.objects.count(), ProjectStage.objects.count())
    assert "0 new" in demo.load()
    assert (Agreement.objects.count(), Project.objects.count(), ProjectStage.objects.count()) == counts


def test_the_demo_projects_show_stage_times_in_working_days(gc_items):
    org_demo.load()
    demo.load()
    done = list(ProjectStage.objects.filter(project__code="2023-611100-48-03-000101").order_by("id"))
    assert [s.state for s in done] == ["completed"] * 4
    for stage in done:
        assert 1 <= stage.working_days <= stage.target_days
        assert stage.working_days == calendar.working_days_between(stage.started_on, stage.completed_on)
    for before, after in zip(done, done[1:], strict=False):
        assert after.started_on > before.completed_on  # one stage after the other, as they were run
    assert JointAcceptance.objects.get().recorded_on == done[-1].completed_on
    today = timezone.localdate()
    running = ProjectStage.objects.filter(state="in_progress")
    assert running and all(calendar.working_days_between(s.started_on, today) >= 1 for s in running)
