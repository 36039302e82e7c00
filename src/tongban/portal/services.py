"""Portal writes: the anonymous page-view counter."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tongban.portal.models import PageKind, PageView

MAX_PATH = 200


def page_view_record(*, path: str, kind: str) -> None:
    """Add one view to today's counter of (path, kind). Only the path (no query string) and
    the kind are kept; nothing identifies the visitor."""
    if kind not in PageKind.values:
        raise ValueError(f"unknown page kind {kind}")
    day = timezone.localdate()
    path = path.split("?", 1)[0][:MAX_PATH]
    with transaction.atomic():
        if PageView.objects.filter(day=day, path=path, kind=kind).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                PageView.objects.create(day=day, path=path, kind=kind, count=1)
        except IntegrityError:  # a concurrent first view of the day created the row
            PageView.objects.filter(day=day, path=path, kind=kind).update(count=F("count") + 1)
