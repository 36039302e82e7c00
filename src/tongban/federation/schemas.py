from datetime import date, datetime

from ninja import Schema
from pydantic import BaseModel, Field


class ForwardIn(Schema):
    form_reviewed: bool = Field(..., description="表单审查: the form is complete and correct")
    identity_verified: bool = Field(..., description="身份核验: the applicant's identity was verified")
    originals_authentic: bool = Field(..., description="原件核验: the originals were seen and are authentic")
    home_region: str | None = Field(None, pattern=r"^\d{6}$", description="the home region (属地); "
                                    "optional when one partner's agreement covers the item")
    note: str = Field("", max_length=500)
    version: int | None = Field(None, ge=1)


class MessageOut(Schema):
    direction: str
    message_id: str
    kind: str
    partner_region: str
    created_at: datetime
    status: str
    reason: str
    detail: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    sha256: str


class LinkOut(Schema):
    case: str
    role: str
    partner_region: str
    partner_name: str
    agreement: str
    origin_region: str
    origin_number: str
    remote_number: str
    remote_state: str
    remote_updated_at: datetime | None
    checks: dict
    forwarded_at: datetime | None
    delivery_method: str
    delivery_reference: str
    messages: list[MessageOut]


class AgreementOut(Schema):
    code: str
    title: str
    partner_region: str
    partner_name: str
    valid_from: date
    valid_until: date | None
    in_force: bool
    items: int


class InboxIn(BaseModel):
    messages: list[str] = Field(..., min_length=1, max_length=200)
