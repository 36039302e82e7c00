"""Reads of the projects app, scoped to the user by `tongban.org.scoping`."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tongban.core.errors import NotFound
from tongban.org.models import Role
from tongban.org.scoping import scope_by_center, staff_profile
from tongban.projects.models import (
    AcceptanceItem,
    Agreement,
    PermitPart,
    Project,
    ProjectStage,
    StageItem,
)


def _base() -> QuerySet[Project]:
    return Project.objects.select_related("enterprise", "center", "project_class", "rules", "agent__staff",
                                          "parcel")


def projects_for(*, user, mine: bool | None = None, stage: str | None = None) -> QuerySet[Project]:
    """Projects the user may see; an agent sees their own by default (mine=None)."""
    qs = scope_by_center(_base(), user)
    profile = staff_profile(user)
    if mine or (mine is None and profile is not None and profile.role == Role.AGENT):
        qs = qs.filter(agent=user)
    if stage:
        qs = qs.filter(stages__stage=stage, stages__state="in_progress")
    return qs.prefetch_related(Prefetch("stages", queryset=ProjectStage.objects.order_by("position"))).order_by(
        "center__code", "code")


def project_get(*, user, code: str) -> Project:
    project = (
        scope_by_center(_base(), user)
        .prefetch_related(
            Prefetch("stages", queryset=ProjectStage.objects.order_by("position")),
            Prefetch("stages__items", queryset=StageItem.objects.select_related("case").order_by("id")),
            Prefetch("stages__permit_parts", queryset=PermitPart.objects.select_related("case", "license")),
            Prefetch("stages__acceptance_items",
                     queryset=AcceptanceItem.objects.select_related("case", "decided_by__staff")),
            "parcel__assessments",
        )
        .filter(code=code)
        .first()
    )
    if project is None:
        raise NotFound(_("No project with code %(c)s.") % {"c": code}, code="project_not_found")
    return project


def agreements_for(*, user) -> QuerySet[Agreement]:
    return (scope_by_center(Agreement.objects.all(), user)
            .select_related("center", "enterprise", "agent__staff")
            .prefetch_related("contacts", "projects")
            .order_by("center__code", "signed_on", "id"))
