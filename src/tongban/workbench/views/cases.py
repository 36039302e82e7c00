"""The case page: materials, timeline, due dates and light, and the actions this user may
take now (tongban.cases.policy.allowed_actions); every action posts the version it saw."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tongban.cases import clock, extensions, ratings, selectors, services
from tongban.cases.files import open_stored
from tongban.cases.models import CaseState, S
from tongban.cases.policy import allowed, allowed_actions
from tongban.cases.services import MaterialInput, UploadInput
from tongban.core.errors import Conflict, DomainError, NotFound
from tongban.core.services import audit_record
from tongban.workbench.access import staff_required
from tongban.workbench.forms import (
    ActionForm,
    ExtensionDecisionForm,
    ExtensionForm,
    MaterialAddForm,
    WindowRatingForm,
    add_domain_error,
)

ACTION_LABELS = {
    "accept": _lazy("Accept (受理)"), "refuse": _lazy("Refuse (不予受理)"),
    "request_correction": _lazy("Issue a one-time correction notice (一次性告知)"),
    "start_review": _lazy("Start the review"), "start_special_procedure": _lazy("Start a special procedure (clock paused)"),
    "end_special_procedure": _lazy("End the special procedure (clock resumes)"), "approve": _lazy("Approve"),
    "deny": _lazy("Deny"), "conclude": _lazy("Conclude (办结)"), "deliver": _lazy("Record delivery (送达)"),
    "withdraw": _lazy("Record withdrawal"),
}
EVENT_LABELS = {
    **ACTION_LABELS, "submit": _lazy("Application registered"), "add_material": _lazy("Material attached"),
    "request_extension": _lazy("Extension requested"), "decide_extension": _lazy("Extension decided"),
    "rate": _lazy("Rated"), "rectification_answer": _lazy("Poor rating answered"),
    "rectification_close": _lazy("Rectification closed"),
}
STATE_LABELS = dict(CaseState.choices)


def _timeline(case) -> list[dict]:
    return [{"at": e.at, "actor": e.actor_label, "label": EVENT_LABELS.get(e.action, e.action), "action": e.action,
             "state": STATE_LABELS.get(e.to_state, ""), "note": e.note} for e in selectors.case_events(case)]


# which inputs each action form shows
ACTION_INPUTS = {
    "accept": ["note"], "refuse": ["reason"], "request_correction": ["missing", "note"], "start_review": [],
    "start_special_procedure": ["reason"], "end_special_procedure": ["note"], "approve": ["note"],
    "deny": ["reason"], "conclude": ["note"], "deliver": ["method", "reference"], "withdraw": ["reason"],
}
DANGER = {"refuse", "deny", "withdraw"}

SERVICES = {
    "accept": lambda u, n, v, d: services.case_accept(actor=u, number=n, expected_version=v, note=d["note"]),
    "refuse": lambda u, n, v, d: services.case_refuse(actor=u, number=n, reason=d["reason"], expected_version=v),
    "request_correction": lambda u, n, v, d: services.case_request_correction(
        actor=u, number=n, missing=d["missing"], note=d["note"], expected_version=v),
    "start_review": lambda u, n, v, d: services.case_start_review(actor=u, number=n, expected_version=v),
    "start_special_procedure": lambda u, n, v, d: services.case_start_special_procedure(
        actor=u, number=n, reason=d["reason"], expected_version=v),
    "end_special_procedure": lambda u, n, v, d: services.case_end_special_procedure(
        actor=u, number=n, expected_version=v, note=d["note"]),
    "approve": lambda u, n, v, d: services.case_approve(actor=u, number=n, expected_version=v, note=d["note"]),
    "deny": lambda u, n, v, d: services.case_deny(actor=u, number=n, reason=d["reason"], expected_version=v),
    "conclude": lambda u, n, v, d: services.case_conclude(actor=u, number=n, expected_version=v, note=d["note"]),
    "deliver": lambda u, n, v, d: services.case_deliver(actor=u, number=n, method=d["method"] or None,
                                                        reference=d["reference"], expected_version=v),
    "withdraw": lambda u, n, v, d: services.case_withdraw(actor=u, number=n, reason=d["reason"],
                                                          expected_version=v),
}


def _get_case(user, number):
    try:
        return selectors.case_get_for_staff(user=user, number=number)
    except NotFound:
        raise Http404(_("No case with number %(n)s.") % {"n": number}) from None


def _missing_now(case) -> list[str]:
    have = {m.name for m in case.materials.all()}
    return [m.name for m in case.item_version.materials.all() if m.required and m.name not in have]


def _page(request, case, *, bound: dict | None = None, status: int = 200):
    """Render the case page; `bound` carries forms that failed validation, shown with errors."""
    bound = bound or {}
    user = request.user
    actions = allowed_actions(user, case)
    missing_now = _missing_now(case)
    action_forms = []
    for action in actions:
        form = bound.get(action) or ActionForm(
            case=case, action=action,
            initial={"version": case.version, "missing": missing_now, "method": case.delivery_method})
        action_forms.append({"action": action, "label": ACTION_LABELS[action], "form": form,
                             "inputs": ACTION_INPUTS[action], "danger": action in DANGER})
    extension = getattr(case, "extension", None) if hasattr(case, "extension") else None
    closed = case.state in (S.REFUSED, S.WITHDRAWN, S.CONCLUDED, S.DELIVERED)
    context = {
        "case": case, "item": case.item_version, "applicant": case.applicant,
        "materials": list(case.materials.all()), "checklist": list(case.item_version.materials.all()),
        "missing_now": missing_now,
        "events": _timeline(case),
        "remaining": clock.remaining_working_days(case), "action_forms": action_forms,
        "material_form": (bound.get("material") or MaterialAddForm(case=case, initial={"version": case.version}))
        if not closed and allowed(user, case.center_id, "add_material") else None,
        "extension": extension,
        "extension_form": (bound.get("extension") or ExtensionForm(initial={"version": case.version}))
        if extension is None and case.state in (S.UNDER_REVIEW, S.SPECIAL_PROCEDURE)
        and allowed(user, case.center_id, "request_extension") else None,
        "extension_decision_form": (bound.get("extension_decision") or ExtensionDecisionForm())
        if extension is not None and extension.state == "pending"
        and allowed(user, case.center_id, "decide_extension") else None,
        "rating": getattr(case, "rating", None) if hasattr(case, "rating") else None,
        "rating_form": (bound.get("rating") or WindowRatingForm())
        if case.state in (S.CONCLUDED, S.DELIVERED) and not hasattr(case, "rating")
        and allowed(user, case.center_id, "record_rating") else None,
        "notices": case.correction_notices.order_by("issued_at"),
        "received_item": request.GET.get("received", ""),
    }
    return render(request, "workbench/case.html", context, status=status)


@staff_required
def case_page(request, number: str):
    return _page(request, _get_case(request.user, number))


def _already_done(case, action: str) -> bool:
    last = case.events.order_by("-id").first()
    return last is not None and last.action == action


@staff_required
@require_POST
def case_act(request, number: str, action: str):
    case = _get_case(request.user, number)
    if action not in SERVICES:
        raise Http404(_("Unknown action %(a)s.") % {"a": action})
    form = ActionForm(request.POST, case=case, action=action)
    if not form.is_valid():
        return _page(request, case, bound={action: form}, status=400)
    data = {k: form.cleaned_data.get(k) or ("" if k != "missing" else []) for k in
            ("note", "reason", "missing", "method", "reference")}
    try:
        SERVICES[action](request.user, number, form.cleaned_data["version"], data)
    except Conflict as exc:
        case = _get_case(request.user, number)
        if exc.code == "version_conflict" and _already_done(case, action):
            messages.info(request, _("This was already done (%(action)s); nothing more to do.")
                          % {"action": ACTION_LABELS[action]})
        else:
            messages.warning(request, exc.message)
        return redirect("workbench:case", number=number)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _page(request, _get_case(request.user, number), bound={action: form}, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return redirect("workbench:case", number=number)


@staff_required
@require_POST
def material_add(request, number: str):
    case = _get_case(request.user, number)
    form = MaterialAddForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.case_material_add(
                actor=request.user, number=number, expected_version=form.cleaned_data["version"],
                material=MaterialInput(name=form.cleaned_data["name"], file=UploadInput(
                    name=upload.name, data=upload.read(), content_type=upload.content_type or "")))
        except Conflict as exc:
            messages.warning(request, exc.message)
            return redirect("workbench:case", number=number)
        except DomainError as exc:
            form.add_error("file" if exc.field == "files" else None, str(exc.message))
        else:
            messages.success(request, _("%(name)s attached.") % {"name": form.cleaned_data["name"]})
            return redirect("workbench:case", number=number)
    return _page(request, _get_case(request.user, number), bound={"material": form}, status=400)


@staff_required
def material_file(request, number: str, material_id: int):
    case = _get_case(request.user, number)
    material = case.materials.filter(pk=material_id).exclude(file_path="").first()
    if material is None:
        raise Http404
    audit_record(actor=request.user, action="case.material_read", object_type="case", object_id=case.number,
                 detail={"material": material.pk})
    response = FileResponse(open_stored(material.file_path), content_type=material.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_POST
def extension_request(request, number: str):
    case = _get_case(request.user, number)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            extensions.extension_request(actor=request.user, number=number, days=form.cleaned_data["days"],
                                         reason=form.cleaned_data["reason"],
                                         expected_version=form.cleaned_data["version"])
        except Conflict as exc:
            messages.warning(request, exc.message)
            return redirect("workbench:case", number=number)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Extension requested; the bureau leader decides."))
            return redirect("workbench:case", number=number)
    return _page(request, case, bound={"extension": form}, status=400)


@staff_required
@require_POST
def extension_decide(request, number: str):
    case = _get_case(request.user, number)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid():
        try:
            extensions.extension_decide(actor=request.user, number=number, grant=form.cleaned_data["grant"],
                                        note=form.cleaned_data.get("note", ""))
        except Conflict as exc:
            messages.warning(request, exc.message)
            return redirect("workbench:case", number=number)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Extension decided."))
            return redirect("workbench:case", number=number)
    return _page(request, case, bound={"extension_decision": form}, status=400)


@staff_required
@require_POST
def rating_record(request, number: str):
    case = _get_case(request.user, number)
    form = WindowRatingForm(request.POST)
    if form.is_valid():
        try:
            ratings.rating_submit(case=case, score=form.cleaned_data["score"], text=form.cleaned_data["text"],
                                  channel="window", actor=request.user)
        except Conflict as exc:
            messages.info(request, exc.message)
            return redirect("workbench:case", number=number)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Rating recorded."))
            return redirect("workbench:case", number=number)
    return _page(request, case, bound={"rating": form}, status=400)
