from __future__ import annotations

import copy
import hashlib
import secrets
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput, NotFound
from tongban.core.rawsql import aware
from tongban.core.services import audit_record
from tongban.org.models import ApiToken, Center, Role, StaffProfile
from tongban.org.scoping import PROFILE_RELATED, staff_profile, staff_profile_remember


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create an API token; the clear key is returned once and never stored."""
    raw = "tb_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:8], key_hash=token_hash(raw))
    token.full_clean()
    token.save()
    audit_record(actor=user, action="token.create", object_type="api_token", object_id=str(token.pk))
    return token, raw


# token_authenticate(): the users (with their staff profiles) this process has loaded, by
# token hash, with the row they were loaded under and when.
_TOKEN_MEMORY_SECONDS = 30
_TOKEN_MEMORY_MAX = 5000
_token_memory: dict[str, tuple[float, tuple, object]] = {}


def _token_state(digest: str) -> tuple | None:
    """What decides whether a token still admits its holder, and as whom: one indexed query
    over the token, the user and the staff profile (None for a wrong, revoked or disabled
    token). Read on every call, so a revocation, a disabled account or a changed role or
    center counts from the next request on."""
    user_table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id, t.last_used_at, u.id, u.username, u.is_superuser, u.is_staff,"  # noqa: S608 (table names)
            f" s.id, s.role, s.center_id, s.window_id"
            f" FROM {ApiToken._meta.db_table} t JOIN {user_table} u ON u.id = t.user_id"
            f" LEFT JOIN {StaffProfile._meta.db_table} s ON s.user_id = u.id"
            f" WHERE t.key_hash = %s AND NOT t.revoked AND u.is_active",
            [digest],
        )
        return cursor.fetchone()


def token_authenticate(raw: str):
    """The active user holding this token, with their staff profile loaded.

    The user and profile objects are kept in this process for up to _TOKEN_MEMORY_SECONDS and
    used again while the token's state (above) is unchanged: a request pays one small query
    instead of a six-table join. Each request gets its own copies. Names shown with the
    profile (a renamed center, say) can be that much behind."""
    digest = token_hash(raw)
    state = _token_state(digest)
    if state is None:
        return None
    token_id, last_used_at, *admits = state
    now = timezone.now()
    if last_used_at is None or (now - aware(last_used_at)).total_seconds() > 300:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    remembered = _token_memory.get(digest)
    clock = time.monotonic()
    if remembered is None or remembered[1] != tuple(admits) or clock - remembered[0] > _TOKEN_MEMORY_SECONDS:
        user = _token_user_load(token_id)
        if user is None:  # revoked between the two queries
            return None
        if len(_token_memory) >= _TOKEN_MEMORY_MAX:
            _token_memory.clear()
        remembered = (clock, tuple(admits), user)
        _token_memory[digest] = remembered
    user = copy.copy(remembered[2])
    profile = staff_profile(remembered[2])
    staff_profile_remember(user, copy.copy(profile) if profile is not None else None)
    return user


def _token_user_load(token_id: int):
    token = next(iter(
        ApiToken.objects.select_related("user", *(f"user__staff__{r}" for r in PROFILE_RELATED))
        .filter(pk=token_id, revoked=False, user__is_active=True)[:1]
    ), None)
    if token is None:
        return None
    try:
        profile = token.user.staff
    except StaffProfile.DoesNotExist:
        profile = None
    staff_profile_remember(token.user, profile)
    return token.user


@transaction.atomic
def staff_create(*, username: str, password: str, display_name: str, center_code: str, role: str,
                 window=None, employee_no: str = "", email: str = ""):
    if role not in Role.values:
        raise InvalidInput(_("Unknown role %(role)s.") % {"role": role}, field="role")
    center = Center.objects.filter(code=center_code).first()
    if center is None:
        raise NotFound(_("No service center with code %(code)s.") % {"code": center_code})
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("The user name %(name)s is taken.") % {"name": username}, field="username")
    user = User.objects.create_user(username=username, password=password, email=email,
                                    is_staff=role in (Role.CENTER_ADMIN, Role.LEADER))
    profile = StaffProfile(user=user, center=center, role=role, window=window,
                           display_name=display_name, employee_no=employee_no)
    profile.full_clean()
    profile.save()
    return profile
