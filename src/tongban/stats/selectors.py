"""Dashboard reads: who may see statistics and which filter their page shows."""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.errors import Forbidden
from tongban.org.models import Role
from tongban.org.scoping import has_role, visible_center_ids
from tongban.stats import registry
from tongban.stats.filters import StatsFilter


def stats_filter_for(*, user, params) -> StatsFilter:
    """The filter of a dashboard request, limited to the centers the user may see. Leaders and
    center administrators only."""
    if not has_role(user, Role.LEADER, Role.CENTER_ADMIN):
        raise Forbidden(_("Statistics are for bureau leaders and center administrators."), code="forbidden_action")
    ids = visible_center_ids(user)
    year = timezone.localdate().year
    if (params.get("year") or "").isdigit():
        year = int(params["year"])
    return StatsFilter.from_params(params, default_start=date(year, 1, 1), default_end=date(year, 12, 31),
                                   scope=None if ids is None else frozenset(ids))


def late_by_officer(f: StatsFilter, limit: int = 20) -> list[dict]:
    """Officers (the approver handling the case, else the clerk who received it) by cases
    concluded late in the period."""
    qs = registry.get("late").cases(f)
    rows = (qs.values("assigned_to_id", "assigned_to__staff__display_name", "center__name")
            .annotate(n=Count("pk")).order_by("-n")[:limit])
    return [{"staff": r["assigned_to_id"], "name": r["assigned_to__staff__display_name"] or "—",
             "center": r["center__name"], "late": r["n"]} for r in rows]


def slowest_items(f: StatsFilter, limit: int = 10, at_least: int = 5) -> list[dict]:
    metric = registry.get("mean_duration_days")
    means = metric.breakdown(f, "item_version__item__code")
    counts = registry.get("concluded").breakdown(f, "item_version__item__code")
    ranked = sorted(((code, v) for code, v in means.items() if v is not None and counts.get(code, 0) >= at_least),
                    key=lambda kv: -kv[1])[:limit]
    from tongban.catalog.models import ItemVersion

    names = dict(ItemVersion.objects.filter(item__code__in=[c for c, _v in ranked], is_current=True)
                 .values_list("item__code", "name"))
    return [{"item": code, "name": names.get(code, code), "mean_days": v, "concluded": counts[code]}
            for code, v in ranked]
