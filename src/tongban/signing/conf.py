"""Deployment settings of the signing app, read from Django settings or the environment.

TONGBAN_PLATFORM_SIGNATURE_ALG  "ES256" (ECDSA P-256, default) or "SM2" for the platform's own
                                signed data (license QR payloads, revocation lists, federation).
TONGBAN_PUBLIC_URL              base URL printed into certificates (CRL distribution point).
TONGBAN_CJK_FONT                a TrueType CJK font to embed in PDFs (fallback: STSong-Light).
TONGBAN_KEYSTORE                dotted path of the KeyStore class (default: database keystore).
"""

import os

from django.conf import settings

DEFAULT_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def _get(name: str, default: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def platform_alg() -> str:
    alg = _get("TONGBAN_PLATFORM_SIGNATURE_ALG", "ES256").upper()
    if alg not in {"ES256", "SM2"}:
        raise RuntimeError("TONGBAN_PLATFORM_SIGNATURE_ALG must be ES256 or SM2")
    return alg


def public_url() -> str:
    return _get("TONGBAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def cjk_font_path() -> str:
    return _get("TONGBAN_CJK_FONT", DEFAULT_CJK_FONT)


def keystore_class() -> str:
    return _get("TONGBAN_KEYSTORE", "tongban.signing.keystore.DatabaseKeyStore")
