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
