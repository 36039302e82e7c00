"""Bad input: altered or foreign QR payloads, expired licenses, malformed identifiers,
revoked seals. Each is rejected with the reason shown; nothing is issued with a revoked seal."""

from datetime import date, timedelta

import base45
import cbor2
import pytest

from tests.licenses.conftest import CREDIT_CODE, DATA
from tongban.core.errors import InvalidInput
from tongban.licenses import identifiers, qr, selectors, services
from tongban.licenses.models import License
from tongban.signing import services as signing_services


def test_altered_qr_payload_is_rejected(business_license):
    raw = cbor2.loads(base45.b45decode(business_license.qr_payload[4:]))
    protected, unprotected, payload, signature = raw.value
    claims = cbor2.loads(payload)
    claims[5] = 20991231  # extend the validity
    forged = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(claims), signature]))
    result = qr.verify("TB1:" + base45.b45encode(forged).decode())
    assert not result.valid
    assert result.reasons == ["该码已被篡改：签名不匹配。"]
    # a damaged payload
    result = qr.verify(business_license.qr_payload[:-3])
    assert not result.valid and "已损坏" in result.reasons[0]


def test_qr_signed_by_an_unknown_key_is_rejected(business_license, settings):
    from tongban.signing.models import SigningKey

    payload = business_license.qr_payload
    SigningKey.objects.filter(purpose="platform").update(kid="other-key")  # a verifier without this key
    from tongban.signing import platform_keys

    platform_keys._public_cache.clear()
    result = qr.verify(payload)
    assert not result.valid and "未知密钥" in result.reasons[0]
    # offline verifier with a key set that lacks the issuer
    result = qr.verify(payload, keys={})
    assert not result.valid and "未知密钥" in result.reasons[0]


def test_expired_license_is_rejected_offline_and_on_the_page(food_type, market_seal, market, client):
    lic = services.license_issue(license_type=food_type, holder_name="沣东小吃店", holder_credit_code=CREDIT_CODE,
                                 data={"operator": "李娜", "premises": "沣东新城1号", "items": "热食类食品制售"},
                                 issuer_department=market, valid_from=date(2019, 1, 1))
    assert lic.valid_until == date(2024, 1, 1)
    result = qr.verify(lic.qr_payload)
    assert not result.valid and result.reasons == ["该证照已于2024-01-01过期。"]
    check = selectors.license_public_check(code=lic.qr_payload)
    assert not check.valid and check.status == "expired"
    assert services.license_expire_due() == 1


def test_offline_verifier_uses_the_signed_revocation_list(business_license):
    from tongban.signing import platform_keys

    services.license_suspend(license=business_license, reason="年报未公示")
    doc = selectors.revocation_list_document(selectors.revocation_list_latest())
    keys = platform_keys.parse_key_set(platform_keys.key_set())
    revoked = selectors.revocation_list_verify(doc, keys=keys)
    result = qr.verify(business_license.qr_payload, keys=keys, revoked=revoked)
    assert not result.valid and result.reasons == ["该证照已暂停使用。"]
    tampered = dict(doc, body=doc["body"].replace("suspended", "valid"))
    with pytest.raises(ValueError):
        selectors.revocation_list_verify(tampered, keys=keys)


@pytest.mark.parametrize("value,reason", [
    ("1.2.156.3005.2.YYZZ.611100MARKET.00000001.1.0", "校验位不正确"),
    ("1.2.156.3005.2.YYZZ.611100MARKET.00000001", "五个部分"),
    ("2.16.840.YYZZ.1.2.3.4", "以1.2.156.3005.2开头"),
])
def test_malformed_identifiers_are_rejected_with_the_reason(value, reason, client, db):
    with pytest.raises(InvalidInput) as exc:
        identifiers.parse(value)
    assert reason in str(exc.value.message)
    html = client.get("/licenses/verify/", {"code": value}).content.decode()
    assert reason in html


def test_check_character_detects_a_mistyped_digit():
    ident = identifiers.build(type_code="YYZZ", issuer="611100MARKET", serial="00000042", version=1)
    assert identifiers.parse(str(ident)) == ident
    typo = str(ident).replace("00000042", "00000024")
    with pytest.raises(InvalidInput):
        identifiers.parse(typo)


def test_nothing_is_issued_with_a_revoked_seal(market_seal, business_type, market):
    signing_services.seal_revoke(seal=market_seal, reason="印章遗失")
    with pytest.raises(signing_services.SealNotUsable) as exc:
        services.license_issue(license_type=business_type, holder_name="某公司", holder_credit_code=CREDIT_CODE,
                               data=DATA, issuer_department=market)
    assert exc.value.code == "seal_revoked"
    assert License.objects.count() == 0


def test_holder_kind_and_required_items_are_checked(business_type, market_seal, market):
    with pytest.raises(InvalidInput, match="统一社会信用代码"):
        services.license_issue(license_type=business_type, holder_name="某公司", holder_id_number="110101199003070011",
                               data=DATA, issuer_department=market)
    with pytest.raises(InvalidInput, match="必须填写"):
        services.license_issue(license_type=business_type, holder_name="某公司", holder_credit_code=CREDIT_CODE,
                               data={**DATA, "address": ""}, issuer_department=market)
    assert License.objects.count() == 0


def test_api_issue_requires_an_approver_and_returns_qr(org, fd_clerk, fd_approver, business_type, market_seal, client):
    body = {"license_type": "YYZZ", "holder_name": "西安测试有限公司", "holder_credit_code": CREDIT_CODE,
            "data": DATA, "issuer_department": "market", "source_case_number": "FD-2026-7"}
    client.force_login(fd_clerk)
    assert client.post("/api/licenses/", body, content_type="application/json").status_code == 403
    client.force_login(fd_approver)
    resp = client.post("/api/licenses/", body, content_type="application/json")
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["qr_payload"].startswith("TB1:") and data["status"] == "valid"
    check = client.post("/api/licenses/check", {"payload": data["qr_payload"]}, content_type="application/json")
    assert check.json()["valid"] is True
    pdf = client.get(f"/api/licenses/{data['identifier']}/pdf")
    assert pdf.content.startswith(b"%PDF")
    assert date.today() - timedelta(days=1) <= date.fromisoformat(data["valid_from"])
