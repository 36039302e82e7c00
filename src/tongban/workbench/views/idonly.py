"""ID-card-only handling at the window (一证通办): the clerk enters the ID number and the
recorded consent, the platform fetches every mapped material from shared data, the clerk
decides paper or later for whatever could not be fetched, and the case is filed."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.cases import policy
from tongban.catalog.selectors import item_search
from tongban.core.errors import DomainError
from tongban.idonly import selectors, services
from tongban.org.scoping import staff_profile
from tongban.workbench.access import staff_required
from tongban.workbench.forms import IdOnlyFilingForm, IdOnlyStartForm, add_domain_error
from tongban.workbench.views.receive import case_url


def _may_receive(user) -> bool:
    profile = staff_profile(user)
    return user.is_superuser or (profile is not None and policy.allowed(user, profile.center_id, "submit"))


@staff_required
def start(request):
    if not _may_receive(request.user):
        messages.error(request, _("Your role does not receive applications at a window."))
        return redirect("workbench:home")
    items = list(item_search(id_only=True, channel="window"))
    form = IdOnlyStartForm(request.POST or None, items=items, initial={"item": request.GET.get("item", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lookup = services.lookup_run(actor=request.user, id_number=data["id_number"], name=data["name"],
                                         item_code=data["item"], consent=data["consent"] == "yes",
                                         purpose=data["purpose"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("workbench:idonly_lookup", token=lookup.token)
    return render(request, "workbench/idonly_start.html", {"form": form, "items": items})


@staff_required
def lookup(request, token):
    try:
        found = selectors.lookup_get_for_user(user=request.user, token=UUID(str(token)))
    except (ValueError, DomainError):
        raise Http404(_("No such look-up; look the ID number up again.")) from None
    result = selectors.lookup_result(found)
    if result["case_number"]:
        return redirect(case_url(result["case_number"]))
    form = IdOnlyFilingForm(request.POST or None, to_decide=result["to_decide"])
    if request.method == "POST" and form.is_valid():
        paper, deferred = form.decisions()
        try:
            case = services.lookup_file_case(
                actor=request.user, token=found.token,
                decisions=services.FilingInput(paper=paper, deferred=deferred, phone=form.cleaned_data["phone"],
                                               delivery_method=form.cleaned_data["delivery_method"],
                                               note=form.cleaned_data["note"]))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("ID-card-only case %(n)s filed: %(f)s material(s) from shared data.")
                             % {"n": case.number, "f": result["fetched"]})
            return redirect(case_url(case.number))
    return render(request, "workbench/idonly_lookup.html", {"result": result, "form": form})
