"""The demo: 22 agreements across the five new-city centers, projects in every stage; idempotent."""

from django.db.models import Count

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
