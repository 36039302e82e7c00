from datetime import date

from django.core.checks import Warning, register
from django.db import DatabaseError


@register("tongban")
def calendar_covers_this_and_next_year(app_configs, **kwargs):
    from tongban.core.models import CalendarYear

    try:
        covered = set(CalendarYear.objects.values_list("year", flat=True))
    except DatabaseError:
        return []  # not migrated yet
    this_year = date.today().year
    return [
        Warning(
            f"The working-day calendar has no data for {year}.",
            hint="Import the State Council holiday notice: tongban calendar import FILE",
            id="tongban.W001",
        )
        for year in (this_year, this_year + 1)
        if covered and year not in covered
    ]
