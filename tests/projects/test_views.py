"""The agent's pages: their projects with stage progress, times and due dates; a whole simple
low-risk project followed from land use to joint acceptance through the page's forms."""

from django.test import Client

from tests.projects.conftest import stage_cases
from tongban.projects.models import JointAcceptance


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def post(client, code, action, **data):
    response = client.post(f"/projects/{code}/act/{action}/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_agent_follows_a_simple_project_to_joint_acceptance(register, fd_agent, fd_approver, approve,
                                                                construction_seal):
    project = register()
    agent, approver = client_for(fd_agent), client_for(fd_approver)
    page = agent.get("/projects/").content.decode()
    assert project.code in page and "0 / 15" in page
    for stage in ("approval", "engineering"):
        post(agent, project.code, "start_stage", stage=stage)
        for case in stage_cases(project, stage):
            approve(case)
        post(agent, project.code, "complete_stage", stage=stage)
    post(agent, project.code, "start_stage", stage="construction")
    post(agent, project.code, "request_part", scope="全部工程", is_final="1")
    approve(project.stages.get(stage="construction").permit_parts.get().case)
    post(approver, project.code, "issue_part", sequence="1")
    post(agent, project.code, "complete_stage", stage="construction")
    post(agent, project.code, "start_stage", stage="acceptance")
    for case in stage_cases(project, "acceptance"):
        approve(case)
    for kind in ("planning", "fire", "archives"):
        post(approver, project.code, "acceptance", kind=kind, result="passed", note="合格")
    page = post(agent, project.code, "joint", participants="规划、消防、档案", conclusion="同意通过")
    assert JointAcceptance.objects.filter(project=project).exists()
    assert page.count("completed") >= 4 or page.count("已完成") >= 4
    states = list(project.stages.values_list("state", flat=True))
    assert states == ["completed"] * 4
    post(agent, project.code, "worklog", kind="visit", happened_on="2023-06-05", note="现场踏勘")
    assert "现场踏勘" in agent.get(f"/projects/{project.code}/").content.decode()


def test_a_refused_act_shows_the_reason_and_changes_nothing(register, fd_agent):
    project = register("social-ordinary")
    page = post(client_for(fd_agent), project.code, "start_stage", stage="engineering")
    assert "before" in page or "之前" in page or "完成" in page
    assert project.stages.get(stage="engineering").state == "pending"


def test_another_centers_agent_cannot_see_the_project(register, jh_agent):
    project = register()
    c = client_for(jh_agent)
    assert c.get(f"/projects/{project.code}/").status_code == 404
    assert project.code not in c.get("/projects/").content.decode()
    assert c.post(f"/projects/{project.code}/act/start_stage/", {"stage": "approval"}).status_code == 404


def test_leaders_see_the_dashboard_and_agreements_citizens_do_not(register, leader, agreement, org):
    project = register()
    c = client_for(leader)
    assert project.code in c.get("/projects/dashboard/").content.decode()
    assert agreement.enterprise.name in c.get("/projects/agreements/").content.decode()
    from django.contrib.auth import get_user_model

    outsider = get_user_model().objects.create_user("citizen", password="x-password-123")
    assert client_for(outsider).get("/projects/").status_code == 403
    assert Client().get("/projects/").status_code == 302
