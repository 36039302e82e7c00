"""Appointments and the hall queue (预约, 取号, 叫号).

Capacity: each window serving an item's category takes APPOINTMENTS_PER_WINDOW bookings per
one-hour slot; on a rest day only the windows a holiday plan opens (with that item) count. A
booking locks its SlotBooking row, so concurrent bookings never exceed the capacity.

Fairness: walk-ins and appointments share one queue ordered by `queued_at`: a walk-in queues
from the moment it takes its ticket, an appointment from the later of its check-in and the start
of its slot. Nobody is overtaken by someone who joined the queue later; an appointment holder
who arrives early does not push ahead of those already waiting at their slot time.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.selectors import item_get_current
from tongban.core import calendar, pii
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.core.validation import validate_phone
from tongban.org.models import Center, Window
from tongban.service import permissions
from tongban.service.models import (
    Appointment,
    AppointmentState,
    PlanWindow,
    QueueTicket,
    SlotBooking,
    TicketState,
)

SLOTS = ("09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00")
PHONE_CONTEXT = "appointment.phone"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def per_window() -> int:
    return int(getattr(settings, "TONGBAN_APPOINTMENTS_PER_WINDOW", 4))


def slot_start(day: date, slot: str) -> datetime:
    hour, minute = (int(p) for p in slot.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def open_windows(center: Center, item_code: str, category: str, day: date) -> int:
    """How many windows of the center take this item on this day (0 = closed)."""
    if calendar.is_working_day(day):
        return sum(1 for w in Window.objects.filter(hall__center=center, is_active=True)
                   if category in (w.categories or []))
    return PlanWindow.objects.filter(window__hall__center=center, window__is_active=True, plan__starts_on__lte=day,
                                     plan__ends_on__gte=day, items__code=item_code).distinct().count()


def capacity(center: Center, item_code: str, category: str, day: date) -> int:
    return open_windows(center, item_code, category, day) * per_window()


@transaction.atomic
def appointment_book(*, center_code: str, item_code: str, day: date, slot: str, name: str, phone: str) -> Appointment:
    center = Center.objects.filter(code=center_code).first()
    if center is None:
        raise NotFound(_("No service center %(c)s.") % {"c": center_code}, code="center_not_found")
    version = item_get_current(code=item_code)
    if version is None:
        raise NotFound(_("No service item with code %(code)s.") % {"code": item_code}, code="item_not_found")
    if slot not in SLOTS:
        raise InvalidInput(_("Time slots start at %(s)s.") % {"s": "、".join(SLOTS)}, field="slot")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("The name is required (at most 100 characters)."), field="name")
    phone = validate_phone(phone)
    if day < timezone.localdate() or slot_start(day, slot) <= timezone.now():
        raise InvalidInput(_("That time slot has already begun."), code="slot_closed", field="slot")
    limit = capacity(center, item_code, version.category, day)
    if limit == 0:
        raise InvalidInput(_("%(c)s does not take %(i)s on %(d)s (closed, or no window serves it).")
                           % {"c": center.name, "i": version.name, "d": day}, code="slot_closed", field="day")
    row, _created = SlotBooking.objects.get_or_create(center=center, category=version.category, day=day, slot=slot)
    row = SlotBooking.objects.select_for_update().get(pk=row.pk)
    if row.booked >= limit:
        raise Conflict(_("The %(s)s slot on %(d)s is full; choose another time.") % {"s": slot, "d": day},
                       code="slot_full")
    row.booked += 1
    row.save(update_fields=["booked"])
    return Appointment.objects.create(
        code="".join(secrets.choice(CODE_ALPHABET) for _i in range(8)), center=center, item=version.item,
        category=version.category, day=day, slot=slot, name=name, phone_enc=pii.encrypt(phone, context=PHONE_CONTEXT),
        phone_masked=pii.mask_phone(phone), created_at=timezone.now(),
    )


def _next_number(center: Center, day: date, prefix: str) -> str:
    n = QueueTicket.objects.filter(center=center, day=day, number__startswith=prefix).count() + 1
    return f"{prefix}{n:03d}"


def _issue(*, center: Center, category: str, queued_at: datetime, appointment: Appointment | None) -> QueueTicket:
    now = timezone.now()
    day = timezone.localdate(now)
    prefix = "Y" if appointment else "A"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return QueueTicket.objects.create(center=center, day=day, number=_next_number(center, day, prefix),
                                                  category=category, appointment=appointment, issued_at=now,
                                                  queued_at=queued_at)
        except IntegrityError:  # another ticket took the number at the same moment
            continue
    raise Conflict(_("The ticket machine is busy; try again."), code="ticket_busy")


@transaction.atomic
def ticket_issue(*, center_code: str, category: str) -> QueueTicket:
    """取号: a walk-in takes a ticket for a category of business at the hall."""
    center = Center.objects.filter(code=center_code).first()
    if center is None:
        raise NotFound(_("No service center %(c)s.") % {"c": center_code}, code="center_not_found")
    if not any(category in (w.categories or []) for w in Window.objects.filter(hall__center=center, is_active=True)):
        raise InvalidInput(_("No window of %(c)s serves this business.") % {"c": center.name}, field="category")
    return _issue(center=center, category=category, queued_at=timezone.now(), appointment=None)


@transaction.atomic
def appointment_check_in(*, code: str) -> QueueTicket:
    appointment = Appointment.objects.select_for_update().filter(code=(code or "").strip().upper()).first()
    if appointment is None:
        raise NotFound(_("No appointment with this booking code."), code="appointment_not_found")
    now = timezone.now()
    if appointment.state != AppointmentState.BOOKED:
        raise Conflict(_("This appointment was used already."), code="appointment_used")
    if appointment.day != timezone.localdate(now):
        raise InvalidInput(_("This appointment is for %(d)s.") % {"d": appointment.day}, field="code")
    appointment.state = AppointmentState.CHECKED_IN
    appointment.save(update_fields=["state"])
    return _issue(center=appointment.center, category=appointment.category,
                  queued_at=max(now, slot_start(appointment.day, appointment.slot)), appointment=appointment)


def _window_for(actor, window_id: int) -> Window:
    window = Window.objects.select_related("hall").filter(pk=window_id, is_active=True).first()
    if window is None:
        raise NotFound(_("No window %(w)s.") % {"w": window_id}, code="window_not_found")
    permissions.require(actor, "call", window.hall.center_id)
    return window


def _mark_called(ticket: QueueTicket, *, window: Window, actor) -> QueueTicket:
    ticket.state = TicketState.CALLED
    ticket.window = window
    ticket.called_at = timezone.now()
    ticket.called_by = actor
    ticket.save(update_fields=["state", "window", "called_at", "called_by"])
    return ticket


@transaction.atomic
def ticket_call_next(*, actor, window_id: int) -> QueueTicket | None:
    """Call the ticket that joined the queue first among those this window serves (None: nobody waits)."""
    window = _window_for(actor, window_id)
    qs = QueueTicket.objects.filter(center_id=window.hall.center_id, day=timezone.localdate(),
                                    state=TicketState.WAITING, category__in=window.categories or [])
    qs = qs.select_for_update(skip_locked=True) if connection.features.has_select_for_update_skip_locked \
        else qs.select_for_update()
    ticket = qs.order_by("queued_at", "id").first()
    return _mark_called(ticket, window=window, actor=actor) if ticket else None


@transaction.atomic
def ticket_call(*, actor, window_id: int, number: str) -> QueueTicket:
    """Call one ticket by its number (e.g. an elderly applicant helped out of turn)."""
    window = _window_for(actor, window_id)
    ticket = QueueTicket.objects.select_for_update().filter(center_id=window.hall.center_id,
                                                            day=timezone.localdate(), number=number).first()
    if ticket is None:
        raise NotFound(_("No ticket %(n)s today.") % {"n": number}, code="ticket_not_found")
    if ticket.state != TicketState.WAITING:
        raise Conflict(_("Ticket %(n)s was called already (window %(w)s).") % {"n": number, "w": ticket.window},
                       code="ticket_already_called")
    return _mark_called(ticket, window=window, actor=actor)


@transaction.atomic
def ticket_finish(*, actor, ticket_id: int, served: bool) -> QueueTicket:
    ticket = QueueTicket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(_("No such ticket."), code="ticket_not_found")
    permissions.require(actor, "call", ticket.center_id)
    if ticket.state != TicketState.CALLED:
        raise Conflict(_("Only a called ticket can be finished."), code="invalid_transition")
    ticket.state = TicketState.SERVED if served else TicketState.NO_SHOW
    ticket.save(update_fields=["state"])
    return ticket
