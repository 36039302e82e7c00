"""The account under which this deployment applies what a partner did: creating the home case
and mirroring status changes. It cannot sign in (no usable password); its name appears in case
events and the audit log, so every such change is visibly the partner's."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.contrib.auth import get_user_model

USERNAME = "crossregion"

# True while this deployment applies a partner's change: those changes are not echoed back.
_applying_partner_change = contextvars.ContextVar("applying_partner_change", default=False)


def system_user():
    User = get_user_model()
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = User(username=USERNAME, is_superuser=True, is_staff=False, is_active=True,
                    first_name="跨区通办", last_name="")
        user.set_unusable_password()
        user.save()
    return user


@contextmanager
def applying_partner_change():
    token = _applying_partner_change.set(True)
    try:
        yield
    finally:
        _applying_partner_change.reset(token)


def is_applying_partner_change() -> bool:
    return _applying_partner_change.get()
