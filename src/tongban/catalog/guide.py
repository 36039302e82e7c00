"""Where an item can be applied for: the local region's windows that serve its category."""

from tongban.org.models import Window


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
