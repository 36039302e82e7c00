"""The ID-card-only journey: consent, look-up of every mapped material, filing the case.

1. `lookup_run`: the ID number is checked, the applicant's consent recorded (a refusal too),
   every material the item maps to shared data fetched in parallel, and each outcome recorded
   and audited with its purpose. Nothing is attached yet.
2. `lookup_file_case`: the clerk files the case with the fetched documents as exempted
   materials; every required material that could not be fetched is taken on paper or deferred
   with a correction notice (一次性告知). One transaction: the case is filed whole or not at all.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import policy
from tongban.cases.applicants import ApplicantInput, id_index
from tongban.cases.models import Case, Channel, DeliveryMethod, MaterialStatus
from tongban.cases.services import MaterialInput, case_request_correction, case_submit
from tongban.catalog.selectors import item_get_current
from tongban.core import pii
from tongban.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.core.validation import parse_id_number
from tongban.idonly import fetch
from tongban.idonly.models import Consent, FetchStatus, Lookup, LookupRecord
from tongban.idonly.providers.registry import providers as configured_providers
from tongban.org.scoping import staff_profile

ID_CONTEXT = "idonly.id_number"
DOCUMENT_CONTEXT = "idonly.document"


class ConsentRefused(DomainError):
    status = 403
    code = "consent_refused"


@dataclass
class FilingInput:
    """The clerk's decisions for the materials that could not be fetched."""

    paper: list[str] = field(default_factory=list)  # taken on paper at the window now
    deferred: list[str] = field(default_factory=list)  # to be brought later: a correction notice
    phone: str = ""
    delivery_method: str = DeliveryMethod.PICKUP
    note: str = ""


# -- 1. consent and look-up ----------------------------------------------------------------
def _clean_purpose(purpose: str) -> str:
    purpose = " ".join((purpose or "").split())
    if len(purpose) < 2 or len(purpose) > 200:
        raise InvalidInput(_("State the purpose of the look-up (2-200 characters)."), field="purpose")
    return purpose


def _check_actor(actor, channel: str, version) -> None:
    if actor is None:
        if channel != Channel.ONLINE or not version.channel_online:
            raise InvalidInput(_("%(name)s cannot be applied for online.") % {"name": version.name}, field="channel")
        return
    profile = staff_profile(actor)
    if profile is None:
        if not actor.is_superuser:
            raise Forbidden(_("Only staff can file cases at a window."), code="forbidden_action")
        return
    policy.require(actor, profile.center_id, "submit")


def targets_of(version) -> list[fetch.Target]:
    """The materials of an item version that shared data can replace."""
    return [fetch.Target(material=m.name, required=m.required, source=m.shared_source, data_item=m.data_item)
            for m in version.materials.all() if m.shared_source and m.data_item]


