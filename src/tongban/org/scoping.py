"""The one place that decides which centers' records a staff member may see.

- bureau leader: every center of the local region
- center administrator: their center and the centers below it (e.g. its street stations)
- clerk, approver, agent: their own center
- superuser: everything; anyone else (citizens, anonymous): nothing

Selectors in every app call `scope_by_center()`; nothing else filters by center on its own.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tongban.org.models import Center, Role, StaffProfile

ALL = None  # sentinel: no restriction


# What staff_profile() loads with the profile; org.services.token_authenticate() loads the same
# along with the token.
PROFILE_RELATED = ("center", "center__region", "window")


def staff_profile(user) -> StaffProfile | None:
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_tongban_staff", False)
    if cached is False:
        # order_by("pk"): one profile per user, so the model's default ordering (through the
        # center's own ordering) would only cost joins.
        cached = StaffProfile.objects.select_related(*PROFILE_RELATED).filter(user=user).order_by("pk").first()
        staff_profile_remember(user, cached)
    return cached


def staff_profile_remember(user, profile: StaffProfile | None) -> None:
    """Keep a profile loaded elsewhere (with PROFILE_RELATED) for this request's user object."""
    user._tongban_staff = profile


def visible_center_ids(user) -> set[int] | None:
    """Ids of the centers the user may see, or ALL (None) for no restriction."""
    if user is not None and user.is_authenticated and user.is_superuser:
        return ALL
    profile = staff_profile(user)
    if profile is None:
        return set()
    if profile.role == Role.LEADER:
        return set(Center.objects.filter(region_id=profile.center.region_id).values_list("id", flat=True))
    if profile.role == Role.CENTER_ADMIN:
        ids = {profile.center_id}
        frontier = {profile.center_id}
        while frontier:
            frontier = set(Center.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - ids
            ids |= frontier
        return ids
    return {profile.center_id}


def scope_by_center(queryset: QuerySet, user, *, field: str = "center") -> QuerySet:
    ids = visible_center_ids(user)
    if ids is ALL:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": ids})


def may_see_center(user, center_id: int) -> bool:
    ids = visible_center_ids(user)
    return ids is ALL or center_id in ids


def has_role(user, *roles: str) -> bool:
    if user is not None and user.is_authenticated and user.is_superuser:
        return True
    profile = staff_profile(user)
    return profile is not None and profile.role in roles
