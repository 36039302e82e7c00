"""Done-when: a demo business license yields a sealed PDF and a QR code that verify with
independent tools (pdfsig with the platform root, zbarimg), and the public page verifies it
and shows revocation."""

import subprocess

import pytest

from tests import factories
from tests.signing.conftest import pdfsig
from tongban.licenses import qr, selectors, services
from tongban.licenses.identifiers import parse
from tongban.licenses.models import LicenseStatus
from tongban.signing import selectors as signing_selectors
from tongban.signing.models import SealUse


def test_issued_license_pdf_verifies_with_pdfsig_and_pyhanko(business_license, nssdb, tmp_path):
    path = tmp_path / "license.pdf"
    path.write_bytes(bytes(business_license.pdf))
    out = pdfsig(path, nssdb)
    assert "Signature is Valid." in out
    assert "Certificate is Trusted." in out
    assert "ETSI.CAdES.detached" in out
    report = signing_selectors.pdf_verify(bytes(business_license.pdf))
    assert report.valid, report.summary()
    assert report.signatures[0].timestamped
    # every use of the seal is logged with the document hash and the case
    use = SealUse.objects.get(document_ref=business_license.identifier)
    assert use.case_number == "FD-2026-000123"
    assert use.document_sha256 == business_license.pdf_sha256


def test_pdf_embeds_cjk_font_and_validation_data(business_license):
    pdf = bytes(business_license.pdf)
    assert b"/FontFile2" in pdf  # TrueType font embedded: the archive is self-contained
    assert b"/DSS" in pdf  # certificates and CRLs embedded (PAdES B-LT)


def test_qr_image_decodes_with_zbarimg_to_the_signed_payload(business_license, tmp_path):
    png = tmp_path / "qr.png"
    png.write_bytes(qr.image_png(business_license.qr_payload))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == business_license.qr_payload
    result = qr.verify(decoded.stdout.strip())
    assert result.valid and result.identifier == business_license.identifier
    assert result.holder_matches("91611100MA6TGKQ878")
    assert not result.holder_matches("91611100MA6TGKQ87X")


def test_qr_payload_is_standard_cose_sign1_readable_by_pycose(business_license):
    import base45
    from cryptography.hazmat.primitives import serialization
    from pycose.keys import EC2Key
    from pycose.messages import Sign1Message

    from tongban.signing.models import SigningKey

    msg = Sign1Message.decode(base45.b45decode(business_license.qr_payload[4:]))
    kid = msg.phdr[next(k for k in msg.phdr if getattr(k, "identifier", k) == 4)].decode()
    pub = serialization.load_der_public_key(bytes(SigningKey.objects.get(kid=kid).public_key))
    nums = pub.public_numbers()
    msg.key = EC2Key(crv="P_256", x=nums.x.to_bytes(32, "big"), y=nums.y.to_bytes(32, "big"))
    assert msg.verify_signature()


def test_identifier_has_the_mod_37_36_check_character(business_license):
    ident = parse(business_license.identifier)
    assert business_license.identifier.startswith("1.2.156.3005.2.YYZZ.611100MARKET.00000001.1.")
    assert ident.version == 1


def test_public_page_shows_valid_then_revoked(client, business_license):
    page = client.get("/licenses/verify/", {"code": business_license.qr_payload})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-status="valid"' in html
    assert "西安沣东示范科技有限公司" in html
    services.license_revoke(license=business_license, reason="吊销营业执照", actor=None)
    page = client.get(f"/licenses/verify/{business_license.identifier}/")
    html = page.content.decode()
    assert 'data-status="revoked"' in html
    assert "The license has been revoked." in html or "吊销" in html


def test_public_page_masks_a_persons_id_number(client, food_type, market_seal, market):
    from tongban.licenses.models import LicenseType
    from tongban.licenses.services import license_type_ensure

    lt = license_type_ensure(code="JKZ", name="健康证明", category="certificate", holder_kind="person",
                             validity_years=1, data_fields=[])
    number = factories.id_number(seq="001")
    lic = services.license_issue(license_type=lt, holder_name="王小明", holder_id_number=number,
                                 data={}, issuer_department=market)
    html = client.get(f"/licenses/verify/{lic.identifier}/").content.decode()
    assert number[:4] + "*" * 10 + number[-4:] in html
    assert number not in html
    assert "王**" in html
    assert LicenseType.objects.count() >= 2


def test_verify_command_for_pdf_and_qr(business_license, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "license.pdf"
    path.write_bytes(bytes(business_license.pdf))
    call_command("verify", str(path))
    assert capsys.readouterr().out.startswith("有效")
    call_command("verify", business_license.qr_payload)
    verdict, listing = capsys.readouterr().out.splitlines()[:2]
    assert verdict.split() == ["有效", business_license.identifier]
    assert listing.endswith(" · 有效")
    path.write_bytes(bytes(business_license.pdf) + b"%appended\n")
    with pytest.raises(SystemExit):
        call_command("verify", str(path))
    out = capsys.readouterr().out
    assert out.startswith("无效") and "最后一个签名之后追加了内容" in out


def test_licenses_for_holder_is_one_query(business_license, market, business_type, django_assert_num_queries):
    services.license_amend(license=business_license, data={"address": "西咸新区沣东新城新地址1号"})
    with django_assert_num_queries(1):
        found = list(selectors.licenses_for_holder(credit_code="91611100MA6TGKQ878"))
    assert [lic.version for lic in found] == [2, 1]
    assert found[1].status == LicenseStatus.SUPERSEDED
    assert list(selectors.licenses_for_holder(credit_code=factories.credit_code(7))) == []
