"""The agent's pages: their projects with each stage's progress and due dates, one project's
stages, items, permit parts, acceptance, times and worklog (with the acts the user may do),
the dashboard with the slowest items, and the agreements. Pages call the services only."""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError, InvalidInput, NotFound
from tongban.org.scoping import staff_profile
from tongban.projects import policy, selectors, services, stages, timing
from tongban.projects.models import AcceptanceKind, Stage, WorklogKind


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=_login_url())
        if not (user.is_superuser or staff_profile(user) is not None):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _login_url() -> str:
    try:
        return reverse("workbench:login")
    except Exception:  # noqa: BLE001  (the workbench is optional for this app)
        return "/admin/login/"


@staff_only
def project_list(request):
    mine = {"1": True, "0": False}.get(request.GET.get("mine", ""))
    projects = list(selectors.projects_for(user=request.user, mine=mine))
    today = timezone.localdate()
    rows = [timing.project_time(p, today) for p in projects]
    return render(request, "projects/list.html", {"rows": rows, "mine": mine, "today": today,
                                                   "profile": staff_profile(request.user)})


@staff_only
def dashboard(request):
    projects = list(selectors.projects_for(user=request.user, mine=False))
    today = timezone.localdate()
    rows = [timing.project_time(p, today) for p in projects]
    by_stage = {s: 0 for s in Stage.values}
    finished = 0
    for r in rows:
        if r.current is not None:
            by_stage[r.current.row.stage] += 1
        elif all(s.row.state == "completed" for s in r.stages):
            finished += 1
    return render(request, "projects/dashboard.html", {
        "rows": sorted(rows, key=lambda r: -r.total_used), "today": today,
        "by_stage": [(Stage(s).label, n) for s, n in by_stage.items()], "finished": finished,
        "slowest": timing.slowest_items(projects, limit=10, today=today),
        "over_target": [r for r in rows if r.over_target],
    })


@staff_only
def agreement_list(request):
    agreements = list(selectors.agreements_for(user=request.user))
    return render(request, "projects/agreements.html", {"agreements": agreements})


@staff_only
def project_detail(request, code: str):
    try:
        project = selectors.project_get(user=request.user, code=code)
    except NotFound:
        raise Http404 from None
    today = timezone.localdate()
    user = request.user
    can = {a: policy.allowed(user, project.center_id, a) for a in policy.ACTION_ROLES}
    return render(request, "projects/detail.html", {
        "project": project, "time": timing.project_time(project, today), "today": today, "can": can,
        "worklog": project.worklog.select_related("agent__staff")[:50],
        "events": project.events.order_by("-id")[:30],
        "joint": getattr(project, "joint_acceptance", None),
        "worklog_kinds": WorklogKind.choices, "acceptance_kinds": AcceptanceKind.choices,
    })


def _flag(request, name: str) -> bool:
    return request.POST.get(name) in ("1", "on", "yes", "true")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter the date as YYYY-MM-DD."), field="happened_on") from None


def _int(value: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter a number."), field=field) from None


ACTS = {
    "start_stage": lambda r, u, c: stages.stage_start(
        actor=u, project_code=c, stage=r.POST.get("stage", ""),
        extra_items=[x for x in r.POST.get("extra_items", "").replace("，", ",").split(",") if x.strip()]),
    "add_item": lambda r, u, c: stages.stage_item_add(actor=u, project_code=c, stage=r.POST.get("stage", ""),
                                                      item_code=r.POST.get("item_code", "")),
    "complete_stage": lambda r, u, c: stages.stage_complete(actor=u, project_code=c, stage=r.POST.get("stage", "")),
    "request_part": lambda r, u, c: stages.permit_part_request(actor=u, project_code=c, scope=r.POST.get("scope", ""),
                                                               is_final=_flag(r, "is_final")),
    "issue_part": lambda r, u, c: stages.permit_part_issue(actor=u, project_code=c,
                                                           sequence=_int(r.POST.get("sequence"), "sequence")),
    "acceptance": lambda r, u, c: stages.acceptance_record(actor=u, project_code=c, kind=r.POST.get("kind", ""),
                                                           passed=r.POST.get("result") == "passed",
                                                           note=r.POST.get("note", "")),
    "joint": lambda r, u, c: stages.joint_acceptance_record(actor=u, project_code=c,
                                                            participants=r.POST.get("participants", ""),
                                                            conclusion=r.POST.get("conclusion", "")),
    "worklog": lambda r, u, c: services.worklog_add(actor=u, project_code=c, kind=r.POST.get("kind", ""),
                                                    happened_on=_date(r.POST.get("happened_on", "")),
                                                    note=r.POST.get("note", ""),
                                                    escalated_to=r.POST.get("escalated_to", "")),
}


@require_POST
@staff_only
def project_act(request, code: str, action: str):
    act = ACTS.get(action)
    if act is None:
        raise Http404
    try:
        act(request, request.user, code)
    except DomainError as exc:
        if exc.code == "project_not_found":
            raise Http404 from None
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))
    return redirect("projects:detail", code=code)
