"""Restore drill: back up, damage, restore, and compare every table's rows and hashes."""

from io import StringIO

import pytest
from django.core.management import call_command

from tongban.core.backup import manifest
from tongban.core.models import AuditEntry, CalendarDay
from tongban.core.services import audit_record, calendar_seed_from_package


@pytest.mark.django_db(transaction=True)
def test_restore_drill(tmp_path):
    calendar_seed_from_package()
    for i in range(3):
        audit_record(actor=None, action="drill", object_type="t", object_id=str(i))
    before = manifest()
    target = tmp_path / "drill.backup"
    call_command("backup", str(target), stdout=StringIO())
    CalendarDay.objects.filter(date__year=2023).delete()
    audit_record(actor=None, action="after-backup", object_type="t", object_id="x")
    assert manifest() != before
    out = StringIO()
    call_command("restore", str(target), stdout=out)
    assert "verified" in out.getvalue()
    assert manifest() == before
    assert AuditEntry.objects.filter(action="after-backup").count() == 0
    assert CalendarDay.objects.filter(date__year=2023).count() > 0
