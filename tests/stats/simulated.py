"""A simulated year for module-scoped statistics fixtures."""

from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

from tongban.core import calendar


@contextmanager
def simulated_year(django_db_blocker):
    """The demo organisation and catalog and a simulated 2023 (scale 0.01; simulate builds the
    roll-up at its end) inside a transaction rolled back on exit: for module-scoped fixtures."""
    from tongban.catalog import demo as catalog_demo
    from tongban.core import demo as core_demo
    from tongban.org import demo as org_demo
    from tongban.stats.simulate import YearSimulator

    with django_db_blocker.unblock(), override_settings(TONGBAN_CASE_TRANSITION_HOOKS=[]):
        with transaction.atomic():
            core_demo.load()
            calendar.invalidate()
            org_demo.load()
            catalog_demo.load()
            yield YearSimulator(year=2023, scale=0.01, progress=False).run()
            transaction.set_rollback(True)
    calendar.invalidate()
