"""Notifications for staff: a record the workbench shows, plus optional email/SMS adapters
behind one interface (settings.TONGBAN_NOTIFY_ADAPTERS, dotted paths of callables taking the
Notification). Adapters run after commit, so a failed send never undoes the record."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from tongban.cases.models import Notification

log = logging.getLogger(__name__)


def notify(*, user, case, kind: str, message: str) -> Notification | None:
    """Record once per (user, case, kind); returns None when it was already sent."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(user=user, case=case, kind=kind, message=message[:300],
                                               created_at=timezone.now())
    except IntegrityError:
        return None
    for path in getattr(settings, "TONGBAN_NOTIFY_ADAPTERS", []):
        adapter = import_string(path)
        transaction.on_commit(lambda adapter=adapter, note=note: _deliver(adapter, note))
    return note


def _deliver(adapter, note: Notification) -> None:
    try:
        adapter(note)
    except Exception:  # an unreachable mail or SMS gateway must not break case handling
        log.exception("notification adapter %s failed for notification %s", adapter, note.pk)


def email_adapter(note: Notification) -> None:
    if note.user.email:
        send_mail(subject=note.message[:80], message=note.message, from_email=None,
                  recipient_list=[note.user.email])


def console_sms_adapter(note: Notification) -> None:
    """The demo's SMS gateway: writes the message to the log instead of a phone."""
    log.warning("SMS to %s: %s", note.user.get_username(), note.message)


def notification_mark_read(*, user, notification_id: int) -> bool:
    return bool(Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True)
                .update(read_at=timezone.now()))
