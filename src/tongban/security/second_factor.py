"""The second factor (TOTP, RFC 6238) that approvers, center administrators, leaders and
superusers need on top of their password (django-otp's TOTPDevice)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core.services import audit_record
from tongban.org.scoping import staff_profile

DEVICE_NAME = "authenticator"


def requires_second_factor(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = staff_profile(user)
    return profile is not None and profile.role in settings.TONGBAN_SECOND_FACTOR_ROLES


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


@transaction.atomic
def enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed device a user is enrolling (made on first sight, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def device_install(*, user, key_hex: str) -> TOTPDevice:
    """A confirmed device with a given secret (demo accounts, operator provisioning)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key_hex, confirmed=True)
    audit_record(actor=None, action="second_factor.install", object_type="user", object_id=str(user.pk))
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def current_code(device: TOTPDevice, *, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def second_factor_verify(*, request, device: TOTPDevice, code: str) -> bool:
    """Check a 6-digit code; on success the session counts as verified (and an unconfirmed
    device becomes the user's device). Every attempt is audited."""
    code = (code or "").strip().replace(" ", "")
    ok = code.isdigit() and len(code) == device.digits and device.verify_token(code)
    user = request.user
    audit_record(actor=user, action="second_factor.ok" if ok else "second_factor.failed",
                 object_type="user", object_id=str(user.pk))
    if ok:
        if not device.confirmed:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
    return ok
