from datetime import date, datetime

from ninja import Schema
from pydantic import Field


class BookIn(Schema):
    center: str = Field(max_length=40)
    item: str = Field(max_length=40)
    day: date
    slot: str = Field(max_length=5)
    name: str = Field(max_length=100)
    phone: str = Field(max_length=20)


class AppointmentOut(Schema):
    code: str
    center: str
    item: str
    day: date
    slot: str
    state: str


class TicketIn(Schema):
    center: str = Field(max_length=40)
    category: str = Field(max_length=32)


class TicketOut(Schema):
    id: int
    number: str
    category: str
    state: str
    issued_at: datetime
    queued_at: datetime
    window: str | None = None


class CallIn(Schema):
    number: str = Field(max_length=8)


class QueueFiguresOut(Schema):
    issued: int
    called: int
    waiting: int
    mean_wait_minutes: float | None
    max_wait_minutes: float | None


class ConsultationIn(Schema):
    channel: str = Field(max_length=8)
    category: str = Field(max_length=10)
    question: str = Field(max_length=4000)
    answer: str = Field(max_length=4000)
    duration_seconds: int
    item: str = Field(default="", max_length=40)
    follow_up_needed: bool = False


class ConsultationOut(Schema):
    id: int
    channel: str
    category: str
    at: datetime
    item: str | None
    duration_seconds: int
    follow_up_needed: bool
    case_number: str | None


class HotlineIn(Schema):
    number: str = Field(max_length=30)
    content: str = Field(max_length=4000)
    category: str = Field(max_length=10)
    response_days: int = 3


class HotlineAnswerIn(Schema):
    answer: str = Field(max_length=4000)


class HotlineOut(Schema):
    number: str
    state: str
    received_at: datetime
    due_on: date
    on_time: bool | None


class OutreachIn(Schema):
    kind: str = Field(max_length=10)
    target: str = Field(max_length=20)
    title: str = Field(max_length=120)
    place: str = Field(max_length=120)
    starts_on: date
    ends_on: date | None = None
    campaign: str = Field(default="", max_length=60)
    staff: list[str] = Field(default_factory=list, max_length=100)
    sends: list[str] = Field(default_factory=list, max_length=5)
    outputs: dict[str, int] = Field(default_factory=dict)


class OutreachOut(Schema):
    id: int
    kind: str
    target: str
    title: str
    starts_on: date
    media_reports: int
    ads_videos: int
    enterprise_visits: int
    leaflets: int
    policies_delivered: int


class ShiftOut(Schema):
    day: date
    center: str
    window: str
    staff: str


def ticket_out(t) -> dict:
    return {"id": t.id, "number": t.number, "category": t.category, "state": t.state, "issued_at": t.issued_at,
            "queued_at": t.queued_at, "window": t.window.number if t.window_id else None}


def consultation_out(c) -> dict:
    return {"id": c.id, "channel": c.channel, "category": c.category, "at": c.at,
            "item": c.item.code if c.item_id else None, "duration_seconds": c.duration_seconds,
            "follow_up_needed": c.follow_up_needed, "case_number": c.case.number if c.case_id else None}
