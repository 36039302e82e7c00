"""Reads of the ID-only journey, shaped for the window page and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.catalog.models import ItemVersion
from tongban.core import pii
from tongban.core.errors import NotFound
from tongban.idonly.models import FetchReason, FetchStatus, Lookup
from tongban.idonly.providers.registry import providers as configured_providers
from tongban.idonly.services import ID_CONTEXT, document_of, unresolved_materials


def lookup_get_for_user(*, user, token) -> Lookup:
    """A look-up made by this user (a look-up's fetched data is shown only to whoever made it)."""
    lookup = (Lookup.objects.select_related("item_version", "item_version__item")
              .prefetch_related("records", "item_version__materials").filter(token=token).first())
    if lookup is None or lookup.created_by_id != (user.pk if user is not None else None):
        raise NotFound(_("No such look-up; look the ID number up again."), code="lookup_not_found")
    return lookup


def item_id_only_blockers(version: ItemVersion) -> list[str]:
    """Why an item cannot be handled ID-card-only: each required material that is neither
    mapped to a configured provider nor waived. Empty when it can."""
    available = set(configured_providers())
    blockers = []
    for m in version.materials.all():
        if not m.required or m.waived:
            continue
        if not (m.shared_source and m.data_item):
            blockers.append(_("%(m)s: no shared-data source and not waived") % {"m": m.name})
        elif m.shared_source not in available:
            blockers.append(_("%(m)s: no provider configured for %(s)s") % {"m": m.name, "s": m.get_shared_source_display()})
    return blockers


def _masked(value, id_number: str):
    """The document for display: the ID number wherever it appears replaced by its masked form."""
    if isinstance(value, dict):
        return {k: _masked(v, id_number) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, id_number) for v in value]
    if isinstance(value, str) and value.strip().upper() == id_number:
        return pii.mask_id_number(id_number)
    return value


MESSAGES = {
    FetchReason.NOT_FOUND: gettext_lazy("%(source)s has no record of this person: take %(m)s on paper or defer it."),
    FetchReason.TIMEOUT: gettext_lazy("%(source)s did not answer in time: take %(m)s on paper or defer it."),
    FetchReason.UNAVAILABLE: gettext_lazy("%(source)s is unavailable: take %(m)s on paper or defer it."),
    FetchReason.MALFORMED: gettext_lazy("%(source)s returned unreadable data: take %(m)s on paper or defer it."),
    FetchReason.OTHER_ID: gettext_lazy("%(source)s returned data about another ID number; nothing was attached: "
                            "take %(m)s on paper or defer it."),
    FetchReason.NAME_MISMATCH: gettext_lazy("The name on record in %(source)s (%(name)s) is not the applicant's name: "
                                 "check the ID card; nothing was attached."),
    FetchReason.NOT_CONFIGURED: gettext_lazy("No provider is configured for %(source)s: take %(m)s on paper or defer it."),
}


def lookup_result(lookup: Lookup) -> dict:
    """Per-material outcome, what the clerk still has to decide, and the form pre-fill."""
    id_number = None
    records = {r.material: r for r in lookup.records.all()}
    materials, prefill, warnings = [], {"name": lookup.name}, []
    for m in lookup.item_version.materials.all():
        row = records.get(m.name)
        entry = {"name": m.name, "required": m.required, "source": m.shared_source, "data_item": m.data_item,
                 "status": "waived" if m.waived else "not_mapped", "reason": "", "message": "",
                 "fetched_at": None, "latency_ms": None, "sha256": "", "data": None}
        if row is not None:
            entry.update(status=row.status, reason=row.reason, fetched_at=row.fetched_at,
                         latency_ms=row.latency_ms, sha256=row.sha256)
            document = document_of(row)
            if row.status != FetchStatus.FETCHED:
                recorded_name = row.detail if row.reason == FetchReason.NAME_MISMATCH else ""
                entry["message"] = str(MESSAGES.get(row.reason, "")) % {
                    "source": m.get_shared_source_display(), "m": m.name, "name": recorded_name}
                if row.reason == FetchReason.NAME_MISMATCH and not warnings:
                    warnings.append(_("The records of this ID number carry another name (%(name)s): the ID number "
                                      "may be mistyped or belong to someone else.") % {"name": recorded_name})
            elif document is not None:
                if id_number is None:
                    id_number = pii.decrypt(bytes(lookup.id_number_enc), context=ID_CONTEXT)
                entry["data"] = _masked(document.get("record") or {}, id_number)
                if (row.provider, row.data_item) == ("population", "identity"):
                    prefill.update({k: entry["data"].get(k, "") for k in ("gender", "ethnicity", "birth_date",
                                                                           "address")})
        materials.append(entry)
    undecided = unresolved_materials(lookup)
    return {
        "lookup": str(lookup.token), "item_code": lookup.item_version.item.code, "item_name": lookup.item_version.name,
        "id_number_masked": lookup.id_number_masked, "name": lookup.name, "purpose": lookup.purpose,
        "created_at": lookup.created_at, "elapsed_ms": lookup.elapsed_ms,
        "fetched": sum(1 for e in materials if e["status"] == FetchStatus.FETCHED),
        "failed": sum(1 for e in materials if e["status"] in (FetchStatus.FAILED, FetchStatus.MISMATCH)),
        "materials": materials, "to_decide": undecided, "warnings": warnings, "prefill": prefill,
        "case_number": lookup.case_number or None,
    }
