"""X.509 building blocks of the platform CA (no database here): root, end-entity
certificates for seals, staff and the timestamp authority, and CRLs."""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def fit(value: str, limit: int = 64) -> str:
    """Cut a name to the X.520 upper bound of 64 bytes (UTF-8), on a character boundary."""
    while len(value.encode()) > limit:
        value = value[:-1]
    return value


def name(common_name: str, *, organization: str = "", unit: str = "") -> x509.Name:
    common_name, organization, unit = fit(common_name), fit(organization), fit(unit)
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def public_key_from_der(der: bytes):
    return serialization.load_der_public_key(der)


def build_root(*, private_key, subject: x509.Name, not_before: datetime, days: int) -> x509.Certificate:
    public = private_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True,
                          crl_sign=True, encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def build_end_entity(*, issuer_cert: x509.Certificate, issuer_key, public_key, subject: x509.Name,
                     not_before: datetime, not_after: datetime, crl_url: str,
                     timestamping: bool = False) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=not timestamping,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False
        )
        .add_extension(
            x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None,
                reasons=None, crl_issuer=None)]),
            critical=False,
        )
    )
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def build_crl(*, issuer_cert: x509.Certificate, issuer_key, number: int, revoked: list[tuple[int, datetime]],
              this_update: datetime, next_update: datetime) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()), critical=False
        )
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert_der: bytes) -> str:
    return x509.load_der_x509_certificate(cert_der).public_bytes(serialization.Encoding.PEM).decode()
