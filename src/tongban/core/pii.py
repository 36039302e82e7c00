"""Personal data at rest: AES-256-GCM encryption with a key ring, keyed blind indexes for
look-up, and masking for display.

Keys come from the environment: TONGBAN_PII_KEYS is "kid:base64key[,kid:base64key...]" with
the current key first (older keys stay readable until `tongban pii rotate` re-encrypts);
TONGBAN_BLIND_INDEX_KEY is one base64 key. The demo derives both from SECRET_KEY.

Reading a clear value is never done here directly by views: services call `reveal()` through
an audited path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from tongban.core.errors import DomainError


def _derive(label: str) -> bytes:
    return hashlib.sha256(f"tongban-demo-{label}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=1)
def key_ring() -> tuple[tuple[str, bytes], ...]:
    configured = settings.TONGBAN_PII_KEYS
    if not configured:
        return (("demo", _derive("pii")),)
    ring = []
    for part in configured.split(","):
        kid, _sep, b64 = part.strip().partition(":")
        key = base64.b64decode(b64)
        if len(key) != 32 or not kid:
            raise RuntimeError("TONGBAN_PII_KEYS entries must be kid:base64(32 bytes)")
        ring.append((kid, key))
    return tuple(ring)


@lru_cache(maxsize=1)
def _blind_key() -> bytes:
    configured = settings.TONGBAN_BLIND_INDEX_KEY
    return base64.b64decode(configured) if configured else _derive("blind-index")


def encrypt(value: str, *, context: str) -> bytes:
    """Encrypt with the current key; `context` (e.g. "applicant.id_number") is bound as
    associated data so a ciphertext cannot be moved to another column."""
    kid, key = key_ring()[0]
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), context.encode())
    return kid.encode() + b":" + nonce + sealed


def decrypt(blob: bytes, *, context: str) -> str:
    kid, _sep, rest = bytes(blob).partition(b":")
    keys = dict(key_ring())
    key = keys.get(kid.decode())
    if key is None:
        raise DomainError(f"personal data key {kid.decode()} is not configured", code="pii_key_missing")
    return AESGCM(key).decrypt(rest[:12], rest[12:], context.encode()).decode()


def key_id(blob: bytes) -> str:
    return bytes(blob).partition(b":")[0].decode()


def blind_index(value: str, *, kind: str) -> str:
    """Keyed hash for equality look-up; the same value gives the same index for one kind."""
    return hmac.new(_blind_key(), f"{kind}:{value.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(number: str) -> str:
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
