"""Service API: public booking and ticket machine; staff calling, consultations, hotline orders,
outreach records and rosters."""

from datetime import date

from django.utils import timezone
from ninja import Router, Status

from tongban.core.errors import InvalidInput, NotFound
from tongban.core.ratelimit import check_rate
from tongban.org.auth import staff_auth
from tongban.org.models import Center
from tongban.org.scoping import may_see_center
from tongban.service import duty, queueing, selectors, services
from tongban.service.schemas import (
    AppointmentOut,
    BookIn,
    CallIn,
    ConsultationIn,
    ConsultationOut,
    HotlineAnswerIn,
    HotlineIn,
    HotlineOut,
    OutreachIn,
    OutreachOut,
    QueueFiguresOut,
    ShiftOut,
    TicketIn,
    TicketOut,
    consultation_out,
    ticket_out,
)

router = Router(tags=["service"])

def page(offset: int, limit: int, most: int) -> slice:
    """A bounded slice: offsets past a million rows are answered with an empty page."""
    offset = min(max(0, offset), 1_000_000)
    return slice(offset, offset + max(1, min(limit, most)))


def _appointment(a) -> dict:
    return {"code": a.code, "center": a.center.code, "item": a.item.code, "day": a.day, "slot": a.slot,
            "state": a.state}


# -- public ------------------------------------------------------------------------------------
@router.post("/appointments", response={201: AppointmentOut}, summary="Book an appointment")
def book(request, payload: BookIn):
    check_rate(request, "service-book")
    a = queueing.appointment_book(center_code=payload.center, item_code=payload.item, day=payload.day,
                                  slot=payload.slot, name=payload.name, phone=payload.phone)
    return Status(201, _appointment(a))


@router.post("/appointments/{code}/check-in", response={201: TicketOut}, summary="Check in; get a ticket")
def check_in(request, code: str):
    check_rate(request, "service-ticket")
    return Status(201, ticket_out(queueing.appointment_check_in(code=code)))


@router.post("/tickets", response={201: TicketOut}, summary="Take a ticket at the hall (walk-in)")
def take_ticket(request, payload: TicketIn):
    check_rate(request, "service-ticket")
    return Status(201, ticket_out(queueing.ticket_issue(center_code=payload.center, category=payload.category)))


# -- staff: the queue -------------------------------------------------------------------------------
@router.post("/windows/{window_id}/call-next", response={200: TicketOut, 204: None}, auth=staff_auth,
             summary="Call the next ticket to this window")
def call_next(request, window_id: int):
    ticket = queueing.ticket_call_next(actor=request.auth, window_id=window_id)
    return ticket_out(ticket) if ticket else Status(204, None)


@router.post("/windows/{window_id}/call", response=TicketOut, auth=staff_auth, summary="Call a ticket by number")
def call(request, window_id: int, payload: CallIn):
    return ticket_out(queueing.ticket_call(actor=request.auth, window_id=window_id, number=payload.number))


@router.get("/queue/figures", response=QueueFiguresOut, auth=staff_auth, summary="Waiting-time figures")
def queue_figures(request, center: str, day: date | None = None):
    c = Center.objects.filter(code=center).first()
    if c is None or not may_see_center(request.auth, c.id):
        raise NotFound("No such service center.", code="center_not_found")
    return selectors.queue_figures(center_id=c.id, day=day or timezone.localdate())


# -- staff: consultations and hotline ----------------------------------------------------------------
@router.post("/consultations", response={201: ConsultationOut}, auth=staff_auth, summary="Log a consultation")
def consult(request, payload: ConsultationIn):
    c = services.consultation_record(actor=request.auth, channel=payload.channel, category=payload.category,
                                     question=payload.question, answer=payload.answer,
                                     duration_seconds=payload.duration_seconds, item_code=payload.item,
                                     follow_up_needed=payload.follow_up_needed)
    return Status(201, consultation_out(c))


@router.get("/consultations", response=list[ConsultationOut], auth=staff_auth, summary="Consultations")
def consultations(request, channel: str = "", start: date | None = None, end: date | None = None,
                  limit: int = 100, offset: int = 0):
    qs = selectors.consultations(user=request.auth, channel=channel, start=start, end=end)
    return [consultation_out(c) for c in qs[page(offset, limit, 500)]]


@router.post("/hotline", response={201: HotlineOut}, auth=staff_auth, summary="Receive a 12345 work order")
def hotline(request, payload: HotlineIn):
    o = services.hotline_order_receive(actor=request.auth, number=payload.number, content=payload.content,
                                       category=payload.category, response_days=payload.response_days)
    return Status(201, o)


@router.post("/hotline/{number}/answer", response=HotlineOut, auth=staff_auth, summary="Answer a work order")
def hotline_answer(request, number: str, payload: HotlineAnswerIn):
    return services.hotline_order_answer(actor=request.auth, number=number, answer=payload.answer)


# -- staff: outreach and rosters ------------------------------------------------------------------------
@router.post("/outreach", response={201: OutreachOut}, auth=staff_auth, summary="Record an outreach event")
def outreach(request, payload: OutreachIn):
    e = services.outreach_event_record(actor=request.auth, data=services.OutreachInput(
        kind=payload.kind, target=payload.target, title=payload.title, place=payload.place,
        starts_on=payload.starts_on, ends_on=payload.ends_on, campaign=payload.campaign,
        staff_usernames=payload.staff, sends=payload.sends, outputs=payload.outputs))
    return Status(201, e)


@router.get("/outreach/totals", response=dict[str, int], auth=staff_auth, summary="Counted outreach outputs")
def outreach_totals(request, start: date, end: date, kind: str = "", campaign: str = ""):
    if end < start:
        raise InvalidInput("The period ends before it starts.", field="end")
    return selectors.outreach_totals(start=start, end=end, kind=kind or None, campaign=campaign or None)


@router.get("/plans/{plan_id}/roster", response=list[ShiftOut], auth=staff_auth, summary="Duty roster")
def roster(request, plan_id: int):
    _plan, shifts = selectors.roster(user=request.auth, plan_id=plan_id)
    return [{"day": s.day, "center": s.window.hall.center.name, "window": s.window.number,
             "staff": s.staff.display_name} for s in shifts]


@router.post("/plans/{plan_id}/roster", response=list[ShiftOut], auth=staff_auth, summary="Generate the roster")
def roster_generate(request, plan_id: int):
    duty.roster_generate(actor=request.auth, plan_id=plan_id)
    return roster(request, plan_id)
