"""Register primitives: the leaf of a package or disposal record, and the RFC 3161 token of
the platform TSA over a chain root (requested in-process, verified offline)."""

from __future__ import annotations

import hashlib

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from tongban.archive import merkle
from tongban.core.canonical import canonical_bytes


def package_leaf(*, case_number: str, tagmanifest: str) -> str:
    """A package's leaf commits to its tag manifest, which holds the digests of the payload
    manifests, bag-info, the metadata and PREMIS records."""
    digest = hashlib.sha256(tagmanifest.encode()).hexdigest()
    return merkle.leaf_hash(canonical_bytes({"kind": "package", "case": case_number, "tagmanifest": digest}))


def disposal_leaf(record: str) -> str:
    return merkle.leaf_hash(canonical_bytes({"kind": "disposal", "record": record}))


def timestamp(chain_root: str) -> tuple[bytes, object]:
    from tongban.signing import selectors as signing_selectors
    from tongban.signing import services as signing_services

    signing_services.ca_ensure()
    tsa = signing_selectors.timestamper()
    _nonce, req = tsa.request_cms(bytes.fromhex(chain_root), "sha256")
    token = tsa.request_tsa_response(req)["time_stamp_token"]
    tst = token["content"]["encap_content_info"]["content"].parsed
    return token.dump(), tst["gen_time"].native


def verify_token(token_der: bytes, chain_root: str, tsa_fingerprints: set[str]) -> str | None:
    """None when the token is a valid platform-TSA timestamp over `chain_root`; else why not."""
    try:
        token = cms.ContentInfo.load(bytes(token_der))
        signed = token["content"]
        tst_bytes = signed["encap_content_info"]["content"].contents
        tst = signed["encap_content_info"]["content"].parsed
        if tst["message_imprint"]["hashed_message"].native != bytes.fromhex(chain_root):
            return "timestamp is over another root"
        signer = signed["signer_infos"][0]
        attrs = signer["signed_attrs"]
        digest = next(a["values"][0].native for a in attrs if a["type"].native == "message_digest")
        if digest != hashlib.sha256(tst_bytes).digest():
            return "timestamp token altered"
        cert_der = next((c.chosen.dump() for c in signed["certificates"]
                         if hashlib.sha256(c.chosen.dump()).hexdigest() in tsa_fingerprints), None)
        if cert_der is None:
            return "timestamp not issued by the platform TSA"
        public = x509.load_der_x509_certificate(cert_der).public_key()
        signed_attrs = cms.CMSAttributes(list(attrs)).dump()
        public.verify(signer["signature"].native, signed_attrs, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "timestamp signature invalid"
    except Exception as exc:  # noqa: BLE001 - a token that cannot be parsed is invalid
        return f"timestamp unreadable: {exc}"
    return None
