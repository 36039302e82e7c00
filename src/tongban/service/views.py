"""Staff pages: the printable duty roster of a holiday plan."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from tongban.core.errors import NotFound
from tongban.org.scoping import staff_profile
from tongban.service import selectors


@login_required
def roster(request, plan_id: int):
    if staff_profile(request.user) is None and not request.user.is_superuser:
        raise Http404
    try:
        plan, shifts = selectors.roster(user=request.user, plan_id=plan_id)
    except NotFound:
        raise Http404 from None
    days = [(day, list(rows)) for day, rows in groupby(shifts, key=lambda s: s.day)]
    return render(request, "service/roster.html", {"plan": plan, "days": days})
