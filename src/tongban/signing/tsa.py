"""The platform's own RFC 3161 timestamp authority.

pyHanko's DummyTimeStamper builds genuine RFC 3161 tokens in-process but signs with RSA only;
`PlatformTimeStamper` signs the TSTInfo with the TSA's ECDSA P-256 key issued by the platform CA.
The same object answers `POST /signing/tsa` (application/timestamp-query).
"""

from __future__ import annotations

from asn1crypto import algos, cms, core
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign import general
from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper


class PlatformTimeStamper(DummyTimeStamper):
    """RFC 3161 TSA signing with an ECDSA key held by the platform keystore."""

    def __init__(self, *, tsa_cert, tsa_private_key, certs_to_embed=None):
        super().__init__(tsa_cert=tsa_cert, tsa_key=None, certs_to_embed=certs_to_embed)
        self._private_key = tsa_private_key

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt):
        md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        md.update(tst_info_data)
        signed_attrs = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            simple_cms_attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
            simple_cms_attribute("message_digest", md.finalize()),
        ])
        signature = self._private_key.sign(
            signed_attrs.dump(), ec.ECDSA(get_pyca_cryptography_hash(md_algorithm.upper()))
        )
        return signature, signed_attrs

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs):
        data = super()._build_signed_data(tst_info_data, md_algorithm, signature, signed_attrs)
        data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": f"{md_algorithm}_ecdsa"}
        )
        return data
