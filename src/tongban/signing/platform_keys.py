"""The platform's own signed data (license QR payloads, revocation lists, federation
messages): ONE interface whatever the deployment's algorithm.

    alg, kid, signature = sign_bytes(data)
    verify_bytes(data, alg=alg, kid=kid, signature=signature)  -> bool

TONGBAN_PLATFORM_SIGNATURE_ALG picks "ES256" (ECDSA P-256 + SHA-256, default) or "SM2" (SM2 with
SM3 and user id 1234567812345678). Signatures are raw r||s (64 bytes) in both cases, as COSE
wants. Rotation adds a new key; retired keys still verify what they signed. `key_set()` is the
public key set offline verifiers download (served at /signing/keys.json).
"""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.utils import timezone

from tongban.core.services import audit_record
from tongban.signing import conf, gm
from tongban.signing.keystore import get_keystore
from tongban.signing.models import KeyAlgorithm, KeyPurpose, SigningKey

ALG_TO_KEY = {"ES256": KeyAlgorithm.ECDSA_P256, "SM2": KeyAlgorithm.SM2}
KEY_TO_ALG = {v: k for k, v in ALG_TO_KEY.items()}

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())

# kid -> (alg, public key object or raw SM2 point); keys never change once created
_public_cache: dict[str, tuple[str, object]] = {}


def _current(alg: str) -> SigningKey | None:
    return (SigningKey.objects.filter(purpose=KeyPurpose.PLATFORM, algorithm=ALG_TO_KEY[alg],
                                      retired_at__isnull=True).order_by("-created_at", "-id").first())


@transaction.atomic
def key_ensure(*, alg: str | None = None, actor=None) -> SigningKey:
    alg = alg or conf.platform_alg()
    key = _current(alg)
    if key is None:
        key = get_keystore().generate(algorithm=ALG_TO_KEY[alg], purpose=KeyPurpose.PLATFORM)
        key.save()
        audit_record(actor=actor, action="signing.platform_key_create", object_type="signing_key",
                     object_id=key.kid, detail={"alg": alg})
    return key


@transaction.atomic
def key_rotate(*, alg: str | None = None, actor=None) -> SigningKey:
    """Retire the current platform key and make a new one; old signatures keep verifying."""
    alg = alg or conf.platform_alg()
    old = _current(alg)
    if old is not None:
        SigningKey.objects.filter(pk=old.pk).update(retired_at=timezone.now())
    key = key_ensure(alg=alg, actor=actor)
    audit_record(actor=actor, action="signing.platform_key_rotate", object_type="signing_key",
                 object_id=key.kid, detail={"alg": alg, "retired": old.kid if old else None})
    return key


def sign_bytes(data: bytes, *, alg: str | None = None) -> tuple[str, str, bytes]:
    """Sign with the current platform key: returns (alg, kid, raw r||s signature)."""
    alg = alg or conf.platform_alg()
    key = _current(alg) or key_ensure(alg=alg)
    return alg, key.kid, get_keystore().sign(key, data)


def public_key(kid: str) -> tuple[str, object] | None:
    found = _public_cache.get(kid)
    if found is None:
        row = SigningKey.objects.filter(kid=kid, purpose=KeyPurpose.PLATFORM).only("algorithm", "public_key").first()
        if row is None:
            return None
        found = load_public(KEY_TO_ALG[row.algorithm], bytes(row.public_key))
        _public_cache[kid] = found
    return found


def load_public(alg: str, spki_der: bytes) -> tuple[str, object]:
    if alg == "SM2":
        return alg, gm.sm2_public_from_der(spki_der)
    return alg, serialization.load_der_public_key(spki_der)


def verify_with(alg: str, public, data: bytes, signature: bytes) -> bool:
    if alg == "SM2":
        return gm.sm2_verify(public, data, signature)
    if len(signature) != 64:
        return False
    try:
        public.verify(gm.raw_to_der(signature), data, _ECDSA_SHA256)
        return True
    except InvalidSignature:
        return False


def verify_bytes(data: bytes, *, alg: str, kid: str, signature: bytes,
                 keys: dict[str, tuple[str, object]] | None = None) -> bool:
    """True when `signature` over `data` was made by platform key `kid` with `alg`. `keys`
    (from `parse_key_set`) lets an offline verifier check without the database."""
    found = (keys or {}).get(kid) if keys is not None else public_key(kid)
    if found is None or found[0] != alg:
        return False
    return verify_with(alg, found[1], data, signature)


def key_set() -> dict:
    rows = SigningKey.objects.filter(purpose=KeyPurpose.PLATFORM).order_by("created_at")
    return {"keys": [
        {"kid": k.kid, "alg": KEY_TO_ALG[k.algorithm],
         "spki": base64.b64encode(bytes(k.public_key)).decode(),
         "created": k.created_at.isoformat(), "retired": k.retired_at.isoformat() if k.retired_at else None}
        for k in rows
    ]}


def parse_key_set(data: dict) -> dict[str, tuple[str, object]]:
    return {k["kid"]: load_public(k["alg"], base64.b64decode(k["spki"])) for k in data.get("keys", [])}
