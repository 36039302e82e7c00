"""Case numbers: `{region code}-{YYYYMMDD}-{6-digit daily sequence}`, e.g. 611100-20231201-000123.

The region code makes numbers unique across deployments (each region runs its own); the date
is the local submission date; the sequence restarts each day per region.
"""

from datetime import date

from django.db import IntegrityError, transaction

from tongban.cases.models import CaseSequence


def case_number_next(*, region_code: str, day: date) -> str:
    seq = CaseSequence.objects.select_for_update().filter(region_code=region_code, day=day).first()
    if seq is None:
        try:
            with transaction.atomic():
                seq = CaseSequence.objects.create(region_code=region_code, day=day, last=0)
        except IntegrityError:  # another submission created today's row first
            seq = CaseSequence.objects.select_for_update().get(region_code=region_code, day=day)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{region_code}-{day:%Y%m%d}-{seq.last:06d}"
