"""Who may do what to a case: one table of actions by role, plus the center rule from
`tongban.org.scoping` (a staff member acts only on cases of the centers they may see).

Every service and page asks `require(user, case, action)`; nothing else decides.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongban.core.errors import Forbidden
from tongban.org.models import Role
from tongban.org.scoping import may_see_center, staff_profile

R = Role
FRONT_DESK = frozenset({R.CLERK, R.CENTER_ADMIN})
ALL_STAFF = frozenset(Role.values)

ACTION_ROLES: dict[str, frozenset[str]] = {
    "view": ALL_STAFF,
    "submit": FRONT_DESK | {R.AGENT},  # 帮办代办: an agent files on behalf of an enterprise
    "add_material": FRONT_DESK,
    "accept": FRONT_DESK,
    "refuse": FRONT_DESK,
    "request_correction": FRONT_DESK,
    "start_review": frozenset({R.APPROVER}),
    "start_special_procedure": frozenset({R.APPROVER}),
    "end_special_procedure": frozenset({R.APPROVER}),
    "approve": frozenset({R.APPROVER}),
    "deny": frozenset({R.APPROVER}),
    "request_extension": frozenset({R.APPROVER}),
    "decide_extension": frozenset({R.LEADER}),
    "conclude": frozenset({R.APPROVER, R.CLERK}),
    "deliver": FRONT_DESK,
    "withdraw": FRONT_DESK,
    "record_rating": FRONT_DESK,
    "reveal_personal_data": frozenset({R.CLERK, R.APPROVER, R.CENTER_ADMIN}),
    "handle_rectification": frozenset({R.CENTER_ADMIN}),
}

TRANSITIONS = (
    "accept", "refuse", "request_correction", "start_review", "start_special_procedure",
    "end_special_procedure", "approve", "deny", "conclude", "deliver", "withdraw",
)


def allowed(user, center_id: int, action: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = staff_profile(user)
    if profile is None or profile.role not in ACTION_ROLES[action]:
        return False
    return may_see_center(user, center_id)


def require(user, center_id: int, action: str) -> None:
    if not allowed(user, center_id, action):
        raise Forbidden(_("Your role or service center may not do this (%(action)s).") % {"action": action},
                        code="forbidden_action")


def allowed_actions(user, case) -> list[str]:
    """The transitions this user may fire on this case now (for pages and the API)."""
    from django_fsm import can_proceed

    return [a for a in TRANSITIONS if allowed(user, case.center_id, a) and can_proceed(getattr(case, a))]
