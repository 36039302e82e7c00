from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Count, Q, QuerySet, Window

from tongban.catalog.models import Item, ItemVersion

CHANNEL_FIELDS = {"window": "channel_window", "online": "channel_online", "self_service": "channel_self_service"}


def item_search(*, q: str = "", category: str | None = None, id_only: bool | None = None,
                cross_region: bool | None = None, holiday_open: bool | None = None,
                channel: str | None = None, department: str | None = None) -> QuerySet[ItemVersion]:
    """Current versions of offered items matching the filters. `q` matches the name, the
    code, or the pinyin initials (e.g. "gjjtq" for 公积金提取)."""
    cond = _search_conditions(q=q, category=category, id_only=id_only, cross_region=cross_region,
                              holiday_open=holiday_open, channel=channel, department=department)
    return (ItemVersion.objects.filter(is_current=True, item__is_active=True).filter(cond)
            .select_related("item", "department").order_by("item__code"))


def _search_conditions(*, q: str = "", category: str | None = None, id_only: bool | None = None,
                       cross_region: bool | None = None, holiday_open: bool | None = None,
                       channel: str | None = None, department: str | None = None) -> Q:
    # One Q for one filter() call: each chained filter() clones and re-resolves the query
    # (all relations here are forward FKs, so one call means the same as a chain).
    cond = Q()
    q = (q or "").strip()
    if q:
        cond &= Q(name__icontains=q) | Q(item__code__iexact=q) | Q(name_initials__contains=q.lower())
    if category:
        cond &= Q(category=category)
    if department:
        cond &= Q(department__code=department)
    for name, value in (("id_only", id_only), ("cross_region", cross_region), ("holiday_open", holiday_open)):
        if value is not None:
            cond &= Q(**{name: value})
    if channel in CHANNEL_FIELDS:
        cond &= Q(**{CHANNEL_FIELDS[channel]: True})
    return cond


# The columns of one search result (schemas.item_summary_row turns a row into the API shape).
SUMMARY_FIELDS = (
    "item__code", "version", "name", "category", "department__name", "legal_limit_days",
    "promised_limit_days", "fee", "channel_window", "channel_online", "channel_self_service",
    "id_only", "cross_region", "holiday_open",
)


@cache
def _page_base() -> QuerySet:
    """The fixed part of every search page query, resolved once per process (resolving the
    fields, joins and window of a values() query was a third of the endpoint's time). Never
    evaluated itself: each request clones it with filter()."""
    return (
        ItemVersion.objects.filter(is_current=True, item__is_active=True)
        .order_by("item__code")
        .values(*SUMMARY_FIELDS, total=Window(Count("pk")))
    )


def item_search_page(*, limit: int, offset: int, **filters) -> tuple[int, list[dict]]:
    """One page of `item_search(**filters)` as plain rows of SUMMARY_FIELDS (plus "total"),
    and the total number of matches. One query: the total rides along as a window count
    (evaluated before LIMIT/OFFSET); only a page past the end needs a separate count."""
    qs = _page_base().filter(_search_conditions(**filters))
    rows = list(qs[offset : offset + limit])
    total = rows[0]["total"] if rows else (qs.count() if offset else 0)
    return total, rows


def item_get_current(*, code: str) -> ItemVersion | None:
    return (
        ItemVersion.objects.filter(item__code=code, is_current=True, item__is_active=True)
        .select_related("item", "department")
        .prefetch_related("materials")
        .first()
    )


# item_get_current_shared(): versions this process has loaded, by (id, created_at).
_SHARED_SECONDS = 60
_SHARED_MAX = 2000
_shared: dict[tuple, tuple[float, ItemVersion]] = {}


# The question item_get_current_shared() and item_still_current() ask: which version of an
# item is current, as (id, created_at).
_CURRENT_SQL = (
    f"SELECT v.id, v.created_at FROM {ItemVersion._meta.db_table} v"  # noqa: S608 (table names)
    f" JOIN {Item._meta.db_table} i ON i.id = v.item_id"
    " WHERE i.code = %s AND v.is_current AND i.is_active"
)
# item_remembered(): the version each code last had in this process, with its key and when it
# was loaded.
_by_code: dict[str, tuple[float, tuple, ItemVersion]] = {}


def item_get_current_shared(*, code: str) -> ItemVersion | None:
    """item_get_current() for a hot path that only reads the version (filing a case).

    A published version never changes: a revision is a new row that becomes current. So each
    call asks the database only which version is current (one small indexed query, so a
    revision or withdrawal counts at once, in every process), and takes the version with its
    item, department and materials from this process's memory. The key includes the row's
    creation time because SQLite hands out a rolled-back row's id again. Entries live
    _SHARED_SECONDS, so a renamed department shows within a minute. The instance is shared
    between requests: callers must not modify it."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, [code])
        row = cursor.fetchone()
    if row is None:
        _by_code.pop(code, None)
        return None
    key, now = tuple(row), time.monotonic()
    hit = _shared.get(key)
    if hit is not None and now - hit[0] < _SHARED_SECONDS:
        loaded_at, version = hit
    else:
        loaded_at = now
        version = (ItemVersion.objects.select_related("item", "department").prefetch_related("materials")
                   .filter(pk=row[0]).first())
        if version is None:
            return None
        if len(_shared) >= _SHARED_MAX:
            _shared.clear()
            _by_code.clear()
        _shared[key] = (now, version)
    _by_code[code] = (loaded_at, key, version)  # remembered only as long as the version's data is fresh
    return version


@dataclass(frozen=True)
class RememberedVersion:
    code: str
    version: ItemVersion
    key: tuple  # (id, created_at) as the database returned them


def item_remembered(*, code: str) -> RememberedVersion | None:
    """The version item_get_current_shared() last found current for `code` in this process
    (within _SHARED_SECONDS), without asking the database. The caller confirms it with
    item_still_current() in the transaction that relies on it."""
    hit = _by_code.get(code)
    if hit is None or time.monotonic() - hit[0] >= _SHARED_SECONDS:
        return None
    return RememberedVersion(code=code, version=hit[2], key=hit[1])


def item_still_current(remembered: RememberedVersion) -> Callable[[], bool]:
    """Ask whether a remembered version is still its item's current one. The question is sent
    at once and its answer read when the returned function is called: inside
    core.pipeline.pipelined() the question travels with the next statement whose answer is
    awaited, costing no round trip of its own."""
    cursor = connection.cursor()
    cursor.execute(_CURRENT_SQL, [remembered.code])

    def answer() -> bool:
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return row is not None and tuple(row) == remembered.key

    return answer


_materials: dict[tuple, list] = {}


def item_version_materials(version: ItemVersion) -> list:
    """The materials of an item version, read once per process: a published version's
    materials never change (see item_get_current_shared; the key includes the creation time
    for the same reason)."""
    key = (version.pk, version.created_at)
    materials = _materials.get(key)
    if materials is None:
        if len(_materials) >= _SHARED_MAX:
            _materials.clear()
        materials = _materials[key] = list(version.materials.all())
    return materials


def item_version_get(*, code: str, version: int) -> ItemVersion | None:
    return (
        ItemVersion.objects.filter(item__code=code, version=version)
        .select_related("item", "department")
        .prefetch_related("materials")
        .first()
    )
