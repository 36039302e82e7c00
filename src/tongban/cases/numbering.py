"""Case numbers: `{region code}-{YYYYMMDD}-{6-digit daily sequence}`, e.g. 611100-20231201-000123.

The region code makes numbers unique across deployments (each region runs its own); the date
is the local submission date; the sequence restarts each day per region.
"""

from datetime import date

from django.db import IntegrityError, connection, transaction

from tongban.cases.models import CaseSequence


def _increment(region_code: str, day: date) -> int | None:
    # One statement instead of SELECT ... FOR UPDATE then UPDATE: the row stays locked to the
    # end of the caller's transaction either way, and every submission runs this under the lock.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CaseSequence._meta.db_table} SET last = last + 1"  # noqa: S608 (table name, not input)
            " WHERE region_code = %s AND day = %s RETURNING last",
            [region_code, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def case_number_next(*, region_code: str, day: date) -> str:
    last = _increment(region_code, day)
    if last is None:
        try:
            with transaction.atomic():
                CaseSequence.objects.create(region_code=region_code, day=day, last=1)
            last = 1
        except IntegrityError:  # another submission created today's row first
            last = _increment(region_code, day)
    return f"{region_code}-{day:%Y%m%d}-{last:06d}"
