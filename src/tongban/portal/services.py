"""Portal writes: the anonymous page-view counter."""

from __future__ import annotations

from datetime import date

from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import ResponseError

from tongban.core.redis import cache_redis
from tongban.portal.models import PageKind, PageView

MAX_PATH = 200
# Redis hash "day|kind|path" -> views not yet in PageView; both names under the cache's KEY_PREFIX,
# so deployments sharing a Redis keep their counts apart.
PENDING_KEY = "pageviews:pending"
BATCH_KEY = "pageviews:flushing"


def _key(name: str) -> str:
    return caches["default"].make_key(name)


def page_view_record(*, path: str, kind: str) -> None:
    """Add one view to today's counter of (path, kind). Only the path (no query string) and
    the kind are kept; nothing identifies the visitor. With Redis (production) the view is
    counted there and `page_views_flush` moves the counts into PageView every minute, so a
    portal page costs no database write; without it, one upsert statement."""
    if kind not in PageKind.values:
        raise ValueError(f"unknown page kind {kind}")
    day = timezone.localdate()
    path = path.split("?", 1)[0][:MAX_PATH]
    redis = cache_redis()
    if redis is not None:
        redis.hincrby(_key(PENDING_KEY), f"{day.isoformat()}|{kind}|{path}", 1)
        return
    _page_views_add(day, path, kind, 1)


def _page_views_add(day, path: str, kind: str, views: int) -> None:
    table = connection.ops.quote_name(PageView._meta.db_table)
    with connection.cursor() as cursor:  # SQLite and PostgreSQL share the upsert syntax
        cursor.execute(
            f"INSERT INTO {table} (day, path, kind, count) VALUES (%s, %s, %s, %s) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (day, path, kind) DO UPDATE SET count = {table}.count + EXCLUDED.count",
            [connection.ops.adapt_datefield_value(day), path, kind, views],
        )


def page_views_flush() -> int:
    """Move the views counted in Redis into PageView; returns how many were moved. The pending
    hash is renamed to the batch key first, so views counted meanwhile wait for the next flush;
    a batch whose flush died before its commit is still there and goes first next time."""
    redis = cache_redis()
    if redis is None:
        return 0
    moved = 0
    batch = _key(BATCH_KEY)
    for _turn in range(2):  # a batch left by a flush that died, then what is pending now
        leftover = redis.exists(batch)
        if not leftover:
            try:
                redis.rename(_key(PENDING_KEY), batch)
            except ResponseError:  # nothing pending
                break
        counts = redis.hgetall(batch)
        with transaction.atomic():
            for field, views in counts.items():
                day, kind, path = field.decode().split("|", 2)
                _page_views_add(date.fromisoformat(day), path, kind, int(views))
                moved += int(views)
        redis.delete(batch)
        if not leftover:
            break
    return moved


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
