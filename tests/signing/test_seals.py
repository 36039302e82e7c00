"""Seals and sealed PDFs: tampering, revocation, expiry, approver + seal, B-LTA, the TSA."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.signing.conftest import pdfsig, simple_pdf
from tongban.org.models import Role
from tongban.signing import selectors, services
from tongban.signing.models import SealUse


@pytest.fixture
def sealed(market_seal):
    return services.seal_apply(seal=market_seal, pdf=simple_pdf(), document_kind="notice",
                               document_ref="N-1", case_number="FD-1")


def test_sealed_pdf_is_valid_and_use_is_logged(sealed, market_seal):
    report = selectors.pdf_verify(sealed)
    assert report.valid, report.summary()
    use = SealUse.objects.get(seal=market_seal)
    assert (use.case_number, use.document_kind, use.actor_label) == ("FD-1", "notice", "system")
    assert len(use.document_sm3) == 64


def test_a_flipped_byte_is_rejected_by_pyhanko_and_pdfsig(sealed, nssdb, tmp_path):
    data = bytearray(sealed)
    pos = sealed.index(b"stream", 200) + 30  # inside the signed page content
    data[pos] ^= 0x01
    report = selectors.pdf_verify(bytes(data))
    assert not report.valid
    assert any("文件在签名后被修改" in r for r in report.reasons)
    path = tmp_path / "t.pdf"
    path.write_bytes(bytes(data))
    assert "Signature is Valid." not in pdfsig(path, nssdb)


def test_content_appended_after_signing_is_rejected(sealed):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    # a real incremental update that changes the page
    w = IncrementalPdfFileWriter(BytesIO(sealed))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    w.update_container(page)
    out = BytesIO()
    w.write(out)
    report = selectors.pdf_verify(out.getvalue())
    assert not report.valid
    assert any("签名后有内容被添加或修改" in r for r in report.reasons), report.summary()
    # raw bytes after %%EOF
    report = selectors.pdf_verify(sealed + b"\n1 0 obj (forged) endobj\n")
    assert not report.valid and any("最后一个签名之后追加了内容" in r for r in report.reasons)


def test_revoked_seal_cannot_seal_and_its_documents_fail(sealed, market_seal):
    services.seal_revoke(seal=market_seal, reason="印章遗失", actor=None)
    with pytest.raises(services.SealNotUsable) as exc:
        services.seal_apply(seal=market_seal, pdf=simple_pdf(), document_kind="notice")
    assert exc.value.code == "seal_revoked"
    assert SealUse.objects.filter(seal=market_seal).count() == 1
    report = selectors.pdf_verify(sealed)
    assert not report.valid
    assert any("签名人证书已被吊销" in r for r in report.reasons), report.summary()


def test_suspended_and_expired_seals_are_refused(platform_ca, market, market_seal):
    services.seal_suspend(seal=market_seal, reason="核查中")
    with pytest.raises(services.SealNotUsable) as exc:
        services.seal_apply(seal=market_seal, pdf=simple_pdf(), document_kind="notice")
    assert exc.value.code == "seal_suspended"
    old = services.seal_create(department=market, code="MARKET-OLD", valid_days=1,
                               not_before=timezone.now() - timedelta(days=3))
    with pytest.raises(services.SealNotUsable) as exc:
        services.seal_apply(seal=old, pdf=simple_pdf(), document_kind="notice")
    assert exc.value.code == "seal_expired"


def test_rotated_seal_keeps_old_documents_valid(sealed, market_seal):
    rotated = services.seal_rotate(seal=market_seal)
    assert rotated.certificate_id != market_seal.certificate_id
    again = services.seal_apply(seal=rotated, pdf=simple_pdf("二"), document_kind="notice")
    assert selectors.pdf_verify(sealed).valid
    assert selectors.pdf_verify(again).valid


def test_decision_signed_by_approver_then_sealed(org, market_seal, nssdb, tmp_path):
    approver = factories.staff("fd_approver", center_code="fengdong", role=Role.APPROVER, name="陈静")
    pdf = services.decision_seal(pdf=simple_pdf(), approver=approver, seal=market_seal, case_number="FD-9")
    report = selectors.pdf_verify(pdf)
    assert report.valid, report.summary()
    assert len(report.signatures) == 2
    assert "陈静" in report.signatures[0].signer and "MARKET-LIC-01" in report.signatures[1].signer
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    out = pdfsig(path, nssdb)
    assert out.count("Signature is Valid.") == 2


def test_archive_upgrade_adds_a_document_timestamp(sealed):
    lta = services.document_archive(pdf=sealed)
    report = selectors.pdf_verify(lta)
    assert report.valid, report.summary()
    assert report.signatures[-1].is_document_timestamp


def test_seal_from_an_unknown_authority_is_not_trusted(sealed):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tongban.signing import ca
    from tongban.signing import pdf as pdfsign

    key = ec.generate_private_key(ec.SECP256R1())
    foreign = ca.build_root(private_key=key, subject=ca.name("Some Other CA"), not_before=timezone.now(), days=30)
    der = foreign.public_bytes(serialization.Encoding.DER)
    report = pdfsign.verify(sealed, vc_factory=lambda: pdfsign.validation_context(roots_der=[der], crls_der=[]))
    assert not report.valid
    assert any("并非由受信任的机构颁发" in r for r in report.reasons), report.summary()
    assert isinstance(foreign, x509.Certificate)


def test_tsa_endpoint_answers_openssl_queries(client, platform_ca, tmp_path):
    from tongban.signing.ca import pem

    (tmp_path / "data").write_bytes(b"document")
    subprocess.run(["openssl", "ts", "-query", "-data", str(tmp_path / "data"), "-sha256", "-cert",
                    "-out", str(tmp_path / "q.tsq")], check=True, capture_output=True)
    resp = client.post("/signing/tsa", (tmp_path / "q.tsq").read_bytes(),
                       content_type="application/timestamp-query")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/timestamp-reply"
    (tmp_path / "r.tsr").write_bytes(resp.content)
    (tmp_path / "root.pem").write_text(pem(bytes(platform_ca.der)))
    r = subprocess.run(["openssl", "ts", "-verify", "-data", str(tmp_path / "data"), "-in", str(tmp_path / "r.tsr"),
                        "-CAfile", str(tmp_path / "root.pem")], capture_output=True, text=True)
    assert "Verification: OK" in r.stdout, r.stdout + r.stderr
    assert client.post("/signing/tsa", b"garbage", content_type="application/timestamp-query").status_code == 400


def test_crl_is_published_at_a_url_and_lists_revoked_seals(client, market_seal):
    from cryptography import x509

    services.seal_revoke(seal=market_seal, reason="compromised")
    crl = x509.load_der_x509_crl(client.get("/signing/crl.der").content)
    assert crl.get_revoked_certificate_by_serial_number(int(market_seal.certificate.serial_number, 16))
    assert client.get("/signing/root.pem").content.startswith(b"-----BEGIN CERTIFICATE-----")
