"""Periodic work: keep the statistics roll-up current for the last days (the scheduler enqueues
`refresh_rollup`; see settings.TONGBAN_SCHEDULE)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from tongban.stats.rollup import rollup_rebuild


def refresh_rollup_now(days: int | None = None) -> dict:
    """Rebuild the roll-up for the last `days` days through yesterday (TONGBAN_STATS_ROLLUP_DAYS,
    default 3): late writes dated a day or two back (a transition at midnight) land in it."""
    days = days or getattr(settings, "TONGBAN_STATS_ROLLUP_DAYS", 3)
    result = rollup_rebuild(since=timezone.localdate() - timedelta(days=days))
    return {"since": str(result.since), "through": str(result.through), "rows": result.rows,
            "seconds": round(result.seconds, 2)}


@task()
def refresh_rollup() -> dict:
    return refresh_rollup_now()
