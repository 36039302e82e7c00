"""Signed-in sessions per user: registered at sign-in so that "sign out everywhere" ends
every one of them (other browsers, other machines) at once."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from tongban.core.ratelimit import client_ip
from tongban.core.services import audit_record
from tongban.security.models import StaffSession


def _store(session_key: str) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def on_signed_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    ip = client_ip(request) if getattr(request, "META", None) else None
    StaffSession.objects.update_or_create(session_key=session.session_key,
                                          defaults={"user": user, "ip_address": ip if ip != "unknown" else None})


def on_signed_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        StaffSession.objects.filter(session_key=session.session_key).delete()


@transaction.atomic
def sign_out_everywhere(*, user) -> int:
    """End every session of the user (the caller's own included). Returns how many ended."""
    keys = list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        _store(key).delete()
    StaffSession.objects.filter(user=user).delete()
    audit_record(actor=user, action="session.sign_out_everywhere", object_type="user", object_id=str(user.pk),
                 detail={"sessions": len(keys)})
    return len(keys)
