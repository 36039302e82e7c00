"""One interface to private keys. `get_keystore().for_key(key)` returns what callers need:
a `cryptography` private key (to issue certificates, CRLs, timestamps), raw signatures, and a
pyHanko `Signer` for PDFs. The database keystore keeps PKCS#8 DER (or the raw SM2 scalar)
encrypted with tongban.core.pii (AES-256-GCM, the key id bound as context). A PKCS#11 keystore
(pyhanko.sign.pkcs11.PKCS11Signer) can replace it through the TONGBAN_KEYSTORE setting.
"""

from __future__ import annotations

import base64
import secrets
from functools import lru_cache

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils.module_loading import import_string
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tongban.core import pii
from tongban.signing import conf, gm
from tongban.signing.models import KeyAlgorithm, SigningKey


def _context(kid: str) -> str:
    return f"signing.key:{kid}"


def new_kid(purpose: str, algorithm: str) -> str:
    short = "sm2" if algorithm == KeyAlgorithm.SM2 else "p256"
    return f"{purpose}-{short}-{secrets.token_hex(5)}"


class DatabaseKeyStore:
    name = "db"

    # -- creation ---------------------------------------------------------------------------
    def generate(self, *, algorithm: str, purpose: str) -> SigningKey:
        """A new key (unsaved model instance)."""
        if algorithm == KeyAlgorithm.SM2:
            private, public = gm.sm2_generate()
            return self._wrap(algorithm, purpose, private, gm.sm2_public_der(public))
        key = ec.generate_private_key(ec.SECP256R1())
        return self.wrap_private_key(key, purpose=purpose)

    def wrap_private_key(self, key, *, purpose: str) -> SigningKey:
        """Take an existing `cryptography` EC P-256 private key (e.g. an imported CA)."""
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("only ECDSA P-256 keys can be imported")
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
        return self._wrap(KeyAlgorithm.ECDSA_P256, purpose, der, public)

    def _wrap(self, algorithm: str, purpose: str, secret: bytes, public_der: bytes) -> SigningKey:
        kid = new_kid(purpose, algorithm)
        blob = pii.encrypt(base64.b64encode(secret).decode(), context=_context(kid))
        return SigningKey(kid=kid, algorithm=algorithm, purpose=purpose, backend=self.name,
                          public_key=public_der, private_key_encrypted=blob)

    # -- use --------------------------------------------------------------------------------
    def private_key(self, key: SigningKey):
        """`cryptography` private key for ECDSA; the raw 32-byte scalar for SM2."""
        return _load_private(key.kid, key.algorithm, bytes(key.private_key_encrypted))

    def sign(self, key: SigningKey, data: bytes) -> bytes:
        """Raw r||s signature: ECDSA P-256 with SHA-256, or SM2 with SM3 and the standard uid."""
        private = self.private_key(key)
        if key.algorithm == KeyAlgorithm.SM2:
            return gm.sm2_sign(private, data)
        return gm.der_to_raw(private.sign(data, ec.ECDSA(hashes.SHA256())))

    def pdf_signer(self, key: SigningKey, certificate_der: bytes, chain_der: list[bytes]) -> SimpleSigner:
        if key.algorithm != KeyAlgorithm.ECDSA_P256:
            raise ValueError("PDF signatures use ECDSA P-256 keys")
        return _pdf_signer(key.kid, bytes(key.private_key_encrypted), certificate_der, tuple(chain_der))


@lru_cache(maxsize=256)
def _load_private(kid: str, algorithm: str, blob: bytes):
    secret = base64.b64decode(pii.decrypt(blob, context=_context(kid)))
    if algorithm == KeyAlgorithm.SM2:
        return secret
    return serialization.load_der_private_key(secret, password=None)


@lru_cache(maxsize=64)
def _pdf_signer(kid: str, blob: bytes, certificate_der: bytes, chain_der: tuple[bytes, ...]) -> SimpleSigner:
    secret = base64.b64decode(pii.decrypt(blob, context=_context(kid)))
    return SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate_der),
        signing_key=asn1_keys.PrivateKeyInfo.load(secret),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(c) for c in chain_der]),
    )


@lru_cache(maxsize=1)
def _keystore_instance(path: str):
    return import_string(path)()


def get_keystore() -> DatabaseKeyStore:
    return _keystore_instance(conf.keystore_class())
