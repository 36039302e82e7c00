"""Values as a raw cursor returns them, made to match what the ORM would have given."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone


def aware(value: datetime | None) -> datetime | None:
    """A timestamp column read through connection.cursor(): aware on PostgreSQL, naive UTC on
    SQLite (Django's sqlite3 converter parses the column but leaves the zone to the ORM)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, UTC)
