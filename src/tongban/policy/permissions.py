"""Who may do what in policy: bureau-wide work, so roles only (no center scoping)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.core.errors import Forbidden
from tongban.org.models import Role
from tongban.org.scoping import has_role

R = Role
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "manage": (R.CENTER_ADMIN, R.LEADER),  # documents, measures, tasks, programmes, enterprise records
    "report_progress": (R.CLERK, R.APPROVER, R.AGENT, R.CENTER_ADMIN, R.LEADER),
    "file_claim": (R.CLERK, R.AGENT, R.CENTER_ADMIN),
    "review_claim": (R.APPROVER, R.CENTER_ADMIN, R.LEADER),
    "approve_payout": (R.LEADER,),
    "view": tuple(Role.values),
}


def allowed(user, action: str) -> bool:
    return has_role(user, *ACTION_ROLES[action])


def require(user, action: str) -> None:
    if not allowed(user, action):
        raise Forbidden(_("Your role may not do this (%(action)s).") % {"action": action}, code="forbidden_action")
