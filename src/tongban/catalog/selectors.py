from __future__ import annotations

from django.db.models import Q, QuerySet

from tongban.catalog.models import ItemVersion

CHANNEL_FIELDS = {"window": "channel_window", "online": "channel_online", "self_service": "channel_self_service"}


def item_search(*, q: str = "", category: str | None = None, id_only: bool | None = None,
                cross_region: bool | None = None, holiday_open: bool | None = None,
                channel: str | None = None, department: str | None = None) -> QuerySet[ItemVersion]:
    """Current versions of offered items matching the filters. `q` matches the name, the
    code, or the pinyin initials (e.g. "gjjtq" for 公积金提取)."""
    qs = ItemVersion.objects.filter(is_current=True, item__is_active=True).select_related(
        "item", "department"
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(item__code__iexact=q) | Q(name_initials__startswith=q.lower()))
    if category:
        qs = qs.filter(category=category)
    if department:
        qs = qs.filter(department__code=department)
    for name, value in (("id_only", id_only), ("cross_region", cross_region), ("holiday_open", holiday_open)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if channel in CHANNEL_FIELDS:
        qs = qs.filter(**{CHANNEL_FIELDS[channel]: True})
    return qs.order_by("item__code")


def item_get_current(*, code: str) -> ItemVersion | None:
    return (
        ItemVersion.objects.filter(item__code=code, is_current=True, item__is_active=True)
        .select_related("item", "department")
        .prefetch_related("materials")
        .first()
    )


def item_version_get(*, code: str, version: int) -> ItemVersion | None:
    return (
        ItemVersion.objects.filter(item__code=code, version=version)
        .select_related("item", "department")
        .prefetch_related("materials")
        .first()
    )
