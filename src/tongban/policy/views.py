"""Public pages: the searchable list of measures (惠企政策) for the portal."""

from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import render

from tongban.policy import selectors
from tongban.policy.models import TagKind


def measures(request):
    q = request.GET.get("q", "")[:100]
    filters = {k: request.GET.get(k, "")[:40] for k in ("industry", "size", "location", "department")}
    only_valid = request.GET.get("valid") == "1"
    qs = selectors.measure_search(q=q, valid_on=date.today() if only_valid else None, **filters)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "policy/measures.html", {
        "page": page, "q": q, "filters": filters, "only_valid": only_valid, "tag_kinds": TagKind.choices,
        "programmes": selectors.programmes(),
    })
