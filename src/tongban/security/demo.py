"""Demo authenticators: every demo account that needs a second factor gets a confirmed TOTP
device with a FIXED, published key (README, "Demo accounts"): demo only. `tongban totp NAME`
prints the current code."""

import base64
import hashlib

from django.contrib.auth import get_user_model

from tongban.security.second_factor import confirmed_device, device_install, requires_second_factor


def demo_key_hex(username: str) -> str:
    return hashlib.sha1(f"tongban-demo-totp:{username}".encode()).hexdigest()  # noqa: S324  (demo key)


def demo_secret(username: str) -> str:
    return base64.b32encode(bytes.fromhex(demo_key_hex(username))).decode().rstrip("=")


def load() -> str:
    added = 0
    for user in get_user_model().objects.filter(is_active=True).order_by("id"):
        if requires_second_factor(user) and confirmed_device(user) is None:
            device_install(user=user, key_hex=demo_key_hex(user.username))
            added += 1
    return f"{added} authenticators"