def lookup_run(*, actor, id_number: str, name: str, item_code: str, consent: bool, purpose: str,
               channel: str = Channel.WINDOW) -> Lookup:
    """Record the consent and fetch every mapped material; returns the look-up with its records.
    A refused consent is recorded, then ConsentRefused is raised and nothing is fetched."""
    number = parse_id_number(id_number, today=timezone.localdate()).number
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise InvalidInput(_("The applicant's name is required (at most 100 characters)."), field="name")
    purpose = _clean_purpose(purpose)
    version = item_get_current(code=(item_code or "").strip())
    if version is None:
        raise NotFound(_("No service item with code %(code)s.") % {"code": item_code}, code="item_not_found")
    if not version.id_only:
        raise InvalidInput(_("%(name)s is not an ID-card-only item.") % {"name": version.name},
                           code="not_id_only", field="item_code")
    if not isinstance(consent, bool):
        raise InvalidInput(_("Record whether the applicant consents (true or false)."), field="consent")
    _check_actor(actor, channel, version)
    index = id_index(number)

    with transaction.atomic():
        record = Consent(id_number_index=index, id_number_masked=pii.mask_id_number(number), item_code=version.item.code,
                         purpose=purpose, granted=consent, channel=channel, recorded_by=actor,
                         recorded_at=timezone.now())
        record.save()
        audit_record(actor=actor, action="idonly.consent", object_type="consent", object_id=str(record.pk),
                     purpose=purpose, detail={"item": version.item.code, "granted": consent})
    if not consent:
        raise ConsentRefused(_("The applicant did not consent to fetching their records from shared data: "
                               "nothing was looked up. Take the materials on paper instead."))

    started = time.monotonic()
    outcomes = fetch.fetch_all(targets_of(version), providers=configured_providers(), id_number=number,
                               name=name, purpose=purpose, consent_ref=str(record.pk))
    elapsed_ms = int((time.monotonic() - started) * 1000)

    with transaction.atomic():
        lookup = Lookup(consent=record, item_version=version, id_number_index=index,
                        id_number_enc=pii.encrypt(number, context=ID_CONTEXT),
                        id_number_masked=pii.mask_id_number(number), name=name, purpose=purpose, channel=channel,
                        created_by=actor, created_at=timezone.now(), elapsed_ms=elapsed_ms)
        lookup.save()
        rows = LookupRecord.objects.bulk_create(
            LookupRecord(
                lookup=lookup, material=o.target.material, required=o.target.required, provider=o.target.source,
                data_item=o.target.data_item, status=o.status, reason=o.reason, detail=o.detail, purpose=purpose,
                attempts=o.attempts, latency_ms=o.latency_ms, fetched_at=o.fetched_at, sha256=o.sha256,
                document_enc=(pii.encrypt(json.dumps(o.document, ensure_ascii=False), context=DOCUMENT_CONTEXT)
                              if o.document is not None else None),
            )
            for o in outcomes
        )
        for row in rows:
            audit_record(actor=actor, action="idonly.lookup", object_type="lookup_record",
                         object_id=f"{lookup.pk}/{row.provider}/{row.data_item}", purpose=purpose,
                         detail={"item": version.item.code, "material": row.material, "status": row.status,
                                 "reason": row.reason, "latency_ms": row.latency_ms, "sha256": row.sha256,
                                 "consent": record.pk})
    return lookup


def document_of(row: LookupRecord) -> dict | None:
    if row.document_enc is None:
        return None
    return json.loads(pii.decrypt(bytes(row.document_enc), context=DOCUMENT_CONTEXT))


# -- 2. filing -----------------------------------------------------------------------------
def unresolved_materials(lookup: Lookup) -> list[str]:
    """Required materials the look-up did not fetch and the catalog does not waive: the clerk
    must take each on paper or defer it."""
    fetched = {r.material for r in lookup.records.all() if r.status == FetchStatus.FETCHED}
    return [m.name for m in lookup.item_version.materials.all()
            if m.required and not m.waived and m.name not in fetched]


def _check_decisions(lookup: Lookup, decisions: FilingInput, actor) -> None:
    known = {m.name for m in lookup.item_version.materials.all()}
    fetched = {r.material for r in lookup.records.all() if r.status == FetchStatus.FETCHED}
    paper, deferred = list(decisions.paper), list(decisions.deferred)
    for name in paper + deferred:
        if name not in known:
            raise InvalidInput(_("%(name)s is not a material of this item.") % {"name": name}, field="materials")
        if name in fetched:
            raise InvalidInput(_("%(name)s was fetched from shared data; it is not needed on paper.") % {"name": name},
                               field="materials")
    both = set(paper) & set(deferred)
    if both or len(set(paper)) != len(paper) or len(set(deferred)) != len(deferred):
        raise InvalidInput(_("A material is listed twice."), field="materials")
    if deferred and actor is None:
        raise InvalidInput(_("Only a window clerk can defer a material with a correction notice."), field="deferred")
    undecided = [n for n in unresolved_materials(lookup) if n not in paper and n not in deferred]
    if undecided:
        raise InvalidInput(
            _("These required materials could not be fetched: %(names)s. Take each on paper or defer it "
              "with a correction notice.") % {"names": "、".join(undecided)},
            code="materials_undecided", field="materials")


