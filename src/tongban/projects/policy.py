"""Who may do what to a construction project: one table of actions by role, plus the center
rule of `tongban.org.scoping` (staff act only on projects of centers they may see)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.core.errors import Forbidden
from tongban.org.models import Role
from tongban.org.scoping import may_see_center, staff_profile

R = Role
ALL_STAFF = frozenset(Role.values)
COORDINATORS = frozenset({R.AGENT, R.CENTER_ADMIN})

ACTION_ROLES: dict[str, frozenset[str]] = {
    "view": ALL_STAFF,
    "register_project": COORDINATORS,
    "start_stage": COORDINATORS,
    "add_item": COORDINATORS,
    "complete_stage": COORDINATORS,
    "request_permit_part": COORDINATORS,
    "issue_permit_part": frozenset({R.APPROVER, R.CENTER_ADMIN}),
    "record_acceptance": frozenset({R.APPROVER, R.CENTER_ADMIN}),
    "record_joint_acceptance": frozenset({R.AGENT, R.APPROVER, R.CENTER_ADMIN}),
    "write_worklog": frozenset({R.AGENT}),
    "sign_agreement": frozenset({R.CENTER_ADMIN, R.LEADER}),
    "manage_register": frozenset({R.CENTER_ADMIN, R.LEADER}),  # enterprises, parcels, classes, rules
}


def allowed(user, center_id: int | None, action: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = staff_profile(user)
    if profile is None or profile.role not in ACTION_ROLES[action]:
        return False
    return center_id is None or may_see_center(user, center_id)


def require(user, center_id: int | None, action: str) -> None:
    if not allowed(user, center_id, action):
        raise Forbidden(_("Your role or service center may not do this (%(action)s).") % {"action": action},
                        code="forbidden_action")
