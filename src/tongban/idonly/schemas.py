from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class LookupIn(Schema):
    id_number: str = Field(..., min_length=1, max_length=30)
    name: str = Field(..., min_length=1, max_length=100)
    item_code: str = Field(..., min_length=1, max_length=40)
    consent: bool = Field(..., description="the applicant's answer; false is recorded and nothing is fetched")
    purpose: str = Field(..., min_length=2, max_length=200, description="why the records are fetched (audited)")


class MaterialResultOut(Schema):
    name: str
    required: bool
    source: str
    data_item: str
    status: str = Field(..., description="fetched, failed, mismatch (nothing attached), waived or not_mapped")
    reason: str = Field(..., description="not_found, timeout, unavailable, malformed, other_id, name_mismatch, "
                                         "not_configured")
    message: str
    fetched_at: datetime | None
    latency_ms: int | None
    sha256: str
    data: dict | None = Field(None, description="the record received (ID numbers masked), for the form")


class LookupOut(Schema):
    lookup: str = Field(..., description="pass this to POST /api/idonly/cases")
    item_code: str
    item_name: str
    id_number_masked: str
    name: str
    purpose: str
    created_at: datetime
    elapsed_ms: int
    fetched: int
    failed: int
    materials: list[MaterialResultOut]
    to_decide: list[str] = Field(..., description="required materials to take on paper or defer before filing")
    warnings: list[str]
    prefill: dict
    case_number: str | None


class IdOnlyCaseIn(Schema):
    lookup: UUID
    paper: list[str] = Field(default_factory=list, max_length=40, description="taken on paper at the window")
    deferred: list[str] = Field(default_factory=list, max_length=40,
                                description="to bring later: one correction notice lists them")
    phone: str = Field("", max_length=20)
    channel: str = Field("window", pattern="^(window|self_service|holiday_window)$")
    delivery_method: str = Field("pickup", pattern="^(pickup|post|electronic)$")
    note: str = Field("", max_length=500)


class EligibilityOut(Schema):
    item_code: str
    name: str
    id_only: bool
    eligible: bool
    blockers: list[str]
