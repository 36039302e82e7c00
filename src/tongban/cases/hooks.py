"""What other apps do when a case concludes (issue a license, archive it...), without cases
importing them: settings.TONGBAN_CASE_CONCLUDED_HOOKS lists dotted paths of callables taking
the case number; each runs after the commit so a failure there never undoes the conclusion."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def after_conclusion(case) -> None:
    for path in getattr(settings, "TONGBAN_CASE_CONCLUDED_HOOKS", []):
        hook = import_string(path)
        transaction.on_commit(lambda hook=hook, number=case.number: hook(number))


def after_transition(*, case, action: str, event) -> None:
    """settings.TONGBAN_CASE_TRANSITION_HOOKS: dotted paths of callables taking (case=, action=,
    event=), called INSIDE the transition's transaction, so what they write (e.g. a federation
    outbox row) commits or rolls back with the transition. Keep them to quick local writes."""
    for path in getattr(settings, "TONGBAN_CASE_TRANSITION_HOOKS", []):
        import_string(path)(case=case, action=action, event=event)
