"""Sign-in, the home page per role, queues and notifications."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.cases import selectors as case_selectors
from tongban.cases.models import CaseState, Light
from tongban.cases.notifications import notification_mark_read
from tongban.catalog.selectors import item_search
from tongban.org.models import Role
from tongban.org.scoping import staff_profile
from tongban.workbench import selectors
from tongban.workbench.access import role_of, staff_required

S = CaseState


class LoginView(auth_views.LoginView):
    template_name = "workbench/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("workbench:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("workbench:login")


def _queue(user, *states, limit=50):
    cases = []
    for state in states:
        cases.extend(case_selectors.case_queue(user=user, state=state, limit=limit))
    return cases


def _dashboard_url() -> str | None:
    for name in ("stats:dashboard", "stats:index", "stats:home"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


@staff_required
def home(request):
    user = request.user
    role = role_of(user)
    context = {"role": role, "profile": staff_profile(user)}
    if role == Role.CLERK or role == Role.AGENT:
        context["sections"] = [
            (_("Waiting at the window (to accept, correct or refuse)"), _queue(user, S.SUBMITTED), "submitted"),
            (_("Awaiting the applicant's correction"), _queue(user, S.CORRECTION_REQUESTED), "correction_requested"),
            (_("Decided: to conclude and deliver"), _queue(user, S.APPROVED, S.DENIED, S.CONCLUDED), ""),
        ]
    elif role == Role.APPROVER:
        context["sections"] = [
            (_("Accepted: to start the review"), _queue(user, S.ACCEPTED), "accepted"),
            (_("Under review"), _queue(user, S.UNDER_REVIEW), "under_review"),
            (_("In a special procedure (clock paused)"), _queue(user, S.SPECIAL_PROCEDURE), "special_procedure"),
            (_("Decided: to conclude"), _queue(user, S.APPROVED, S.DENIED), ""),
        ]
    else:  # center admin, leader, superuser: the overview
        context["counts"] = selectors.case_counts(user=user)
        context["centers"] = selectors.center_counts(user=user)
        context["overdue"] = list(case_selectors.case_queue(user=user, light=Light.RED, limit=20))
        context["extensions"] = list(selectors.pending_extensions(user=user))
        context["dashboard_url"] = _dashboard_url()
    return render(request, "workbench/home.html", context)


QUEUE_STATES = [s for s in CaseState]


@staff_required
def queue(request):
    state = request.GET.get("state") or None
    light = request.GET.get("light") or None
    item = (request.GET.get("item") or "").strip() or None
    state = state if state in CaseState.values else None
    light = light if light in Light.values else None
    try:
        page = max(0, int(request.GET.get("page", "0")))
    except ValueError:
        page = 0
    size = 50
    cases = list(case_selectors.case_queue(user=request.user, state=state, light=light, item_code=item,
                                           limit=size + 1, offset=page * size))
    return render(request, "workbench/queue.html", {
        "cases": cases[:size], "has_next": len(cases) > size, "page": page,
        "states": CaseState.choices, "lights": Light.choices,
        "f": {"state": state or "", "light": light or "", "item": item or ""},
    })


@staff_required
def notifications(request):
    return render(request, "workbench/notifications.html",
                  {"notifications": selectors.notifications_for(user=request.user)})


@staff_required
@require_POST
def notification_read(request, notification_id: int):
    notification_mark_read(user=request.user, notification_id=notification_id)
    if request.htmx:
        return render(request, "workbench/_notification_read.html")
    messages.success(request, _("Marked as read."))
    return redirect("workbench:notifications")


@staff_required
def item_search_fragment(request):
    """htmx: items matching a name, code or the start of its pinyin initials (e.g. "zfgjj")."""
    q = (request.GET.get("q") or "").strip()
    items = list(item_search(q=q, channel="window")[:15]) if q else []
    return render(request, "workbench/_item_results.html", {"items": items, "q": q})
