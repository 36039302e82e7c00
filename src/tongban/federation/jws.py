"""Compact JWS (RFC 7515) signed with the platform key (tongban.signing.platform_keys).

    header  {"alg": "ES256" | "SM2", "kid": <platform key id>, "typ": "tongban-fed+json"}
    token   BASE64URL(header) "." BASE64URL(payload JSON) "." BASE64URL(r||s)

ES256 is standard JOSE (any JOSE library or `openssl dgst -sha256 -verify` checks it); "SM2"
(SM2 with SM3, user id 1234567812345678, raw r||s) is this platform's name for the GM
algorithm, which JOSE has not registered.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization

from tongban.core.canonical import canonical_bytes
from tongban.signing import platform_keys

TYP = "tongban-fed+json"


class MalformedJWS(ValueError):
    pass


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "+/= \n"):
        raise MalformedJWS("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise MalformedJWS("not base64url") from exc


def sign(payload: dict, *, key=None) -> str:
    """Sign with this deployment's current platform key (the key id goes in the header, so the
    key is picked first and used directly through the platform keystore). `key`: a
    `current_key()` the caller already holds (a batch signs many acks)."""
    from tongban.signing.keystore import get_keystore

    key = key or current_key()
    alg = platform_keys.KEY_TO_ALG[key.algorithm]
    header = b64url(canonical_bytes({"alg": alg, "kid": key.kid, "typ": TYP}))
    signing_input = f"{header}.{b64url(canonical_bytes(payload))}"
    return f"{signing_input}.{b64url(get_keystore().sign(key, signing_input.encode('ascii')))}"


def current_key(alg: str | None = None):
    from tongban.signing import conf
    from tongban.signing.models import KeyPurpose, SigningKey

    alg = alg or conf.platform_alg()

    key = (SigningKey.objects.filter(purpose=KeyPurpose.PLATFORM, algorithm=platform_keys.ALG_TO_KEY[alg],
                                     retired_at__isnull=True).order_by("-created_at", "-id").first())
    return key or platform_keys.key_ensure(alg=alg)


@dataclass(frozen=True)
class Parsed:
    token: str
    header: dict
    payload: dict
    signing_input: bytes
    signature: bytes

    @property
    def alg(self) -> str:
        return str(self.header.get("alg", ""))

    @property
    def kid(self) -> str:
        return str(self.header.get("kid", ""))

    @property
    def signature_b64(self) -> str:
        return self.token.rsplit(".", 1)[1]


def parse(token: str) -> Parsed:
    """Split and decode without verifying (the caller picks the key by `kid`)."""
    if not isinstance(token, str) or len(token) > 8 * 1024 * 1024:
        raise MalformedJWS("not a compact JWS")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedJWS("a compact JWS has three parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJWS("header or payload is not JSON") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise MalformedJWS("header and payload must be JSON objects")
    if header.get("alg") not in ("ES256", "SM2") or not header.get("kid"):
        raise MalformedJWS("unsupported alg or no kid")
    return Parsed(token=token, header=header, payload=payload,
                  signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"), signature=b64url_decode(parts[2]))


def verify(parsed: Parsed, public) -> bool:
    """`public` as from `platform_keys.load_public`: (alg, key object)."""
    alg, key = public
    return alg == parsed.alg and platform_keys.verify_with(alg, key, parsed.signing_input, parsed.signature)


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


# -- public keys as PEM (exchanged between deployments and given to auditors) ----------------
def public_pem(*, spki_der: bytes, kid: str, alg: str, region: str) -> str:
    """SubjectPublicKeyInfo PEM with explanatory lines before it (RFC 7468 section 5.2: parsers
    ignore text outside the armour; `openssl` and `cryptography` read it as is)."""
    body = base64.encodebytes(spki_der).decode().replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"kid: {kid}", f"alg: {alg}", f"region: {region}", "-----BEGIN PUBLIC KEY-----",
                      *lines, "-----END PUBLIC KEY-----", ""])


@dataclass(frozen=True)
class PemKey:
    spki_der: bytes
    kid: str
    alg: str
    region: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.spki_der).hexdigest()


def parse_pem(text: str) -> PemKey:
    """Read a key written by `public_pem` (the `kid:`/`alg:` lines may also be given apart)."""
    meta, body, inside = {}, [], False
    for line in text.splitlines():
        line = line.strip()
        if line == "-----BEGIN PUBLIC KEY-----":
            inside = True
        elif line == "-----END PUBLIC KEY-----":
            inside = False
        elif inside:
            body.append(line)
        elif ":" in line:
            name, _sep, value = line.partition(":")
            meta[name.strip().lower()] = value.strip()
    if not body:
        raise ValueError("no PUBLIC KEY block")
    der = base64.b64decode("".join(body))
    alg = meta.get("alg", "").upper() or _guess_alg(der)
    platform_keys.load_public(alg, der)  # raises on a key that does not match its algorithm
    return PemKey(spki_der=der, kid=meta.get("kid", ""), alg=alg, region=meta.get("region", ""))


def _guess_alg(der: bytes) -> str:
    try:
        serialization.load_der_public_key(der)
        return "ES256"
    except Exception:  # noqa: BLE001 - cryptography has no SM2 curve: UnsupportedAlgorithm
        return "SM2"
