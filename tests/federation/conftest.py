"""Federation personas: this deployment is Xixian (611100); Xianyang (610400) is a partner whose
messages the tests sign with a key of their own (its "platform key")."""

import base64
import json
import uuid

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests import factories
from tongban.catalog.services import MaterialSpec
from tongban.core.canonical import canonical_bytes
from tongban.federation import jws
from tongban.federation.registry import agreement_import, partner_add
from tongban.signing import gm

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _in_a_covered_year():
    with time_machine.travel("2023-09-04 09:30 +0800", tick=True):
        yield


class PartnerSigner:
    """Xianyang's deployment as far as these tests need it: its key and how it signs."""

    def __init__(self, kid: str = "platform-p256-xianyang1"):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.kid = kid
        spki = self.key.public_key().public_bytes(serialization.Encoding.DER,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        self.pem = jws.public_pem(spki_der=spki, kid=kid, alg="ES256", region="610400")

    def sign(self, payload: dict, *, kid: str | None = None) -> str:
        header = jws.b64url(canonical_bytes({"alg": "ES256", "kid": kid or self.kid, "typ": jws.TYP}))
        body = jws.b64url(canonical_bytes(payload))
        raw = gm.der_to_raw(self.key.sign(f"{header}.{body}".encode(), ec.ECDSA(hashes.SHA256())))
        return f"{header}.{body}.{jws.b64url(raw)}"


AGREEMENT = """
code: XXXY-TEST-01
title: 西咸新区—咸阳市跨区通办（测试）
parties: ["611100", "610400"]
valid_from: 2023-08-02
valid_until: {until}
home_centers: {{"611100": fengdong}}
items: [GJJ-9001, CJ-9002]
"""


@pytest.fixture
def items(org):
    return {
        "GJJ-9001": factories.item("GJJ-9001", name="住房公积金提取（重大疾病）", legal=3, promised=1, materials=[
            MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
            MaterialSpec(name="医疗机构诊断证明"),
        ]),
        "CJ-9002": factories.item("CJ-9002", name="机动车驾驶证补领", category="vehicle_driver", legal=1, promised=0),
        "SB-9003": factories.item("SB-9003", name="社会保障卡解挂", category="social_security", legal=1, promised=0),
    }


@pytest.fixture
def xianyang(items):
    """Xianyang registered as a partner with its key, and the agreement (in force) imported."""
    signer = PartnerSigner()
    partner = partner_add(region_code="610400", url="http://127.0.0.1:9", key=jws.parse_pem(signer.pem))
    agreement_import(text=AGREEMENT.format(until="null"))
    signer.partner = partner
    return signer


def forward_payload(*, id_number: str, item: str = "GJJ-9001", origin_number: str = "610400-20230904-000001",
                    agreement: str = "XXXY-TEST-01", message_id: str | None = None, iat: str = "2023-09-04T01:30:00+00:00",
                    to: str = "611100") -> dict:
    materials = [{"name": "居民身份证", "status": "exempted", "exemption_reason": "共享数据", "source": "population"}]
    if item == "GJJ-9001":
        materials.append({"name": "医疗机构诊断证明", "status": "received", "exemption_reason": "", "source": "",
                          "file": {"name": "diagnosis.pdf", "content_type": "application/pdf",
                                   "sha256": __import__("hashlib").sha256(PDF).hexdigest(), "size": len(PDF),
                                   "data": base64.b64encode(PDF).decode()}})
    return {
        "v": 1, "id": message_id or str(uuid.uuid4()), "kind": "case.forward", "from": "610400", "to": to,
        "iat": iat,
        "body": {
            "origin": {"region": "610400", "number": origin_number, "center": "xianyang",
                       "center_name": "咸阳市政务服务中心", "submitted_at": "2023-09-04T01:20:00+00:00"},
            "agreement": agreement, "item": {"code": item, "version": 1, "name": "x"},
            "applicant": {"kind": "person", "name": "赵敏", "id_number": id_number, "phone": "13900139000",
                          "credit_code": "", "legal_representative": ""},
            "materials": materials,
            "checks": {"form_reviewed": True, "identity_verified": True, "originals_authentic": True,
                       "by": "xy_clerk", "at": "2023-09-04T01:25:00+00:00", "note": ""},
            "delivery_method": "post",
        },
    }


def tamper(token: str, **changes) -> str:
    header, body, sig = token.split(".")
    payload = json.loads(jws.b64url_decode(body))
    payload["body"]["applicant"].update(changes)
    return f"{header}.{jws.b64url(canonical_bytes(payload))}.{sig}"
