"""Case numbers: `{region code}-{YYYYMMDD}-{6-digit daily sequence}`, e.g. 611100-20231201-000123.

The region code makes numbers unique across deployments (each region runs its own); the date
is the local submission date; the sequence restarts each day per region and has no gaps: the
day's row is locked from the moment a number is taken until the submission commits (a rolled
back submission gives its number back).
"""

from datetime import date
from functools import cache

from django.db import connection

from tongban.cases.models import Case, CaseSequence
from tongban.core.fastinsert import insert, insert_params, insert_select_sql, mark_saved

# One statement creates the day's row with 1 or counts on from the existing one (SQLite >= 3.35
# and PostgreSQL): no look-up first, and no error when two submissions start the day together.
_COUNT_ON = (
    f"INSERT INTO {CaseSequence._meta.db_table} (region_code, day, last) VALUES (%s, %s, 1)"  # noqa: S608
    f" ON CONFLICT (region_code, day) DO UPDATE SET last = {CaseSequence._meta.db_table}.last + 1"
)
_TAKE = f"{_COUNT_ON} RETURNING last"


def _format(region_code: str, day: date, last: int) -> str:
    return f"{_prefix(region_code, day)}{last:06d}"


def _prefix(region_code: str, day: date) -> str:
    return f"{region_code}-{day:%Y%m%d}-"


def case_number_next(*, region_code: str, day: date) -> str:
    """Take the day's next number in the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [region_code, connection.ops.adapt_datefield_value(day)])
        return _format(region_code, day, cursor.fetchone()[0])


def case_insert_numbered(case: Case, *, day: date) -> Case:
    """Insert the new `case` under the day's next number, in the caller's transaction.

    On PostgreSQL the number is taken and the case inserted by one statement: the sequence's row
    lock is then held one round trip less, and the case row is written once (an UPDATE of the
    number would write a second version of the row and of each of its indexes)."""
    if connection.vendor != "postgresql":
        case.number = case_number_next(region_code=case.region_code, day=day)
        return insert(case)
    params = insert_params(case, connection, _FROM_TAKEN)
    prefix = _prefix(case.region_code, day)
    with connection.cursor() as cursor:
        cursor.execute(_numbered_insert(), [case.region_code, connection.ops.adapt_datefield_value(day), prefix,
                                            *params])
        case.pk, case.number = cursor.fetchone()
    mark_saved([case], connection.alias)
    return case


# The case's column _numbered_insert() takes from the sequence row it has just counted on.
_FROM_TAKEN = (("number", "taken.number"),)


@cache
def _numbered_insert() -> str:
    quote = connection.ops.quote_name
    # The number: the prefix (a parameter) and the sequence, zero-padded to at least 6 digits.
    taken = f"{_COUNT_ON} RETURNING %s || lpad(last::text, greatest(6, length(last::text)), '0') AS number"
    return (f"WITH taken AS ({taken}) {insert_select_sql(Case, 'taken', _FROM_TAKEN)}"
            f" RETURNING {quote(Case._meta.pk.column)}, {quote(Case._meta.get_field('number').column)}")
