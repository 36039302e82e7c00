"""The citizen and enterprise portal: catalog search, service guides (办事指南), online
application, progress tracking and rating. Every page view is counted anonymously."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tongban.cases import ratings, services
from tongban.cases.schemas import public_case
from tongban.cases.selectors import case_public_lookup
from tongban.catalog.guide import item_guide_cached
from tongban.catalog.models import Category
from tongban.catalog.selectors import item_search
from tongban.core.errors import Conflict, DomainError, NotFound
from tongban.core.ratelimit import check_rate
from tongban.portal.forms import ApplyForm, RatingForm, SearchForm, TrackForm
from tongban.portal.models import PageKind
from tongban.portal.selectors import cases_of_citizen, citizen_account
from tongban.portal.services import page_view_record
from tongban.workbench.forms import add_domain_error

MAX_RESULTS = 50
ACTION_LABELS = {
    "submit": _lazy("Application received"), "accept": _lazy("Accepted"), "refuse": _lazy("Not accepted"),
    "request_correction": _lazy("Correction of materials requested"), "start_review": _lazy("Under review"),
    "start_special_procedure": _lazy("Special procedure started"), "end_special_procedure": _lazy("Special procedure ended"),
    "approve": _lazy("Approved"), "deny": _lazy("Denied"), "conclude": _lazy("Concluded"), "deliver": _lazy("Delivered"),
    "withdraw": _lazy("Withdrawn"),
}


def _count(request, kind: str, path: str | None = None) -> None:
    page_view_record(path=path or request.path, kind=kind)


def home(request):
    form = SearchForm(request.GET or None)
    results = None
    total = 0
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        flag = form.cleaned_data["flag"]
        qs = item_search(q=form.cleaned_data["q"], category=form.cleaned_data["category"] or None,
                         id_only=True if flag == "id_only" else None,
                         cross_region=True if flag == "cross_region" else None,
                         channel="online" if flag == "online" else None)
        total = qs.count()
        results = list(qs[:MAX_RESULTS])
        _count(request, PageKind.SEARCH)
    else:
        _count(request, PageKind.HOME)
    return render(request, "portal/home.html", {
        "form": form, "results": results, "total": total, "shown": MAX_RESULTS,
        "categories": Category.choices,
    })


def _guide_or_404(code: str):
    """(the current version, where to apply), from the catalog cache."""
    found = item_guide_cached(code)
    if found is None:
        raise Http404(_("No service item with code %(code)s.") % {"code": code})
    return found


def guide(request, code: str):
    version, places = _guide_or_404(code)
    _count(request, PageKind.GUIDE)
    return render(request, "portal/guide.html", {
        "v": version, "materials": list(version.materials.all()), "places": places,
    })


def apply(request, code: str):
    version, places = _guide_or_404(code)
    if not version.channel_online or not places:
        return render(request, "portal/apply_unavailable.html", {"v": version}, status=409)
    if request.method == "POST":
        form = ApplyForm(request.POST, request.FILES, version=version, places=places)
        if form.is_valid():
            try:
                check_rate(request, "apply", per_minute=10)
                case = services.case_submit(
                    actor=None, item_code=version.item.code, applicant=form.applicant_input(),
                    materials=form.material_inputs(), channel="online", center_code=form.cleaned_data["center"],
                    delivery_method=form.cleaned_data["delivery_method"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                _count(request, PageKind.APPLIED, path=f"/items/{version.item.code}/applied/")
                request.session["portal_applied"] = case.number
                return redirect("portal:applied")
    else:
        form = ApplyForm(version=version, places=places)
        _count(request, PageKind.APPLY)
    return render(request, "portal/apply.html", {"v": version, "form": form})


def applied(request):
    number = request.session.get("portal_applied")
    if not number:
        return redirect("portal:home")
    return render(request, "portal/applied.html", {"number": number})


def _timeline(data: dict) -> list[dict]:
    return [{"at": timezone.localtime(datetime.fromisoformat(row["at"])),
             "label": ACTION_LABELS.get(row["action"], row["action"]), "action": row["action"]}
            for row in data["timeline"]]


def _track_page(request, case, *, id_number: str, rating_form=None, status=200, thanks=False):
    data = public_case(case)
    return render(request, "portal/track.html", {
        "form": TrackForm(initial={"number": case.number}), "case": data, "timeline": _timeline(data),
        "rating_form": rating_form or (RatingForm(initial={"number": case.number, "id_number": id_number})
                                       if case.state in ("concluded", "delivered") and not data["rated"] else None),
        "thanks": thanks,
    }, status=status)


def track(request):
    if request.method != "POST":
        _count(request, PageKind.TRACK)
        account = citizen_account(request)
        return render(request, "portal/track.html", {
            "form": TrackForm(), "account": account,
            "my_cases": list(cases_of_citizen(account=account)) if account else None})
    form = TrackForm(request.POST)
    if form.is_valid():
        try:
            check_rate(request, "query")
            case = case_public_lookup(number=form.cleaned_data["number"], id_number=form.cleaned_data["id_number"])
        except NotFound as exc:
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            _count(request, PageKind.TRACK)
            return _track_page(request, case, id_number=form.cleaned_data["id_number"])
    return render(request, "portal/track.html", {"form": form}, status=400)


@require_POST
def rate(request):
    form = RatingForm(request.POST)
    if not form.is_valid():
        # the rating form needs the case again to show; without a valid number + ID show the query form
        try:
            case = case_public_lookup(number=request.POST.get("number", ""), id_number=request.POST.get("id_number", ""))
        except DomainError:
            return render(request, "portal/track.html", {"form": TrackForm(request.POST)}, status=400)
        return _track_page(request, case, id_number=request.POST.get("id_number", ""), rating_form=form, status=400)
    try:
        check_rate(request, "rate")
        case = case_public_lookup(number=form.cleaned_data["number"], id_number=form.cleaned_data["id_number"])
        ratings.rating_submit(case=case, score=form.cleaned_data["score"], text=form.cleaned_data["text"],
                              channel="online")
    except Conflict as exc:
        form.add_error(None, str(exc.message))
        return _track_page(request, case, id_number=form.cleaned_data["id_number"], status=409)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return render(request, "portal/track.html", {"form": TrackForm(request.POST)}, status=400)
    _count(request, PageKind.RATE)
    return _track_page(request, case, id_number=form.cleaned_data["id_number"], thanks=True)
