"""Case writes: submission and every lifecycle transition. Each is one transaction that locks
the case row, checks permission, version and state, applies the change and writes its event."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from tongban.cases import clock, policy
from tongban.cases.applicants import ApplicantInput, applicant_prepare, applicant_resolve
from tongban.cases.events import event_record
from tongban.cases.files import store
from tongban.cases.models import (
    ApplicantKind,
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    Channel,
    CorrectionNotice,
    DeliveryMethod,
    Light,
    MaterialStatus,
    PauseKind,
    S,
)
from tongban.cases.numbering import case_insert_numbered
from tongban.catalog.models import Subject
from tongban.catalog.selectors import (
    item_get_current_shared,
    item_remembered,
    item_still_current,
    item_version_materials,
)
from tongban.core.canonical import canonical_bytes
from tongban.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from tongban.core.fastinsert import insert_fields, insert_rows
from tongban.core.pipeline import pipelined
from tongban.core.services import audit_record
from tongban.org.models import Center, CenterLevel, Window
from tongban.org.scoping import staff_profile


@dataclass
class UploadInput:
    name: str
    data: bytes
    content_type: str = ""


@dataclass
class MaterialInput:
    name: str
    status: str = MaterialStatus.RECEIVED
    exemption_reason: str = ""
    source: str = ""
    file: UploadInput | None = None
    data: dict = field(default_factory=dict)  # a shared-data document standing in for the paper
    received_at: datetime | None = None  # when the document was fetched (default: at submission)


@dataclass(frozen=True)
class SubmittedRows:
    """The rows case_submit() wrote besides the case (as `case.submitted_rows`)."""

    materials: list[CaseMaterial]
    events: list[CaseEvent]


def _document_fields(data: dict) -> dict:
    raw = canonical_bytes(data)  # what a shared-data document's SHA-256 is computed over
    return {"sha256": hashlib.sha256(raw).hexdigest(), "content_type": "application/json", "size": len(raw)}


# -- submission ----------------------------------------------------------------------------
def _center_for(actor, center_code: str | None) -> tuple[Center, Window | None]:
    profile = staff_profile(actor)
    if profile is not None:
        return profile.center, profile.window
    center = Center.objects.filter(code=center_code).first() if center_code else None
    if center is None:
        center = Center.objects.filter(region__code=settings.TONGBAN_REGION_CODE, level=CenterLevel.AREA).first()
    if center is None:
        raise InvalidInput(_("No service center can take this application."), field="center")
    return center, None


def _check_materials(version, materials: list[MaterialInput]) -> dict[str, MaterialInput]:
    known = {m.name for m in version.materials.all()}
    given: dict[str, MaterialInput] = {}
    for m in materials:
        if m.name not in known:
            raise InvalidInput(_("%(name)s is not a material of this item.") % {"name": m.name}, field="materials")
        if m.name in given:
            raise InvalidInput(_("%(name)s is listed twice.") % {"name": m.name}, field="materials")
        if m.status not in (MaterialStatus.RECEIVED, MaterialStatus.EXEMPTED):
            raise InvalidInput(_("A material is either received or exempted."), field="materials")
        if m.status == MaterialStatus.EXEMPTED and not (m.exemption_reason or m.source):
            raise InvalidInput(_("Say why %(name)s is exempted.") % {"name": m.name}, field="materials")
        given[m.name] = m
    return given


class _StaleItem(Exception):
    """The item version a submission was checked against is no longer current."""


def case_submit(*, actor, item_code: str, **submission) -> Case:
    """File a case: at a window (actor is a clerk; their center), or online (actor None).

    The item's version comes from this process's memory when it has it (no look-up before the
    transaction); the transaction then confirms it is still current, with no round trip of its
    own. If it is not, or the submission was refused against it, the submission is checked
    again against the version the database says is current."""
    remembered = item_remembered(code=item_code)
    if remembered is not None:
        try:
            return _submit(actor=actor, item_code=item_code, version=remembered.version, remembered=remembered,
                           **submission)
        except _StaleItem:
            pass
        except DomainError:
            if item_still_current(remembered)():
                raise
    return _submit(actor=actor, item_code=item_code, version=item_get_current_shared(code=item_code),
                   remembered=None, **submission)


def _submit(*, actor, item_code: str, version, remembered, applicant: ApplicantInput,
            materials: list[MaterialInput], channel: str = Channel.WINDOW, center_code: str | None = None,
            delivery_method: str = DeliveryMethod.PICKUP, id_only: bool = False, note: str = "") -> Case:
    if actor is not None:
        profile = staff_profile(actor)
        if profile is None and not actor.is_superuser:
            raise Forbidden(_("Only staff can file cases at a window."), code="forbidden_action")
    elif channel != Channel.ONLINE:
        raise InvalidInput(_("Applications without a clerk come in online."), field="channel")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel %(c)s.") % {"c": channel}, field="channel")
    if delivery_method not in DeliveryMethod.values:
        raise InvalidInput(_("Unknown delivery method."), field="delivery_method")
    if version is None:
        raise NotFound(_("No service item with code %(code)s.") % {"code": item_code}, code="item_not_found")
    if channel == Channel.ONLINE and not version.channel_online:
        raise InvalidInput(_("%(name)s cannot be applied for online.") % {"name": version.name}, field="channel")
    if id_only and not version.id_only:
        raise InvalidInput(_("%(name)s is not an ID-card-only item.") % {"name": version.name}, field="id_only")
    if version.subject != Subject.BOTH and version.subject != applicant.kind:
        raise InvalidInput(_("This item is for a %(kind)s applicant.") % {"kind": version.get_subject_display()},
                           field="applicant.kind")
    given = _check_materials(version, materials)
    stored = {name: store(m.file.data, name=m.file.name, claimed_type=m.file.content_type)
              for name, m in given.items() if m.file is not None}
    center, window = _center_for(actor, center_code)
    if actor is not None:
        policy.require(actor, center.id, "submit")
    prepared = applicant_prepare(applicant)
    now = timezone.now()
    # Everything that needs no database is built before the transaction (on SQLite, the
    # transaction holds the one write lock all workers share).
    case = Case(
        region_code=settings.TONGBAN_REGION_CODE, item_version=version, channel=channel, center=center,
        window=window, submitted_at=now, received_by=actor, delivery_method=delivery_method, id_only=id_only,
    )
    materials_rows = [
        CaseMaterial(
            name=name, status=m.status, exemption_reason=m.exemption_reason[:200], source=m.source[:40],
            received_at=m.received_at or now,
            **({"file_path": f.path, "sha256": f.sha256, "content_type": f.content_type, "size": f.size,
                "original_name": f.original_name} if (f := stored.get(name))
               else _document_fields(m.data) if m.data else {}),
        )
        for name, m in given.items()
    ]
    with transaction.atomic(), pipelined():
        still_current = item_still_current(remembered) if remembered is not None else None
        case.applicant = applicant_resolve(prepared)  # its answer brings the item look-up's
        if still_current is not None and not still_current():
            raise _StaleItem
        # Every submission locks two rows until its commit: the day's sequence (the case
        # number) and the audit chain's head. The number is taken with the case's insert
        # and the head last, so that concurrent submissions wait for each other as little as
        # possible. The rows nobody reads back (materials, event, audit entry) are not waited
        # for: on PostgreSQL they travel together in one round trip when the pipeline ends.
        case_insert_numbered(case, day=timezone.localdate(now))
        for row in materials_rows:
            row.case = case
        insert_rows(materials_rows)
        event = event_record(case=case, actor=actor, action="submit", to_state=S.SUBMITTED, note=note,
                             data={"channel": channel, "materials": len(given), "id_only": id_only},
                             need_pk=False)
        audit_record(actor=actor, action="case.submit", object_type="case", object_id=case.number,
                     detail={"item": item_code, "channel": channel}, need_pk=False)
    # What was just written, for the API's answer: no need to read it back.
    case.submitted_rows = SubmittedRows(materials=materials_rows, events=[event])
    return case


def case_material_add(*, actor, number: str, material: MaterialInput, expected_version: int | None = None) -> Case:
    """A material arrives later (e.g. the correction): attach it; the case version moves on."""
    stored = (store(material.file.data, name=material.file.name, claimed_type=material.file.content_type)
              if material.file else None)

    def apply(case: Case) -> dict:
        _check_materials(case.item_version, [material])
        if case.state in (S.REFUSED, S.WITHDRAWN, S.CONCLUDED, S.DELIVERED):
            raise Conflict(_("Materials cannot be added to a closed case."), code="case_closed")
        case.materials.filter(name=material.name).delete()
        CaseMaterial.objects.create(
            case=case, name=material.name, status=material.status, exemption_reason=material.exemption_reason,
            source=material.source, received_at=timezone.now(),
            **({"file_path": stored.path, "sha256": stored.sha256, "content_type": stored.content_type,
                "size": stored.size, "original_name": stored.original_name} if stored else {}),
        )
        return {"material": material.name, "sha256": stored.sha256 if stored else ""}

    return _act(actor=actor, number=number, expected_version=expected_version, action="add_material",
                transition=None, apply=apply)


# -- the transition engine -----------------------------------------------------------------
# Everything a case's detail shows (schemas.case_detail): the case in hand after an act is the
# answer, without reading it again.
DETAIL_RELATED = ("item_version__item", "applicant", "center", "window")


def _lock(number: str) -> Case:
    try:
        return Case.objects.select_for_update(of=("self",)).select_related(*DETAIL_RELATED).get(number=number)
    except Case.DoesNotExist:
        raise NotFound(_("No case with number %(n)s.") % {"n": number}, code="case_not_found") from None


def _field_values(case: Case) -> dict:
    return {f.attname: getattr(case, f.attname) for f in insert_fields(Case)}


def _act(*, actor, number: str, expected_version: int | None, action: str, transition: str | None,
         apply: Callable[[Case], dict | None] | None = None, note: str = "", check_policy: bool = True) -> Case:
    with transaction.atomic():
        case = _lock(number)
        if check_policy:
            if not policy.allowed(actor, case.center_id, "view"):
                # do not reveal that a case exists at a center the user may not see
                raise NotFound(_("No case with number %(n)s.") % {"n": number}, code="case_not_found")
            policy.require(actor, case.center_id, action)
        if expected_version is not None and case.version != expected_version:
            raise Conflict(
                _("Case %(n)s was changed by someone else (now version %(v)s). Reload it and try again.")
                % {"n": number, "v": case.version},
                code="version_conflict",
            )
        from_state = case.state
        case.state_before = from_state  # for apply()
        before = _field_values(case)
        if transition is not None:
            method = getattr(case, transition)
            if not can_proceed(method):
                raise Conflict(
                    _("A case that is %(state)s cannot be %(action)s.")
                    % {"state": case.get_state_display(), "action": action},
                    code="invalid_transition",
                )
            method()
        data = (apply(case) if apply else None) or {}
        case.version += 1
        # Only the columns the act changed (no field of a case is mutable in place).
        case.save(update_fields=[name for name, value in _field_values(case).items() if before[name] != value])
        event = event_record(case=case, actor=actor, action=action, from_state=from_state,
                             to_state=case.state if transition else "", note=note, data=data)
        if transition is not None:
            from tongban.cases.hooks import after_transition

            after_transition(case=case, action=action, event=event)
    return case


def _required_note(note: str, field_name: str, message) -> str:
    note = (note or "").strip()
    if not note:
        raise InvalidInput(message, field=field_name)
    return note


def case_accept(*, actor, number: str, expected_version: int | None = None, note: str = "") -> Case:
    def apply(case: Case) -> dict:
        prefetch_related_objects([case], "materials")  # read once, for this check and the answer
        have = {m.name for m in case.materials.all()}
        missing = [m.name for m in item_version_materials(case.item_version) if m.required and m.name not in have]
        if missing:
            raise InvalidInput(
                _("Required materials are missing: %(names)s. Issue a correction notice instead.")
                % {"names": "、".join(missing)},
                field="materials",
            )
        now = timezone.now()
        case.accepted_at = now
        case.accepted_on = timezone.localdate(now)
        case.promised_due, case.legal_due = clock.due_dates(case)
        case.light = clock.light_for(case)
        if case.state_before == S.CORRECTION_REQUESTED:  # the only state with a notice and a pause open
            case.correction_notices.filter(resolved_at__isnull=True).update(resolved_at=now)
            case.pauses.filter(ended_on__isnull=True).update(ended_on=case.accepted_on)
        return {"promised_due": case.promised_due.isoformat(), "legal_due": case.legal_due.isoformat()}

    return _act(actor=actor, number=number, expected_version=expected_version, action="accept",
                transition="accept", apply=apply, note=note)


def case_refuse(*, actor, number: str, reason: str, expected_version: int | None = None) -> Case:
    reason = _required_note(reason, "reason", _("A refusal needs its reason (不予受理的理由)."))

    def apply(case: Case) -> None:
        case.outcome_note = reason
        case.decided_at = timezone.now()

    return _act(actor=actor, number=number, expected_version=expected_version, action="refuse",
                transition="refuse", apply=apply, note=reason)


def case_request_correction(*, actor, number: str, missing: list[str], note: str = "",
                            expected_version: int | None = None) -> Case:
    """一次性告知: one notice listing everything missing; the clock has not started yet."""
    missing = [m.strip() for m in missing if m and m.strip()]
    if not missing:
        raise InvalidInput(_("List every missing or defective material in the one notice."), field="missing")
    if len(set(missing)) != len(missing):
        raise InvalidInput(_("A material is listed twice."), field="missing")

    def apply(case: Case) -> dict:
        known = {m.name for m in case.item_version.materials.all()}
        unknown = [m for m in missing if m not in known]
        if unknown:
            raise InvalidInput(_("%(names)s are not materials of this item.") % {"names": "、".join(unknown)},
                               field="missing")
        CorrectionNotice.objects.create(case=case, missing=missing, note=note, issued_at=timezone.now(),
                                        issued_by=actor)
        CasePause.objects.create(case=case, kind=PauseKind.CORRECTION, reason="、".join(missing)[:200],
                                 started_on=clock.today())
        return {"missing": missing}

    return _act(actor=actor, number=number, expected_version=expected_version, action="request_correction",
                transition="request_correction", apply=apply, note=note)


def case_start_review(*, actor, number: str, expected_version: int | None = None, note: str = "") -> Case:
    def apply(case: Case) -> None:
        case.assigned_to = actor

    return _act(actor=actor, number=number, expected_version=expected_version, action="start_review",
                transition="start_review", apply=apply, note=note)


def case_start_special_procedure(*, actor, number: str, reason: str, expected_version: int | None = None,
                                 note: str = "") -> Case:
    def apply(case: Case) -> dict:
        steps = case.item_version.special_steps or []
        if reason not in steps:
            raise InvalidInput(
                _("The special procedure must be one of this item's: %(steps)s.")
                % {"steps": "、".join(steps) or _("(none defined)")},
                field="reason",
            )
        case.paused_since = clock.today()
        CasePause.objects.create(case=case, kind=PauseKind.SPECIAL_PROCEDURE, reason=reason,
                                 started_on=case.paused_since)
        return {"procedure": reason}

    return _act(actor=actor, number=number, expected_version=expected_version,
                action="start_special_procedure", transition="start_special_procedure", apply=apply,
                note=note or reason)


def case_end_special_procedure(*, actor, number: str, expected_version: int | None = None, note: str = "") -> Case:
    def apply(case: Case) -> dict:
        from tongban.core import calendar

        resumed = clock.today()
        days = max(0, calendar.working_days_between(case.paused_since, resumed))
        case.pauses.filter(kind=PauseKind.SPECIAL_PROCEDURE, ended_on__isnull=True).update(
            ended_on=resumed, working_days=days)
        case.paused_days += days
        case.paused_since = None
        case.promised_due, case.legal_due = clock.due_dates(case)
        case.light = clock.light_for(case)
        return {"paused_working_days": days, "promised_due": case.promised_due.isoformat()}

    return _act(actor=actor, number=number, expected_version=expected_version,
                action="end_special_procedure", transition="end_special_procedure", apply=apply, note=note)


def case_approve(*, actor, number: str, expected_version: int | None = None, note: str = "") -> Case:
    def apply(case: Case) -> None:
        case.decided_at = timezone.now()
        case.outcome_note = note

    return _act(actor=actor, number=number, expected_version=expected_version, action="approve",
                transition="approve", apply=apply, note=note)


def case_deny(*, actor, number: str, reason: str, expected_version: int | None = None) -> Case:
    reason = _required_note(reason, "reason", _("A denial needs its reason and legal basis."))

    def apply(case: Case) -> None:
        case.decided_at = timezone.now()
        case.outcome_note = reason

    return _act(actor=actor, number=number, expected_version=expected_version, action="deny",
                transition="deny", apply=apply, note=reason)


def case_conclude(*, actor, number: str, expected_version: int | None = None, note: str = "") -> Case:
    def apply(case: Case) -> dict:
        now = timezone.now()
        case.concluded_at = now
        case.concluded_on = timezone.localdate(now)
        case.on_time = case.concluded_on <= case.promised_due
        case.duration_days = clock.duration_working_days(case)
        case.light = Light.NONE
        return {"on_time": case.on_time, "duration_days": case.duration_days}

    case = _act(actor=actor, number=number, expected_version=expected_version, action="conclude",
                transition="conclude", apply=apply, note=note)
    from tongban.cases.hooks import after_conclusion

    after_conclusion(case)
    return case


def case_deliver(*, actor, number: str, method: str | None = None, reference: str = "",
                 expected_version: int | None = None, note: str = "") -> Case:
    if method is not None and method not in DeliveryMethod.values:
        raise InvalidInput(_("Unknown delivery method."), field="method")
    if method == DeliveryMethod.POST and not reference.strip():
        raise InvalidInput(_("Delivery by post needs the tracking number."), field="reference")

    def apply(case: Case) -> dict:
        case.delivered_at = timezone.now()
        if method:
            case.delivery_method = method
        case.delivery_reference = reference.strip()[:60]
        return {"method": case.delivery_method, "reference": case.delivery_reference}

    return _act(actor=actor, number=number, expected_version=expected_version, action="deliver",
                transition="deliver", apply=apply, note=note)


def _close_open_pauses(case: Case) -> None:
    case.pauses.filter(ended_on__isnull=True).update(ended_on=clock.today())
    case.paused_since = None
    case.light = Light.NONE


def case_withdraw(*, actor, number: str, reason: str = "", expected_version: int | None = None) -> Case:
    """The applicant withdraws before a decision (a clerk records it at the window)."""
    return _act(actor=actor, number=number, expected_version=expected_version, action="withdraw",
                transition="withdraw", apply=_close_open_pauses, note=reason)


def case_withdraw_by_applicant(*, number: str, id_number: str, reason: str = "") -> Case:
    from tongban.cases.selectors import case_public_lookup

    case_public_lookup(number=number, id_number=id_number)  # same non-disclosing 404 as the query
    return _act(actor=None, number=number, expected_version=None, action="withdraw", transition="withdraw",
                apply=_close_open_pauses, note=reason, check_policy=False)


def applicant_kind_for(version) -> str:
    return ApplicantKind.ENTITY if version.subject == Subject.ENTITY else ApplicantKind.PERSON
