"""Ratings (好差评) and the rectification (整改) a poor rating opens."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import clock, policy
from tongban.cases.events import event_record
from tongban.cases.models import (
    Case,
    NotificationKind,
    Rating,
    Rectification,
    RectificationState,
    S,
)
from tongban.cases.notifications import notify
from tongban.core import calendar
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.org.models import Role, StaffProfile

SCORE_LABELS = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}
RATING_CHANNELS = ("window", "online", "phone", "sms", "self_service")


def rectification_days() -> int:
    return getattr(settings, "TONGBAN_RECTIFICATION_DAYS", 5)


def rating_submit(*, case: Case, score: int, text: str = "", channel: str = "online", actor=None) -> Rating:
    """Rate a concluded case once. `case` was already found by a check of who is rating."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput(_("A rating is a whole number from 1 to 5."), field="score")
    if channel not in RATING_CHANNELS:
        raise InvalidInput(_("Unknown rating channel."), field="channel")
    if actor is not None:
        policy.require(actor, case.center_id, "record_rating")
    text = (text or "").strip()[:500]
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in (S.CONCLUDED, S.DELIVERED):
            raise Conflict(_("A case can be rated once it is concluded."), code="not_concluded")
        try:
            with transaction.atomic():
                rating = Rating.objects.create(case=locked, score=score, text=text, channel=channel,
                                               created_at=timezone.now())
        except IntegrityError:
            raise Conflict(_("This case has already been rated."), code="already_rated") from None
        event_record(case=locked, actor=actor, action="rate", note=text,
                     data={"score": score, "label": SCORE_LABELS[score], "channel": channel})
        if score <= 2:
            due = calendar.add_working_days(clock.today(), rectification_days())
            Rectification.objects.create(rating=rating, center=locked.center, due_on=due)
            admins = StaffProfile.objects.filter(center=locked.center, role=Role.CENTER_ADMIN).select_related("user")
            for profile in admins:
                notify(user=profile.user, case=locked, kind=NotificationKind.RECTIFICATION,
                       message=_("Case %(n)s was rated %(label)s: answer and follow up by %(due)s.")
                       % {"n": locked.number, "label": SCORE_LABELS[score], "due": due.isoformat()})
    return rating


def _rectification_for(actor, rectification_id: int) -> Rectification:
    rect = (Rectification.objects.select_for_update(of=("self",)).select_related("rating__case")
            .filter(pk=rectification_id).first())
    if rect is None or not policy.allowed(actor, rect.center_id, "view"):
        raise NotFound(_("No such rectification."), code="rectification_not_found")
    policy.require(actor, rect.center_id, "handle_rectification")
    return rect


@transaction.atomic
def rectification_answer(*, actor, rectification_id: int, answer: str) -> Rectification:
    answer = (answer or "").strip()
    if not answer:
        raise InvalidInput(_("Write the answer to the applicant."), field="answer")
    rect = _rectification_for(actor, rectification_id)
    if rect.state != RectificationState.OPEN:
        raise Conflict(_("This rectification has already been answered."), code="invalid_transition")
    rect.answer, rect.answered_at, rect.state = answer, timezone.now(), RectificationState.ANSWERED
    rect.save(update_fields=["answer", "answered_at", "state"])
    event_record(case=rect.rating.case, actor=actor, action="rectification_answer", note=answer)
    return rect


@transaction.atomic
def rectification_close(*, actor, rectification_id: int, follow_up_note: str) -> Rectification:
    note = (follow_up_note or "").strip()
    if not note:
        raise InvalidInput(_("Record what the applicant said in the follow-up call (回访)."), field="follow_up_note")
    rect = _rectification_for(actor, rectification_id)
    if rect.state != RectificationState.ANSWERED:
        raise Conflict(_("Answer the rectification before closing it."), code="invalid_transition")
    rect.follow_up_note, rect.closed_at, rect.state = note, timezone.now(), RectificationState.CLOSED
    rect.save(update_fields=["follow_up_note", "closed_at", "state"])
    event_record(case=rect.rating.case, actor=actor, action="rectification_close", note=note)
    return rect
