"""Writes of consultations, 12345 hotline orders, outreach events and lectures. Duty plans are
in `duty.py`, appointments and the queue in `queueing.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import calendar
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.org.scoping import staff_profile
from tongban.service import permissions
from tongban.service.models import (
    OUTPUT_FIELDS,
    Consultation,
    ConsultChannel,
    HotlineOrder,
    HotlineState,
    Lecture,
    LectureMaterial,
    OutreachEvent,
    OutreachKind,
    OutreachTarget,
    QuestionCategory,
)

SENDS = ("guides", "policies", "support", "services", "convenience")  # 五送


def _center_of(actor):
    profile = staff_profile(actor)
    if profile is None:
        raise InvalidInput(_("Only staff of a service center can record this."), code="forbidden_action")
    return profile.center


# -- consultations -----------------------------------------------------------------------------
@transaction.atomic
def consultation_record(*, actor, channel: str, category: str, question: str, answer: str, duration_seconds: int,
                        item_code: str = "", follow_up_needed: bool = False) -> Consultation:
    center = _center_of(actor)
    permissions.require(actor, "consult", center.id)
    if channel not in ConsultChannel.values:
        raise InvalidInput(_("The channel is phone, window or online."), field="channel")
    if category not in QuestionCategory.values:
        raise InvalidInput(_("Unknown question category %(c)s.") % {"c": category}, field="category")
    if not (question or "").strip() or not (answer or "").strip():
        raise InvalidInput(_("Record the question and the answer given."), field="question")
    if isinstance(duration_seconds, bool) or not isinstance(duration_seconds, int) or not 0 < duration_seconds <= 4 * 3600:
        raise InvalidInput(_("The duration is 1 second to 4 hours."), field="duration_seconds")
    item = None
    if item_code:
        from tongban.catalog.models import Item

        item = Item.objects.filter(code=item_code).first()
        if item is None:
            raise InvalidInput(_("No service item with code %(code)s.") % {"code": item_code}, field="item")
    return Consultation.objects.create(channel=channel, center=center, staff=actor, at=timezone.now(), item=item,
                                       category=category, question=question.strip(), answer=answer.strip(),
                                       duration_seconds=duration_seconds, follow_up_needed=follow_up_needed)


def _consultation(actor, consultation_id: int) -> Consultation:
    c = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if c is None:
        raise NotFound(_("No consultation %(id)s.") % {"id": consultation_id}, code="consultation_not_found")
    permissions.require(actor, "consult", c.center_id)
    return c


@transaction.atomic
def consultation_follow_up(*, actor, consultation_id: int, note: str) -> Consultation:
    c = _consultation(actor, consultation_id)
    if not (note or "").strip():
        raise InvalidInput(_("Say what the follow-up found."), field="note")
    c.follow_up_note = note.strip()
    c.follow_up_done_at = timezone.now()
    c.save(update_fields=["follow_up_note", "follow_up_done_at"])
    return c


@transaction.atomic
def consultation_link_case(*, actor, consultation_id: int, case_number: str) -> Consultation:
    from tongban.cases.selectors import case_get_for_staff

    c = _consultation(actor, consultation_id)
    case = case_get_for_staff(user=actor, number=case_number)
    c.case = case
    c.save(update_fields=["case"])
    return c


# -- 12345 hotline work orders -------------------------------------------------------------------
@transaction.atomic
def hotline_order_receive(*, actor, number: str, content: str, category: str, response_days: int = 3,
                          center_code: str | None = None) -> HotlineOrder:
    from tongban.org.models import Center

    center = Center.objects.filter(code=center_code).first() if center_code else _center_of(actor)
    if center is None:
        raise InvalidInput(_("Unknown service center."), field="center")
    permissions.require(actor, "consult", center.id)
    if category not in QuestionCategory.values:
        raise InvalidInput(_("Unknown question category %(c)s.") % {"c": category}, field="category")
    if not (content or "").strip():
        raise InvalidInput(_("The work order has no content."), field="content")
    if isinstance(response_days, bool) or not isinstance(response_days, int) or not 1 <= response_days <= 15:
        raise InvalidInput(_("The response limit is 1 to 15 working days."), field="response_days")
    now = timezone.now()
    try:
        with transaction.atomic():
            return HotlineOrder.objects.create(
                number=number.strip(), center=center, received_at=now, category=category, content=content.strip(),
                response_days=response_days,
                due_on=calendar.add_working_days(timezone.localdate(now), response_days))
    except IntegrityError:
        raise Conflict(_("Work order %(n)s was received already.") % {"n": number}, code="order_exists") from None


@transaction.atomic
def hotline_order_answer(*, actor, number: str, answer: str) -> HotlineOrder:
    order = HotlineOrder.objects.select_for_update().filter(number=number).first()
    if order is None:
        raise NotFound(_("No work order %(n)s.") % {"n": number}, code="order_not_found")
    permissions.require(actor, "consult", order.center_id)
    if order.state != HotlineState.OPEN:
        raise Conflict(_("Work order %(n)s was answered already.") % {"n": number}, code="order_answered")
    if not (answer or "").strip():
        raise InvalidInput(_("Write the answer."), field="answer")
    now = timezone.now()
    order.state, order.answer, order.answered_at, order.answered_by = HotlineState.ANSWERED, answer.strip(), now, actor
    order.on_time = timezone.localdate(now) <= order.due_on
    order.save(update_fields=["state", "answer", "answered_at", "answered_by", "on_time"])
    return order


# -- outreach and publicity ------------------------------------------------------------------------
@dataclass
class OutreachInput:
    kind: str
    target: str
    title: str
    place: str
    starts_on: date
    ends_on: date | None = None
    campaign: str = ""
    staff_usernames: list[str] = field(default_factory=list)
    sends: list[str] = field(default_factory=list)
    outputs: dict[str, int] = field(default_factory=dict)  # keys of OUTPUT_FIELDS


@transaction.atomic
def outreach_event_record(*, actor, data: OutreachInput) -> OutreachEvent:
    center = _center_of(actor)
    permissions.require(actor, "outreach", center.id)
    if data.kind not in OutreachKind.values:
        raise InvalidInput(_("Unknown outreach kind %(k)s.") % {"k": data.kind}, field="kind")
    if data.target not in OutreachTarget.values:
        raise InvalidInput(_("Unknown outreach target %(t)s.") % {"t": data.target}, field="target")
    if not data.title.strip() or not data.place.strip():
        raise InvalidInput(_("Title and place are required."), field="title")
    ends_on = data.ends_on or data.starts_on
    if ends_on < data.starts_on:
        raise InvalidInput(_("The event ends before it starts."), field="ends_on")
    unknown = set(data.outputs) - set(OUTPUT_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown figure %(f)s.") % {"f": ", ".join(sorted(unknown))}, field="outputs")
    for name, value in data.outputs.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput(_("%(f)s must be a whole number, 0 or more (got %(v)s).") % {"f": name, "v": value},
                               code="negative_figure", field=name)
    bad_sends = set(data.sends) - set(SENDS)
    if bad_sends:
        raise InvalidInput(_("What is sent is one of %(s)s.") % {"s": ", ".join(SENDS)}, field="sends")
    staff = list(get_user_model().objects.filter(username__in=data.staff_usernames))
    if len(staff) != len(set(data.staff_usernames)):
        raise InvalidInput(_("Unknown staff member among %(s)s.") % {"s": ", ".join(data.staff_usernames)},
                           field="staff")
    event = OutreachEvent.objects.create(
        kind=data.kind, target=data.target, campaign=data.campaign.strip(), title=data.title.strip(),
        place=data.place.strip(), starts_on=data.starts_on, ends_on=ends_on, center=center,
        sends=sorted(set(data.sends)), recorded_by=actor, **{k: data.outputs.get(k, 0) for k in OUTPUT_FIELDS})
    event.staff.set(staff)
    audit_record(actor=actor, action="outreach.record", object_type="outreach_event", object_id=str(event.pk))
    return event


# -- training ---------------------------------------------------------------------------------------
@transaction.atomic
def lecture_create(*, actor, series: str, number: int, held_on: date, topic: str, speaker: str,
                   speaker_title: str = "", place: str = "") -> Lecture:
    permissions.require(actor, "training")
    if not topic.strip() or not speaker.strip():
        raise InvalidInput(_("A lecture needs its topic and speaker."), field="topic")
    try:
        with transaction.atomic():
            return Lecture.objects.create(series=series, number=number, held_on=held_on, topic=topic.strip(),
                                          speaker=speaker.strip(), speaker_title=speaker_title, place=place)
    except IntegrityError:
        raise Conflict(_("Session %(n)s of %(s)s exists already.") % {"n": number, "s": series},
                       code="lecture_exists") from None


def _lecture(lecture_id: int) -> Lecture:
    lecture = Lecture.objects.filter(pk=lecture_id).first()
    if lecture is None:
        raise NotFound(_("No lecture %(id)s.") % {"id": lecture_id}, code="lecture_not_found")
    return lecture


@transaction.atomic
def lecture_attendance_record(*, actor, lecture_id: int, usernames: list[str]) -> int:
    permissions.require(actor, "training")
    lecture = _lecture(lecture_id)
    users = list(get_user_model().objects.filter(username__in=usernames))
    if len(users) != len(set(usernames)):
        raise InvalidInput(_("Unknown staff member in the attendance list."), field="usernames")
    lecture.attendees.add(*users)
    return lecture.attendees.count()


@transaction.atomic
def lecture_material_add(*, actor, lecture_id: int, title: str, stored) -> LectureMaterial:
    """`stored` is a tongban.cases.files.StoredFile (PDF/JPEG/PNG, sniffed and hashed)."""
    permissions.require(actor, "training")
    if not title.strip():
        raise InvalidInput(_("The material needs a title."), field="title")
    return LectureMaterial.objects.create(lecture=_lecture(lecture_id), title=title.strip(), file_path=stored.path,
                                          original_name=stored.original_name, sha256=stored.sha256)
