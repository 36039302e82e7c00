"""Key rotation for personal data at rest: every encrypted column of the platform, re-encrypted
with the current key of TONGBAN_PII_KEYS (the first one). Old keys stay in the ring until
`tongban pii status` shows no value under them; then they can be removed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from tongban.core import pii
from tongban.core.services import audit_record


@dataclass(frozen=True)
class Column:
    model: str
    field: str
    context: str | Callable[[object], str]

    def context_for(self, row) -> str:
        return self.context(row) if callable(self.context) else self.context


# Every encrypted column: a new one must be listed here (tests/security/test_pii.py checks).
COLUMNS = [
    Column("cases.Applicant", "id_number_enc", "applicant.id_number"),
    Column("cases.Applicant", "phone_enc", "applicant.phone"),
    Column("licenses.License", "holder_id_encrypted", "license.holder_id"),
    Column("projects.AgreementContact", "phone_enc", "projects.contact_phone"),
    Column("federation.Message", "jws_enc", "federation.message"),
    Column("idonly.Lookup", "id_number_enc", "idonly.id_number"),
    Column("idonly.LookupRecord", "document_enc", "idonly.document"),
    Column("service.Appointment", "phone_enc", "appointment.phone"),
    Column("signing.SigningKey", "private_key_encrypted", lambda row: f"signing.key:{row.kid}"),
    Column("portal.CitizenAccount", "phone_enc", "citizen.phone"),
]


def _installed(column: Column):
    try:
        return apps.get_model(column.model)
    except LookupError:  # an app this deployment does not install
        return None


def pii_status() -> dict[str, Counter]:
    """Per column: how many values each key id protects."""
    out = {}
    for column in COLUMNS:
        model = _installed(column)
        if model is None:
            continue
        counts = Counter()
        for blob in model.objects.exclude(**{f"{column.field}__isnull": True}).values_list(column.field, flat=True).iterator():
            if blob:
                counts[pii.key_id(blob)] += 1
        out[f"{column.model}.{column.field}"] = counts
    return out


def pii_rotate(*, chunk: int = 500) -> dict[str, int]:
    """Re-encrypt every value not under the current key. Each chunk commits on its own, so an
    interrupted rotation resumes where it stopped; running it twice changes nothing."""
    current = pii.key_ring()[0][0]
    done = {}
    for column in COLUMNS:
        model = _installed(column)
        if model is None:
            continue
        rotated = 0
        last_pk = 0
        while True:
            rows = list(model.objects.filter(pk__gt=last_pk).exclude(**{f"{column.field}__isnull": True})
                        .order_by("pk")[:chunk])
            if not rows:
                break
            last_pk = rows[-1].pk
            with transaction.atomic():
                for row in rows:
                    blob = getattr(row, column.field)
                    if not blob or pii.key_id(blob) == current:
                        continue
                    context = column.context_for(row)
                    fresh = pii.encrypt(pii.decrypt(bytes(blob), context=context), context=context)
                    model.objects.filter(pk=row.pk).update(**{column.field: fresh})
                    rotated += 1
        done[f"{column.model}.{column.field}"] = rotated
    with transaction.atomic():
        audit_record(actor=None, action="pii.rotate", object_type="pii_key", object_id=current,
                     detail={k: v for k, v in done.items() if v})
    return done
