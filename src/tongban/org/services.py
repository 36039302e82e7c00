from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.org.models import ApiToken, Center, Role, StaffProfile


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


def token_authenticate(raw: str):
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
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
