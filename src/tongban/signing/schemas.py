from datetime import datetime

from ninja import Schema


class SealOut(Schema):
    code: str
    name: str
    kind: str
    department: str
    status: str
    valid_from: datetime
    valid_until: datetime
    certificate_serial: str


class SealUseOut(Schema):
    at: datetime
    document_kind: str
    document_ref: str
    document_sha256: str
    document_sm3: str
    case_number: str
    actor: str


class SignatureOut(Schema):
    field: str
    signer: str
    valid: bool
    reasons: list[str]
    signed_at: datetime | None
    timestamped: bool


class VerifyOut(Schema):
    valid: bool
    reasons: list[str]
    signatures: list[SignatureOut]
