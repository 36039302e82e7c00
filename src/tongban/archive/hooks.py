"""Called by the case app (settings.TONGBAN_CASE_TRANSITION_HOOKS) inside a transition's
transaction: when a case is delivered, package it in the background after the commit."""

from django.db import transaction


def on_case_transition(*, case, action: str, event) -> None:
    if action != "deliver":
        return
    from tongban.archive.tasks import archive_case

    transaction.on_commit(lambda number=case.number: archive_case.enqueue(number))