def _lock_lookup(token, actor) -> Lookup:
    lookup = (Lookup.objects.select_for_update(of=("self",)).select_related("item_version", "item_version__item")
              .filter(token=token).first())
    if lookup is None or lookup.created_by_id != (actor.pk if actor is not None else None):
        raise NotFound(_("No such look-up; look the ID number up again."), code="lookup_not_found")
    if lookup.case_number:
        raise Conflict(_("This look-up was already filed as case %(n)s.") % {"n": lookup.case_number},
                       code="lookup_already_filed")
    ttl = timedelta(minutes=settings.TONGBAN_IDONLY_LOOKUP_TTL_MINUTES)
    if timezone.now() - lookup.created_at > ttl:
        raise Conflict(_("This look-up is older than %(m)s minutes; look the ID number up again.")
                       % {"m": settings.TONGBAN_IDONLY_LOOKUP_TTL_MINUTES}, code="lookup_expired")
    if not lookup.item_version.is_current:
        raise Conflict(_("The item changed since the look-up; look the ID number up again."),
                       code="lookup_item_changed")
    return lookup


def _materials(lookup: Lookup, decisions: FilingInput) -> list[MaterialInput]:
    result = []
    records = {r.material: r for r in lookup.records.all() if r.status == FetchStatus.FETCHED}
    for m in lookup.item_version.materials.all():
        row = records.get(m.name)
        if row is not None:
            fetched_at = timezone.localtime(row.fetched_at)
            result.append(MaterialInput(
                name=m.name, status=MaterialStatus.EXEMPTED, source=f"{row.provider}/{row.data_item}",
                exemption_reason=_("ID-card-only: fetched from %(source)s at %(at)s, SHA-256 %(h)s")
                % {"source": m.get_shared_source_display(), "at": f"{fetched_at:%Y-%m-%d %H:%M:%S}",
                   "h": row.sha256[:16]},
                data=document_of(row) or {}, received_at=row.fetched_at))
        elif m.name in decisions.paper:
            result.append(MaterialInput(name=m.name, status=MaterialStatus.RECEIVED))
        elif m.required and m.waived and m.name not in decisions.deferred:
            result.append(MaterialInput(name=m.name, status=MaterialStatus.EXEMPTED,
                                        exemption_reason=_("Waived for ID-card-only handling")))
    return result


def lookup_file_case(*, actor, token, decisions: FilingInput, channel: str = Channel.WINDOW) -> Case:
    """File the case of a look-up: fetched documents attached as exempted materials (source,
    time, SHA-256), paper ones as received, deferred ones listed in one correction notice."""
    with transaction.atomic():
        lookup = _lock_lookup(token, actor)
        _check_decisions(lookup, decisions, actor)
        number = pii.decrypt(bytes(lookup.id_number_enc), context=ID_CONTEXT)
        materials = _materials(lookup, decisions)
        paper_note = ""
        if decisions.paper or decisions.deferred:
            paper_note = _("Not fetched from shared data: on paper %(p)s; deferred %(d)s.") % {
                "p": "、".join(decisions.paper) or "—", "d": "、".join(decisions.deferred) or "—"}
        case = case_submit(
            actor=actor, item_code=lookup.item_version.item.code,
            applicant=ApplicantInput(kind="person", name=lookup.name, id_number=number, phone=decisions.phone),
            materials=materials, channel=channel, delivery_method=decisions.delivery_method, id_only=True,
            note="\n".join(filter(None, [decisions.note.strip(), paper_note])),
        )
        if decisions.deferred:
            case = case_request_correction(actor=actor, number=case.number, missing=list(decisions.deferred),
                                           note=_("Could not be fetched from shared data (一证通办)."))
        lookup.case_number = case.number
        lookup.filed_at = timezone.now()
        lookup.save(update_fields=["case_number", "filed_at"])
        audit_record(actor=actor, action="idonly.file", object_type="case", object_id=case.number,
                     purpose=lookup.purpose,
                     detail={"lookup": lookup.pk, "fetched": sum(1 for m in materials if m.data),
                             "paper": list(decisions.paper), "deferred": list(decisions.deferred)})
    return case
