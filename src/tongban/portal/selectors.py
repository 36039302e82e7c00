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
