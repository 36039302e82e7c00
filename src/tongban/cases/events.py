"""Case events: one append-only row per state change or notable act, in the same transaction."""

from django.utils import timezone

from tongban.cases.models import CaseEvent
from tongban.core.fastinsert import insert


def event_record(*, case, actor, action: str, from_state: str = "", to_state: str = "", note: str = "",
                 data: dict | None = None, need_pk: bool = True) -> CaseEvent:
    label = "applicant" if actor is None else actor.get_username()
    return insert(CaseEvent(
        case=case, at=timezone.now(), actor=actor if actor is not None else None, actor_label=label,
        action=action, from_state=from_state, to_state=to_state, note=note, data=data or {},
    ), need_pk=need_pk)
