"""Who may do what in service: duty plans by center administrators and leaders; queue, consultations
and outreach by front-desk staff; every staff act limited to the centers the user may see."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.core.errors import Forbidden
from tongban.org.models import Role
from tongban.org.scoping import has_role, may_see_center

R = Role
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "plan": (R.CENTER_ADMIN, R.LEADER),
    "call": (R.CLERK, R.CENTER_ADMIN),
    "consult": (R.CLERK, R.APPROVER, R.AGENT, R.CENTER_ADMIN),
    "outreach": (R.CLERK, R.AGENT, R.CENTER_ADMIN, R.LEADER),
    "training": (R.CENTER_ADMIN, R.LEADER),
    "view": tuple(Role.values),
}


def require(user, action: str, center_id: int | None = None) -> None:
    ok = has_role(user, *ACTION_ROLES[action]) and (center_id is None or may_see_center(user, center_id))
    if not ok:
        raise Forbidden(_("Your role or service center may not do this (%(action)s).") % {"action": action},
                        code="forbidden_action")
