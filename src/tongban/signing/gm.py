"""National cryptography (国密): SM3 digests and SM4-GCM through `cryptography`, SM2 signatures
through snowland-smx (pysmx) with a `secrets` nonce and the standard user id.

SM2 keys are kept as raw bytes: the private key d (32 bytes) and the public point x||y
(64 bytes). `sm2_public_der`/`sm2_private_pem` produce the standard encodings OpenSSL reads.
"""

from __future__ import annotations

import base64
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pysmx import SM2

SM2_USER_ID = b"1234567812345678"
SM2_N = int(SM2.sm2_N, 16) if isinstance(SM2.sm2_N, str) else SM2.sm2_N

# DER prefixes (id-ecPublicKey + sm2p256v1 1.2.156.10197.1.301)
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")
_SEC1_PREFIX = bytes.fromhex("30770201010420")
_SEC1_MIDDLE = bytes.fromhex("a00a06082a811ccf5501822da144034200") + b"\x04"


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, *, aad: bytes = b"") -> bytes:
    """SM4 in GCM mode; returns nonce(12) || ciphertext || tag(16)."""
    if len(key) != 16:
        raise ValueError("an SM4 key has 16 bytes")
    nonce = os.urandom(12)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    return nonce + enc.update(plaintext) + enc.finalize() + enc.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, *, aad: bytes = b"") -> bytes:
    nonce, body, tag = blob[:12], blob[12:-16], blob[-16:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(body) + dec.finalize()


def sm2_generate() -> tuple[bytes, bytes]:
    """Return (private d: 32 bytes, public x||y: 64 bytes)."""
    d = secrets.randbelow(SM2_N - 2) + 1
    public = bytes.fromhex(SM2.kG(d, SM2.sm2_G, 64))
    return d.to_bytes(32, "big"), public


def sm2_public_from_private(private: bytes) -> bytes:
    return bytes.fromhex(SM2.kG(int.from_bytes(private, "big"), SM2.sm2_G, 64))


def sm2_sign(private: bytes, data: bytes) -> bytes:
    """SM2 signature (GM/T 0003, e = SM3(ZA || M), uid 1234567812345678) as raw r||s (64 bytes)."""
    while True:
        k = secrets.randbelow(SM2_N - 1) + 1
        sig = SM2.Sign(data, private, f"{k:064x}", 64, uid=SM2_USER_ID)
        if sig:
            return sig


def sm2_verify(public: bytes, data: bytes, signature: bytes) -> bool:
    if len(signature) != 64 or len(public) != 64:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < SM2_N and 0 < s < SM2_N):
        return False
    try:
        return bool(SM2.Verify(signature, data, public, 64, uid=SM2_USER_ID))
    except (ValueError, TypeError):
        return False


def raw_to_der(signature: bytes) -> bytes:
    half = len(signature) // 2
    return encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))


def der_to_raw(signature: bytes, size: int = 32) -> bytes:
    r, s = decode_dss_signature(signature)
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sm2_public_der(public: bytes) -> bytes:
    return _SPKI_PREFIX + public


def sm2_public_pem(public: bytes) -> str:
    return _pem("PUBLIC KEY", sm2_public_der(public))


def sm2_public_from_der(der: bytes) -> bytes:
    if not der.startswith(_SPKI_PREFIX) or len(der) != len(_SPKI_PREFIX) + 64:
        raise ValueError("not an SM2 public key")
    return der[len(_SPKI_PREFIX):]


def sm2_private_pem(private: bytes) -> str:
    """SEC1 'EC PRIVATE KEY' on sm2p256v1, as `openssl pkey` reads it."""
    der = _SEC1_PREFIX + private + _SEC1_MIDDLE + sm2_public_from_private(private)
    return _pem("EC PRIVATE KEY", der)


def _pem(label: str, der: bytes) -> str:
    b64 = base64.encodebytes(der).decode().replace("\n", "")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"
