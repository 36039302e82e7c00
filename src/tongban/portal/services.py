"""Portal writes: the anonymous page-view counter."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.portal.models import PageKind, PageView

MAX_PATH = 200


def page_view_record(*, path: str, kind: str) -> None:
    """Add one view to today's counter of (path, kind). Only the path (no query string) and
    the kind are kept; nothing identifies the visitor."""
    if kind not in PageKind.values:
        raise ValueError(f"unknown page kind {kind}")
    day = timezone.localdate()
    path = path.split("?", 1)[0][:MAX_PATH]
    with transaction.atomic():
        if PageView.objects.filter(day=day, path=path, kind=kind).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                PageView.objects.create(day=day, path=path, kind=kind, count=1)
        except IntegrityError:  # a concurrent first view of the day created the row
            PageView.objects.filter(day=day, path=path, kind=kind).update(count=F("count") + 1)


# -- citizen sign-in ---------------------------------------------------------------------------
def citizen_sign_in_start(*, id_number: str, phone: str) -> str:
    """Validate the ID number and phone, ask the real-name provider to send a code; returns the
    challenge to keep in the session (with the ID number's blind index, never the number)."""
    from tongban.core.validation import validate_id_number as check_id
    from tongban.core.validation import validate_phone
    from tongban.portal.realname import provider

    return provider().start(id_number=check_id(id_number), phone=validate_phone(phone))


@transaction.atomic
def citizen_sign_in_confirm(*, challenge: str, code: str, id_number: str, phone: str):
    """The code is right: the citizen's account (made on first sign-in). Audited."""
    from tongban.core import pii
    from tongban.core.errors import InvalidInput
    from tongban.core.services import audit_record
    from tongban.portal.models import CitizenAccount
    from tongban.portal.realname import provider

    if not provider().confirm(challenge=challenge, code=code):
        raise InvalidInput(_("The code is not right or has expired; ask for a new one."), field="code",
                           code="sign_in_code_invalid")
    index = pii.blind_index(id_number, kind="id_number")
    account, _created = CitizenAccount.objects.get_or_create(id_index=index, defaults={
        "id_masked": pii.mask_id_number(id_number), "phone_masked": pii.mask_phone(phone),
        "phone_enc": pii.encrypt(phone, context="citizen.phone")})
    account.last_sign_in_at = timezone.now()
    account.save(update_fields=["last_sign_in_at"])
    audit_record(actor=None, action="citizen.sign_in", object_type="citizen_account", object_id=str(account.pk))
    return account
