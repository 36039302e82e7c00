"""SM2/SM3/SM4 and the platform signing interface, cross-checked with the OpenSSL 3 CLI."""

import subprocess

import pytest
from django.test import override_settings

from tongban.signing import gm, platform_keys


def _openssl(*args, **kw):
    return subprocess.run(["openssl", *args], capture_output=True, **kw)


def test_sm2_signature_verifies_with_openssl(tmp_path):
    private, public = gm.sm2_generate()
    message = "准予行政许可决定书 No.1".encode()
    (tmp_path / "pub.pem").write_text(gm.sm2_public_pem(public))
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(gm.raw_to_der(gm.sm2_sign(private, message)))
    r = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin",
                 "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "msg"),
                 "-sigfile", str(tmp_path / "sig"), text=True)
    assert "Signature Verified Successfully" in r.stdout, r.stderr
    (tmp_path / "msg").write_bytes(message + b"!")
    r = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin",
                 "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", str(tmp_path / "msg"),
                 "-sigfile", str(tmp_path / "sig"), text=True)
    assert "Signature Verified Successfully" not in r.stdout


def test_openssl_sm2_signature_verifies_here(tmp_path):
    key = tmp_path / "k.pem"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", str(key), check=True)
    text = _openssl("pkey", "-in", str(key), "-noout", "-text", text=True, check=True).stdout
    pub_hex = "".join(text.split("pub:")[1].split("ASN1 OID")[0].split()).replace(":", "")
    public = bytes.fromhex(pub_hex)[1:]  # drop the 04 prefix
    (tmp_path / "msg").write_bytes(b"federation message")
    _openssl("pkeyutl", "-sign", "-inkey", str(key), "-rawin", "-digest", "sm3", "-pkeyopt",
             "distid:1234567812345678", "-in", str(tmp_path / "msg"), "-out", str(tmp_path / "sig"), check=True)
    signature = gm.der_to_raw((tmp_path / "sig").read_bytes())
    assert gm.sm2_verify(public, b"federation message", signature)
    assert not gm.sm2_verify(public, b"federation message.", signature)


def test_sm2_nonce_is_fresh_each_time():
    private, public = gm.sm2_generate()
    assert gm.sm2_sign(private, b"x") != gm.sm2_sign(private, b"x")


def test_sm3_matches_openssl_and_sm4_round_trips(tmp_path):
    (tmp_path / "f").write_bytes(b"abc")
    out = _openssl("dgst", "-sm3", str(tmp_path / "f"), text=True, check=True).stdout
    assert out.strip().endswith(gm.sm3_hex(b"abc"))
    key = bytes(range(16))
    blob = gm.sm4_gcm_encrypt(key, "身份证号".encode(), aad=b"ctx")
    assert gm.sm4_gcm_decrypt(key, blob, aad=b"ctx").decode() == "身份证号"
    with pytest.raises(Exception):
        gm.sm4_gcm_decrypt(key, blob, aad=b"other")


@pytest.mark.parametrize("alg", ["ES256", "SM2"])
def test_platform_sign_and_verify_with_either_algorithm(db, alg):
    with override_settings(TONGBAN_PLATFORM_SIGNATURE_ALG=alg):
        used, kid, signature = platform_keys.sign_bytes(b"payload")
        assert used == alg
        assert platform_keys.verify_bytes(b"payload", alg=alg, kid=kid, signature=signature)
        assert not platform_keys.verify_bytes(b"payload2", alg=alg, kid=kid, signature=signature)
        assert not platform_keys.verify_bytes(b"payload", alg=alg, kid="unknown", signature=signature)
        # offline: the published key set is enough
        keys = platform_keys.parse_key_set(platform_keys.key_set())
        assert platform_keys.verify_bytes(b"payload", alg=alg, kid=kid, signature=signature, keys=keys)


def test_sm2_platform_signature_verifies_with_openssl(db, tmp_path):
    with override_settings(TONGBAN_PLATFORM_SIGNATURE_ALG="SM2"):
        alg, kid, signature = platform_keys.sign_bytes(b"license qr")
    from tongban.signing.models import SigningKey

    (tmp_path / "pub.der").write_bytes(bytes(SigningKey.objects.get(kid=kid).public_key))
    (tmp_path / "msg").write_bytes(b"license qr")
    (tmp_path / "sig").write_bytes(gm.raw_to_der(signature))
    r = _openssl("pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", str(tmp_path / "pub.der"),
                 "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                 "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig"), text=True)
    assert "Signature Verified Successfully" in r.stdout, r.stderr


def test_rotation_keeps_old_signatures_verifiable(db):
    alg, old_kid, signature = platform_keys.sign_bytes(b"old")
    new = platform_keys.key_rotate()
    assert new.kid != old_kid
    assert platform_keys.sign_bytes(b"new")[1] == new.kid
    assert platform_keys.verify_bytes(b"old", alg=alg, kid=old_kid, signature=signature)


def test_private_keys_are_encrypted_at_rest(db):
    from tongban.signing.models import SigningKey

    platform_keys.key_ensure()
    key = SigningKey.objects.get(purpose="platform")
    blob = bytes(key.private_key_encrypted)
    assert blob.startswith(b"demo:") and b"PRIVATE" not in blob and len(blob) > 100
