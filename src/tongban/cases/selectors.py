"""Case reads. Staff see only cases of centers they may see (tongban.org.scoping); the public
look-up needs the case number and the applicant's ID number (or credit code) together, and
says the same thing for a wrong number and a wrong ID."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from tongban.cases.applicants import id_index
from tongban.cases.models import Applicant, Case, CaseEvent, Rating
from tongban.cases.schemas import PUBLIC_ACTIONS
from tongban.catalog.models import ItemVersion
from tongban.core.errors import InvalidInput, NotFound
from tongban.core.rawsql import aware
from tongban.org.models import Center
from tongban.org.scoping import scope_by_center

NOT_FOUND_PUBLIC = _("No case matches this case number and ID number.")


def case_get_for_staff(*, user, number: str) -> Case:
    case = (
        scope_by_center(Case.objects.all(), user)
        .select_related("item_version__item", "item_version__department", "applicant", "center", "window",
                        "received_by", "assigned_to")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound(_("No case with number %(n)s.") % {"n": number}, code="case_not_found")
    return case


def case_events(case: Case) -> QuerySet[CaseEvent]:
    return case.events.order_by("id")


def case_queue(*, user, state: str | None = None, light: str | None = None, item_code: str | None = None,
               center_code: str | None = None, limit: int = 50, offset: int = 0) -> QuerySet[Case]:
    """Most urgent first: by promised due date (cases without one last), then by number."""
    qs = scope_by_center(Case.objects.all(), user)
    if state:
        qs = qs.filter(state=state)
    if light:
        qs = qs.filter(light=light)
    if item_code:
        qs = qs.filter(item_version__item__code=item_code)
    if center_code:
        qs = qs.filter(center__code=center_code)
    return (
        qs.select_related("item_version__item", "applicant", "center")
        .order_by(F("promised_due").asc(nulls_last=True), "id")[offset : offset + limit]
    )


def _public_key(number: str, id_number: str) -> str:
    key = (id_number or "").strip().upper().replace(" ", "")
    if not key or len(key) > 18 or len(number or "") > 24:
        raise InvalidInput(_("Enter the case number and the applicant's ID number."), field="id_number")
    return key


def case_public_lookup(*, number: str, id_number: str) -> Case:
    """Find a case by number + the applicant's ID number or credit code; one answer for every miss."""
    key = _public_key(number, id_number)
    index = id_index(key)
    case = (
        Case.objects.select_related("item_version__item", "applicant", "center")
        .filter(number=(number or "").strip())
        .first()
    )
    if case is None:
        raise NotFound(NOT_FOUND_PUBLIC, code="case_not_found")
    applicant = case.applicant
    if not (applicant.id_number_index == index or (applicant.credit_code and applicant.credit_code == key)):
        raise NotFound(NOT_FOUND_PUBLIC, code="case_not_found")
    return case


_PUBLIC_FIELDS = ("id", "number", "state", "submitted_at", "promised_due", "item_version__name", "applicant__name",
                  "applicant__id_number_masked", "applicant__id_number_index", "applicant__credit_code",
                  "center__name")


def case_public_status(*, number: str, id_number: str) -> tuple[dict, list[tuple]]:
    """case_public_lookup() for the public status query, the most frequent read of the platform:
    the case's public columns as one plain row (with whether it was rated) and its public
    timeline as (at, action, to_state), in one query (the case left-joined to its events, a row
    per event) and no model instances. Written out in SQL because compiling the same query
    through the ORM cost more than running it. The public actions are picked here, not in SQL:
    a case has a few events, and a condition on the action tempted PostgreSQL into also reading
    the action index (every submission's event) when its statistics lagged behind a busy day."""
    key = _public_key(number, id_number)
    index = id_index(key)
    with connection.cursor() as cursor:
        cursor.execute(_public_status_sql(), [(number or "").strip()])
        rows = cursor.fetchall()
    row = dict(zip(_PUBLIC_FIELDS, rows[0][: len(_PUBLIC_FIELDS)], strict=True)) if rows else None
    if row is None or not (row["applicant__id_number_index"] == index
                           or (row["applicant__credit_code"] and row["applicant__credit_code"] == key)):
        raise NotFound(NOT_FOUND_PUBLIC, code="case_not_found")
    row["submitted_at"] = aware(row["submitted_at"])
    row["rated"] = bool(rows[0][-1])
    timeline = [(aware(at), action, to_state) for *_, at, action, to_state, _rated in rows
                if action in PUBLIC_ACTIONS]
    return row, timeline


@cache
def _public_status_sql() -> str:
    table = {model: connection.ops.quote_name(model._meta.db_table)
             for model in (Case, CaseEvent, Rating, ItemVersion, Applicant, Center)}
    return (
        "SELECT c.id, c.number, c.state, c.submitted_at, c.promised_due, v.name, a.name,"  # noqa: S608 (table names)
        " a.id_number_masked, a.id_number_index, a.credit_code, ce.name, e.at, e.action, e.to_state,"
        f" EXISTS (SELECT 1 FROM {table[Rating]} r WHERE r.case_id = c.id)"
        f" FROM {table[Case]} c"
        f" JOIN {table[ItemVersion]} v ON v.id = c.item_version_id"
        f" JOIN {table[Applicant]} a ON a.id = c.applicant_id"
        f" JOIN {table[Center]} ce ON ce.id = c.center_id"
        f" LEFT JOIN {table[CaseEvent]} e ON e.case_id = c.id"
        " WHERE c.number = %s ORDER BY e.id"
    )
