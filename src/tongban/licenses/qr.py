"""The signed QR payload of a license: COSE_Sign1 (RFC 9052) over a small CBOR claim set,
base45-encoded behind the prefix "TB1:" (all QR alphanumeric characters, so it fits a small
QR code and decodes with any reader, e.g. `zbarimg --raw`).

Claims: 1 identifier, 2 license type code, 3 holder hash (16 bytes of SHA-256 over
"identifier|holder ID"), 4 valid from (YYYYMMDD), 5 valid until (YYYYMMDD, 0 = long-term),
6 issued at (Unix seconds). Protected header: 1 alg, 4 kid (the issuer's platform key id).
alg is ES256 (-7) or, when the deployment uses SM2, the private-use value -65601.

The signature is made and checked through tongban.signing.platform_keys, the same interface
federation messages use. pycose reads our ES256 payloads (checked in the tests).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import base45
import cbor2
from django.utils.translation import gettext as _

from tongban.licenses.b45 import b45decode
from tongban.signing import conf, platform_keys

PREFIX = "TB1:"
COSE_ALG = {"ES256": -7, "SM2": -65601}
ALG_NAME = {v: k for k, v in COSE_ALG.items()}
COSE_SIGN1_TAG = 18


def _bstr(data: bytes) -> bytes:
    n = len(data)
    if n < 24:
        head = bytes((0x40 | n,))
    elif n < 256:
        head = bytes((0x58, n))
    else:
        head = b"\x59" + n.to_bytes(2, "big")
    return head + data


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """RFC 9052 Sig_structure ["Signature1", protected, h'', payload] in canonical CBOR,
    assembled directly (equal to cbor2.dumps of the list, checked in the tests)."""
    return b"\x84\x6aSignature1" + _bstr(protected) + b"\x40" + _bstr(payload)


def holder_hash(identifier: str, holder_id: str) -> bytes:
    return hashlib.sha256(f"{identifier}|{holder_id.strip().upper()}".encode()).digest()[:16]


def _day(d: date | None) -> int:
    return int(d.strftime("%Y%m%d")) if d else 0


def _date(v: int) -> date | None:
    return None if not v else date(v // 10000, v // 100 % 100, v % 100)


def encode(*, identifier: str, type_code: str, holder_hash_value: bytes, valid_from: date,
           valid_until: date | None, issued_at: datetime) -> str:
    claims = cbor2.dumps({1: identifier, 2: type_code, 3: holder_hash_value, 4: _day(valid_from),
                          5: _day(valid_until), 6: int(issued_at.timestamp())})
    alg_name = conf.platform_alg()
    # kid is known only after choosing the key: sign_bytes tells us; build protected from it
    key = platform_keys.key_ensure(alg=alg_name)
    protected = cbor2.dumps({1: COSE_ALG[alg_name], 4: key.kid.encode()})
    to_sign = cbor2.dumps(["Signature1", protected, b"", claims])
    alg, kid, signature = platform_keys.sign_bytes(to_sign, alg=alg_name)
    assert kid == key.kid
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, claims, signature]))
    return PREFIX + base45.b45encode(message).decode()


@dataclass
class QrResult:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    identifier: str = ""
    type_code: str = ""
    holder_hash: bytes = b""
    valid_from: date | None = None
    valid_until: date | None = None
    issued_at: datetime | None = None
    kid: str = ""
    alg: str = ""

    def holder_matches(self, holder_id: str) -> bool:
        return bool(self.identifier) and holder_hash(self.identifier, holder_id) == self.holder_hash


def decode_unverified(text: str) -> tuple[bytes, dict, bytes, bytes]:
    """Split a payload into (protected, claims, claims bytes, signature); ValueError if damaged."""
    text = (text or "").strip()
    if not text.startswith(PREFIX):
        raise ValueError("prefix")
    raw = b45decode(text[len(PREFIX):])
    obj = cbor2.loads(raw)
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != COSE_SIGN1_TAG:
            raise ValueError("tag")
        obj = obj.value
    if not (isinstance(obj, list) and len(obj) == 4):
        raise ValueError("structure")
    protected, _unprotected, payload, signature = obj
    if not all(isinstance(x, bytes) for x in (protected, payload, signature)):
        raise ValueError("types")
    return protected, cbor2.loads(protected), payload, signature


def verify(text: str, *, keys: dict | None = None, revoked: dict[str, str] | None = None,
           today: date | None = None) -> QrResult:
    """Check a QR payload offline: signature by a known issuer key (`keys` from
    platform_keys.parse_key_set, or the database when None), validity dates, and the signed
    revocation list (`revoked`: identifier -> status)."""
    try:
        protected_bytes, protected, payload, signature = decode_unverified(text)
        claims = cbor2.loads(payload)
        alg_id, kid = protected.get(1), protected.get(4, b"").decode()
    except ValueError as exc:
        if str(exc) == "prefix":
            return QrResult(False, [_("This is not a license code of this platform.")])
        return QrResult(False, [_("The code is damaged or has been altered.")])
    except Exception:  # noqa: BLE001 - cbor/base45 raise assorted errors on garbage
        return QrResult(False, [_("The code is damaged or has been altered.")])
    alg = ALG_NAME.get(alg_id, "")
    found = (keys or {}).get(kid) if keys is not None else platform_keys.public_key(kid)
    if not alg or found is None or found[0] != alg:
        return QrResult(False, [_("The code is signed by an unknown key: it was not issued by this platform.")],
                        kid=kid, alg=alg)
    to_verify = sig_structure(protected_bytes, payload)
    if not platform_keys.verify_with(alg, found[1], to_verify, signature):
        return QrResult(False, [_("The code has been altered: its signature does not match.")], kid=kid, alg=alg)
    try:
        result = QrResult(True, [], identifier=claims[1], type_code=claims[2], holder_hash=claims[3],
                          valid_from=_date(claims[4]), valid_until=_date(claims[5]),
                          issued_at=datetime.fromtimestamp(claims[6], tz=UTC), kid=kid, alg=alg)
    except (KeyError, TypeError, ValueError):
        return QrResult(False, [_("The code is damaged or has been altered.")], kid=kid, alg=alg)
    today = today or date.today()
    if result.valid_until and result.valid_until < today:
        result.valid = False
        result.reasons.append(_("The license expired on %(d)s.") % {"d": result.valid_until.isoformat()})
    if result.valid_from and result.valid_from > today:
        result.valid = False
        result.reasons.append(_("The license is not valid before %(d)s.") % {"d": result.valid_from.isoformat()})
    status = (revoked or {}).get(result.identifier)
    if status:
        result.valid = False
        result.reasons.append(_("The license has been revoked.") if status == "revoked"
                              else _("The license is suspended."))
    return result


def image_png(text: str, *, scale: int = 4) -> bytes:
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
