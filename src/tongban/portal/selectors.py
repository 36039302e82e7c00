"""Portal reads for the statistics: page views summed by kind over a date range."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum

from tongban.portal.models import PageView


def page_views_by_kind(*, start: date, end: date) -> dict[str, int]:
    rows = PageView.objects.filter(day__gte=start, day__lte=end).values("kind").annotate(n=Sum("count"))
    return {row["kind"]: row["n"] for row in rows}


def page_views_total(*, start: date, end: date) -> int:
    return PageView.objects.filter(day__gte=start, day__lte=end).aggregate(n=Sum("count"))["n"] or 0


def cases_of_citizen(*, account, limit: int = 50):
    """The signed-in citizen's own applications (applicant with the same verified ID number)."""
    from tongban.cases.models import Case

    return (Case.objects.filter(applicant__kind="person", applicant__id_number_index=account.id_index)
            .select_related("item_version", "center").order_by("-submitted_at", "-id")[:limit])


def citizen_account(request):
    from tongban.portal.models import CitizenAccount

    pk = request.session.get("citizen_account")
    return CitizenAccount.objects.filter(pk=pk).first() if pk else None
