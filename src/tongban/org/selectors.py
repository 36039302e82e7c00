from __future__ import annotations

from django.db.models import QuerySet

from tongban.org.models import Center, Region, StaffProfile
from tongban.org.scoping import scope_by_center


def region_list() -> QuerySet[Region]:
    return Region.objects.all()


def center_list(*, region_code: str | None = None, level: str | None = None) -> QuerySet[Center]:
    qs = Center.objects.select_related("region", "parent")
    if region_code:
        qs = qs.filter(region__code=region_code)
    if level:
        qs = qs.filter(level=level)
    return qs


def center_get(*, code: str) -> Center | None:
    return (
        Center.objects.select_related("region", "parent")
        .prefetch_related("halls__windows")
        .filter(code=code)
        .first()
    )


def staff_list_for(*, user, center_code: str | None = None, role: str | None = None) -> QuerySet[StaffProfile]:
    qs = scope_by_center(StaffProfile.objects.select_related("center", "user", "window"), user)
    if center_code:
        qs = qs.filter(center__code=center_code)
    if role:
        qs = qs.filter(role=role)
    return qs
