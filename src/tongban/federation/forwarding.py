"""Receiving side (收件地): the clerk has filed the application (channel cross_region) and
records the three checks; forwarding writes the link, the case event and the signed outbox
message in one transaction."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import policy
from tongban.cases.applicants import ID_CONTEXT, PHONE_CONTEXT
from tongban.cases.events import event_record
from tongban.cases.files import open_stored
from tongban.cases.models import Case, Channel, S
from tongban.core import pii
from tongban.core.errors import Conflict, InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.federation import conf
from tongban.federation.messages import outbox_write
from tongban.federation.models import CrossRegionLink, LinkRole, Partner
from tongban.federation.selectors import agreement_covering, partners_for_item

KIND_FORWARD = "case.forward"


def max_message_bytes() -> int:
    return int(getattr(settings, "TONGBAN_FEDERATION_MAX_MESSAGE_BYTES", 48 * 1024 * 1024))


@dataclass
class Checks:
    """The receiving window's three checks (收件审查): all must pass before forwarding."""

    form_reviewed: bool = False
    identity_verified: bool = False
    originals_authentic: bool = False
    note: str = ""


def _check_all(checks: Checks) -> None:
    missing = [label for done, label in (
        (checks.form_reviewed, _("form review")),
        (checks.identity_verified, _("identity verification")),
        (checks.originals_authentic, _("authenticity check of the originals")),
    ) if not done]
    if missing:
        raise InvalidInput(
            _("Record every check before forwarding; not done: %(checks)s. If a check fails, refuse the "
              "application or request a correction instead.") % {"checks": "、".join(missing)},
            field="checks",
        )


def _home_partner(case: Case, home_region: str | None, today) -> Partner:
    code = case.item_version.item.code
    candidates = partners_for_item(item_code=code, day=today)
    if home_region:
        partner = Partner.objects.filter(region_code=home_region, is_active=True).first()
        if partner is None:
            raise InvalidInput(_("Region %(r)s is not a partner of this deployment.") % {"r": home_region},
                               field="home_region")
        _agreement, reason = agreement_covering(partner=partner, item_code=code, day=today)
        if reason == "agreement_expired":
            raise InvalidInput(_("The agreement with %(p)s covering %(item)s is not in force today.")
                               % {"p": partner.name, "item": code}, field="home_region")
        if reason:
            raise InvalidInput(_("%(item)s is not an agreed cross-region item with %(p)s.")
                               % {"p": partner.name, "item": code}, field="home_region")
        return partner
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InvalidInput(_("No agreement in force covers %(item)s: it cannot be forwarded.") % {"item": code},
                           field="home_region")
    raise InvalidInput(_("Several partners handle %(item)s: name the home region.") % {"item": code},
                       field="home_region")


def _material(m) -> dict:
    out = {"name": m.name, "status": m.status, "exemption_reason": m.exemption_reason, "source": m.source}
    if m.file_path:
        with open_stored(m.file_path) as handle:
            data = handle.read()
        out["file"] = {"name": m.original_name or m.name, "content_type": m.content_type, "sha256": m.sha256,
                       "size": len(data), "data": base64.b64encode(data).decode("ascii")}
    return out


def _applicant(case: Case) -> dict:
    a = case.applicant
    return {
        "kind": a.kind, "name": a.name, "credit_code": a.credit_code, "legal_representative": a.legal_representative,
        "id_number": pii.decrypt(bytes(a.id_number_enc), context=ID_CONTEXT) if a.id_number_enc else "",
        "phone": pii.decrypt(bytes(a.phone_enc), context=PHONE_CONTEXT) if a.phone_enc else "",
    }


def crossregion_forward(*, actor, number: str, checks: Checks, home_region: str | None = None,
                        expected_version: int | None = None) -> CrossRegionLink:
    """Forward a case received here to its home region (线上申报). Returns the case's link."""
    _check_all(checks)
    with transaction.atomic():
        case = (Case.objects.select_for_update(of=("self",))
                .select_related("item_version__item", "applicant", "center").filter(number=number).first())
        if case is None or not policy.allowed(actor, case.center_id, "view"):
            raise NotFound(_("No case with number %(n)s.") % {"n": number}, code="case_not_found")
        policy.require(actor, case.center_id, "accept")  # forwarding is the receiving window's act
        if expected_version is not None and case.version != expected_version:
            raise Conflict(_("Case %(n)s was changed by someone else (now version %(v)s). Reload it and try again.")
                           % {"n": number, "v": case.version}, code="version_conflict")
        if CrossRegionLink.objects.filter(case=case).exists():
            raise Conflict(_("Case %(n)s has already been forwarded.") % {"n": number}, code="already_forwarded")
        if case.channel != Channel.CROSS_REGION:
            raise InvalidInput(_("Only a case filed on the cross-region channel can be forwarded."), field="channel")
        if case.state != S.SUBMITTED:
            raise Conflict(_("Forward the application before anyone acts on it here (it is %(s)s).")
                           % {"s": case.get_state_display()}, code="invalid_transition")
        if not case.item_version.cross_region:
            raise InvalidInput(_("%(name)s is not a cross-region item.") % {"name": case.item_version.name},
                               field="item")
        today = timezone.localdate()
        partner = _home_partner(case, home_region, today)
        agreement, _reason = agreement_covering(partner=partner, item_code=case.item_version.item.code, day=today)
        now = timezone.now()
        checks_record = {"form_reviewed": True, "identity_verified": True, "originals_authentic": True,
                         "note": checks.note.strip()[:500], "by": actor.get_username(), "at": now.isoformat()}
        body = {
            "origin": {"region": conf.local_region(), "number": case.number, "center": case.center.code,
                       "center_name": case.center.name, "submitted_at": case.submitted_at.isoformat()},
            "agreement": agreement.code,
            "item": {"code": case.item_version.item.code, "version": case.item_version.version,
                     "name": case.item_version.name},
            "applicant": _applicant(case),
            "materials": [_material(m) for m in case.materials.all()],
            "checks": checks_record,
            "delivery_method": case.delivery_method,
        }
        link = CrossRegionLink.objects.create(
            case=case, role=LinkRole.RECEIVING, partner=partner, agreement=agreement,
            origin_region=conf.local_region(), origin_number=case.number, origin_submitted_at=case.submitted_at,
            remote_state="forwarded", checks=checks_record, forwarded_at=now, forwarded_by=actor,
        )
        message = outbox_write(partner=partner, kind=KIND_FORWARD, body=body, case_number=case.number)
        if message.size > max_message_bytes():
            raise InvalidInput(_("The materials are too large to forward (%(mb)s MB).")
                               % {"mb": message.size // (1024 * 1024)}, field="materials")
        case.version += 1
        case.save(update_fields=["version"])
        event_record(case=case, actor=actor, action="crossregion_forward", note=checks.note.strip()[:500],
                     data={"home_region": partner.region_code, "agreement": agreement.code,
                           "message_id": message.message_id, "checks": checks_record})
        audit_record(actor=actor, action="federation.forward", object_type="case", object_id=case.number,
                     purpose=_("cross-region forwarding to the home region"),
                     detail={"home_region": partner.region_code, "message_id": message.message_id,
                             "personal_data": ["id_number", "phone"]})
    return link
