"""An item's service guide for the portal: the current version with its materials and where
it can be applied for (the local region's windows that serve its category)."""

from tongban.catalog import cache as catalog_cache
from tongban.catalog.selectors import item_get_current
from tongban.org.models import Window

GUIDE_CACHE_SECONDS = catalog_cache.SEARCH_CACHE_SECONDS
_MISSING = "missing"  # cached too, so a crawler asking for a wrong code does not reach the database


def item_guide_cached(code: str):
    """(version with its materials prefetched, places to apply) or None when no current item
    has this code. Cached like the search pages: a catalog write is seen at once, a change to
    the halls and windows within GUIDE_CACHE_SECONDS."""
    key = catalog_cache.guide_cache_key(code)
    built_under, hit = catalog_cache.cached(key)
    if hit is not catalog_cache.MISS:
        return None if hit == _MISSING else hit
    version = item_get_current(code=code)
    value = (version, places_to_apply(version)) if version is not None else None
    catalog_cache.store(key, built_under, _MISSING if value is None else value, GUIDE_CACHE_SECONDS)
    return value


def places_to_apply(version) -> list[dict]:
    windows = (
        Window.objects.filter(is_active=True, hall__center__region__code=_local_region_code())
        .select_related("hall__center")
        .order_by("hall__center__level", "hall__center__code", "number")
    )
    places: dict[str, dict] = {}
    for window in windows:
        serves = version.category in window.categories or (
            version.cross_region and "cross_region" in window.categories
        )
        if not serves:
            continue
        center = window.hall.center
        place = places.setdefault(center.code, {
            "center": center.code, "center_name": center.name, "address": center.address,
            "opening_hours": center.opening_hours, "windows": [],
        })
        place["windows"].append(f"{window.number} {window.name}")
    return list(places.values())


def _local_region_code() -> str:
    from django.conf import settings

    return settings.TONGBAN_REGION_CODE
