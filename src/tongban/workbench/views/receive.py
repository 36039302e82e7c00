"""Receiving an application at the window: pick the item, enter the applicant, tick the
materials, attach scans; the case is registered and the clerk decides on the case page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tongban.cases import policy, services
from tongban.catalog.selectors import item_get_current, item_search
from tongban.core.errors import DomainError, InvalidInput
from tongban.core.validation import county_name, parse_id_number
from tongban.org.scoping import staff_profile
from tongban.workbench.access import staff_required
from tongban.workbench.forms import ReceiveForm, add_domain_error


@staff_required
def receive(request):
    code = (request.GET.get("item") or request.POST.get("item") or "").strip()
    version = item_get_current(code=code) if code else None
    profile = staff_profile(request.user)
    may_submit = request.user.is_superuser or (profile is not None and policy.allowed(request.user, profile.center_id, "submit"))
    if not may_submit:
        messages.error(request, _("Your role does not receive applications at a window."))
        return redirect("workbench:home")
    if version is None:
        if code:
            messages.error(request, _("No service item with code %(code)s.") % {"code": code})
        q = (request.GET.get("q") or "").strip()
        items = list(item_search(q=q, channel="window")[:15]) if q else []
        return render(request, "workbench/receive_pick.html", {"q": q, "items": items})
    if request.method == "POST":
        form = ReceiveForm(request.POST, request.FILES, version=version)
        if form.is_valid():
            try:
                case = services.case_submit(
                    actor=request.user, item_code=version.item.code, applicant=form.applicant_input(),
                    materials=form.material_inputs(), delivery_method=form.cleaned_data["delivery_method"],
                    note=form.cleaned_data.get("note", ""),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Application registered as case %(n)s. Now accept it, issue a "
                                            "correction notice or refuse it.") % {"n": case.number})
                return redirect(f"{case_url(case.number)}?received={version.item.code}")
    else:
        form = ReceiveForm(version=version)
    return render(request, "workbench/receive.html", {"form": form, "version": version,
                                                      "fresh": request.method == "GET"})


def case_url(number: str) -> str:
    from django.urls import reverse

    return reverse("workbench:case", args=[number])


@staff_required
@require_GET
def validate_id_number(request):
    """htmx: check an ID number as it is typed; answers a small fragment next to the field."""
    value = (request.GET.get("id_number") or "").strip()
    if not value:
        return HttpResponse("")
    try:
        parsed = parse_id_number(value)
    except InvalidInput as exc:
        return HttpResponse(format_html('<p class="field-error" role="alert">{}</p>', exc.message))
    gender = _("male") if parsed.gender == "M" else _("female")
    return HttpResponse(format_html(
        '<p class="field-ok">{}</p>',
        _("Valid: born %(date)s, %(gender)s, issued in %(county)s")
        % {"date": parsed.birth_date.isoformat(), "gender": gender, "county": county_name(parsed.region_code)},
    ))
