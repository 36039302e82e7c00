"""Reads for the workbench pages, scoped like every other read (tongban.org.scoping)."""

from __future__ import annotations

from django.db.models import Count

from tongban.cases.models import Case, Extension, ExtensionState, Notification
from tongban.org.scoping import scope_by_center


def case_counts(*, user) -> dict:
    """Cases the user may see, counted by state and by light (for the overview cards)."""
    rows = scope_by_center(Case.objects.all(), user).values("state", "light").annotate(n=Count("id"))
    by_state: dict[str, int] = {}
    by_light: dict[str, int] = {}
    for row in rows:
        by_state[row["state"]] = by_state.get(row["state"], 0) + row["n"]
        by_light[row["light"]] = by_light.get(row["light"], 0) + row["n"]
    return {"state": by_state, "light": by_light, "total": sum(by_state.values())}


def center_counts(*, user) -> list[dict]:
    """Per center: open cases and how many are red or yellow."""
    rows = (
        scope_by_center(Case.objects.all(), user)
        .values("center__code", "center__name", "light")
        .annotate(n=Count("id"))
        .order_by("center__code")
    )
    centers: dict[str, dict] = {}
    for row in rows:
        c = centers.setdefault(row["center__code"], {"code": row["center__code"], "name": row["center__name"],
                                                      "total": 0, "red": 0, "yellow": 0, "green": 0})
        c["total"] += row["n"]
        if row["light"] in ("red", "yellow", "green"):
            c[row["light"]] += row["n"]
    return list(centers.values())


def pending_extensions(*, user):
    return (
        scope_by_center(Extension.objects.filter(state=ExtensionState.PENDING), user, field="case__center")
        .select_related("case__item_version", "case__center", "requested_by")
        .order_by("requested_at")[:100]
    )


def notifications_for(*, user, unread_only: bool = False):
    qs = Notification.objects.filter(user=user).select_related("case")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs[:100]


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
