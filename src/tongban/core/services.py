"""Writes of the platform core: the holiday calendar and the audit log."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import calendar
from tongban.core.calendar_import import YearSchedule
from tongban.core.canonical import canonical_json
from tongban.core.errors import InvalidInput
from tongban.core.fastinsert import insert, insert_params, insert_select_sql, mark_saved
from tongban.core.models import AuditEntry, AuditHead, CalendarDay, CalendarSource, CalendarYear

GENESIS_HASH = "0" * 64
_HEAD = AuditHead._meta.db_table  # the audit chain's one head row


# -- calendar ------------------------------------------------------------------------------
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _package_years() -> dict[int, list[tuple[date, str, str]]]:
    import chinese_calendar

    by_year: dict[int, list[tuple[date, str, str]]] = {}
    for day, name in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, []).append((day, "holiday", HOLIDAY_NAMES_ZH.get(name, name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:  # the package lists make-up days; weekdays are working anyway
            by_year.setdefault(day.year, []).append((day, "workday", HOLIDAY_NAMES_ZH.get(name, name)))
    return by_year


@transaction.atomic
def calendar_seed_from_package() -> list[int]:
    """Load every year `chinese-calendar` covers that the database does not have yet.
    Idempotent; years imported by an admin are never overwritten. Returns the years added."""
    have = set(CalendarYear.objects.values_list("year", flat=True))
    added = []
    for year, rows in sorted(_package_years().items()):
        if year in have:
            continue
        cy = CalendarYear.objects.create(year=year, source=CalendarSource.SEED, note="chinese-calendar")
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=cy, date=d, kind=k, name=n) for d, k, n in rows
        )
        added.append(year)
    if added:
        transaction.on_commit(calendar.invalidate)
    return added


@transaction.atomic
def calendar_import(*, schedule: YearSchedule, replace: bool = False, actor=None) -> CalendarYear:
    existing = CalendarYear.objects.filter(year=schedule.year).first()
    if existing and not replace:
        raise InvalidInput(
            _("The year %(year)s is already covered; import with --replace to correct it.")
            % {"year": schedule.year},
            field="year",
        )
    if existing:
        existing.delete()
    cy = CalendarYear(year=schedule.year, source=CalendarSource.IMPORT, note=schedule.note[:200])
    cy.full_clean()
    cy.save()
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar_year=cy, date=d, kind=kind, name=name)
        for d, (kind, name) in sorted(schedule.days.items())
    )
    audit_record(
        actor=actor,
        action="calendar.import",
        object_type="calendar_year",
        object_id=str(schedule.year),
        detail={"days": len(schedule.days), "replaced": bool(existing)},
    )
    transaction.on_commit(calendar.invalidate)
    return cy


# -- audit log -----------------------------------------------------------------------------
def audit_entry_hash(*, prev_hash: str, at: str, actor_label: str, action: str, object_type: str,
                     object_id: str, purpose: str, detail: dict) -> str:
    payload = canonical_json([prev_hash, at, actor_label, action, object_type, object_id, purpose, detail])
    return hashlib.sha256(payload.encode()).hexdigest()


def _hashed_tail(*, at: str, actor_label: str, action: str, object_type: str, object_id: str, purpose: str,
                 detail: dict) -> str:
    """audit_entry_hash()'s payload after `["<prev_hash>",`: a previous hash is hex digits, which
    JSON writes as they are, so the database can put the payload together around the hash it
    holds and come to the same digest."""
    return canonical_json([at, actor_label, action, object_type, object_id, purpose, detail])[1:]


def audit_record(*, actor, action: str, object_type: str, object_id: str, purpose: str = "",
                 detail: dict | None = None, need_pk: bool = True) -> AuditEntry:
    """Append one audit entry to the chain. Call inside the transaction of the audited act.
    need_pk=False: the entry comes back without its id (on PostgreSQL, without its hashes too),
    and nothing waits for the database's answer (core.pipeline)."""
    detail = detail or {}
    at = timezone.now()
    label = actor.get_username() if actor is not None and actor.is_authenticated else "system"
    entry = AuditEntry(
        at=at, actor=actor if actor is not None and actor.is_authenticated else None, actor_label=label,
        action=action, object_type=object_type, object_id=object_id, purpose=purpose, detail=detail,
    )
    parts = {"at": at.isoformat(), "actor_label": label, "action": action, "object_type": object_type,
             "object_id": object_id, "purpose": purpose, "detail": detail}
    if connection.vendor == "postgresql":
        return _audit_append(entry, _hashed_tail(**parts), need_pk=need_pk)
    # No savepoint: the entry stands or falls with the act it records, so a failure here rolls
    # back the caller's whole transaction anyway (and a savepoint is two statements per act).
    with transaction.atomic(savepoint=False):
        entry.prev_hash = _audit_head_take()
        entry.entry_hash = audit_entry_hash(prev_hash=entry.prev_hash, **parts)
        insert(entry, need_pk=need_pk)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_HEAD} SET prev_hash = last_hash, last_hash = %s WHERE id = 1",  # noqa: S608
                           [entry.entry_hash])
        return entry


def _audit_head_take() -> str:
    """Lock the chain's head row until the transaction ends and return the last hash. One
    UPDATE both counts the entry and takes the write lock, so concurrent writers line up here."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_HEAD} SET count = count + 1 WHERE id = 1 RETURNING last_hash")  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # the very first entry
        AuditHead.objects.create(id=1, last_hash=GENESIS_HASH, count=1)
        return GENESIS_HASH
    return row[0]


def _audit_append(entry: AuditEntry, tail: str, *, need_pk: bool) -> AuditEntry:
    """PostgreSQL: the head moved on and the entry inserted by one statement, the new hash
    computed by the database from the head it has just locked (the same digest as
    audit_entry_hash(): see _hashed_tail). The head's row lock is taken at the end of the
    submission's last batch and held only until the commit that follows."""
    params = insert_params(entry, connection, _FROM_HEAD)
    with connection.cursor() as cursor:
        cursor.execute(_append_statement(need_pk), [GENESIS_HASH, GENESIS_HASH, tail, tail, *params])
        if need_pk:
            entry.pk, entry.prev_hash, entry.entry_hash = cursor.fetchone()
    mark_saved([entry], connection.alias)
    return entry


# The entry's columns _audit_append() takes from the head the statement has just moved on.
_FROM_HEAD = (("prev_hash", "moved.prev_hash"), ("entry_hash", "moved.last_hash"))


@cache
def _append_statement(returning: bool) -> str:
    head = connection.ops.quote_name(_HEAD)
    digest = "encode(sha256(convert_to('[\"' || {prev} || '\",' || %s, 'UTF8')), 'hex')"
    sql = (
        f"WITH moved AS (INSERT INTO {head} (id, count, prev_hash, last_hash)"  # noqa: S608
        f" VALUES (1, 1, %s, {digest.format(prev='%s')})"
        f" ON CONFLICT (id) DO UPDATE SET count = {head}.count + 1, prev_hash = {head}.last_hash,"
        f" last_hash = {digest.format(prev=head + '.last_hash')}"
        " RETURNING prev_hash, last_hash) "
        + insert_select_sql(AuditEntry, "moved", _FROM_HEAD)
    )
    return sql + " RETURNING id, prev_hash, entry_hash" if returning else sql
