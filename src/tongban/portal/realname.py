"""Real-name verification for citizens' sign-in: a pluggable provider (TONGBAN_REALNAME_PROVIDER).

A production provider asks the real-name authority (e.g. the province's unified identity
platform or the Ministry's CTID service) that the phone belongs to the holder of the ID number
and delivers the code; the demo provider trusts the pair and prints the code on the console."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from tongban.core.pii import mask_phone

log = logging.getLogger("tongban.realname")
CODE_TTL_SECONDS = 300
MAX_TRIES = 5


class RealNameProvider(Protocol):
    def start(self, *, id_number: str, phone: str) -> str:
        """Send a code to the phone of the ID number's holder; return a challenge id."""

    def confirm(self, *, challenge: str, code: str) -> bool:
        """True if the code is the one sent for the challenge (each challenge succeeds once)."""


class DemoSmsProvider:
    def start(self, *, id_number: str, phone: str) -> str:
        challenge = secrets.token_urlsafe(16)
        code = f"{secrets.randbelow(1_000_000):06d}"
        cache.set(f"realname:{challenge}", {"code": _digest(code), "tries": 0}, CODE_TTL_SECONDS)
        log.warning("demo SMS to %s: your Tongban sign-in code is %s (valid 5 minutes)", mask_phone(phone), code)
        print(f"[demo SMS] to {mask_phone(phone)}: sign-in code {code}", flush=True)  # noqa: T201  (demo console)
        return challenge

    def confirm(self, *, challenge: str, code: str) -> bool:
        key = f"realname:{challenge}"
        state = cache.get(key)
        if state is None or state["tries"] >= MAX_TRIES:
            return False
        if hmac.compare_digest(state["code"], _digest((code or "").strip())):
            cache.delete(key)
            return True
        state["tries"] += 1
        cache.set(key, state, CODE_TTL_SECONDS)
        return False


def _digest(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{code}".encode()).hexdigest()


def provider() -> RealNameProvider:
    return import_string(getattr(settings, "TONGBAN_REALNAME_PROVIDER", "tongban.portal.realname.DemoSmsProvider"))()
