"""Status changes flowing between the two sides of a cross-region case.

Whichever side moves its case (the home accepts, approves, concludes, posts the result; the
receiving hall hands it over or records a withdrawal), the transition hook queues a signed
"case.status" message in the same transaction; the other side mirrors it on its own case
through the ordinary case services, as the `crossregion` account, without echoing it back.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from tongban.cases import services as case_services
from tongban.cases.events import event_record
from tongban.cases.models import Case, Channel
from tongban.core.errors import DomainError
from tongban.federation.messages import outbox_write
from tongban.federation.models import CrossRegionLink, Partner
from tongban.federation.system import (
    applying_partner_change,
    is_applying_partner_change,
    system_user,
)

log = logging.getLogger(__name__)

KIND_STATUS = "case.status"


def on_case_transition(*, case, action: str, event) -> None:
    """settings.TONGBAN_CASE_TRANSITION_HOOKS entry: runs inside the transition's transaction."""
    if is_applying_partner_change() or case.channel != Channel.CROSS_REGION:  # only those have a link
        return
    link = CrossRegionLink.objects.select_related("partner").filter(case_id=case.pk).first()
    if link is None:
        return
    body = {
        "origin": {"region": link.origin_region, "number": link.origin_number},
        "case": case.number, "action": action, "state": case.state, "seq": case.version,
        "at": event.at.isoformat(), "by": event.actor_label, "note": event.note,
        "outcome_note": case.outcome_note,
        "delivery": {"method": case.delivery_method, "reference": case.delivery_reference},
        "data": {k: v for k, v in (event.data or {}).items() if isinstance(v, (str, int, bool, list, type(None)))},
    }
    outbox_write(partner=link.partner, kind=KIND_STATUS, body=body, case_number=case.number)


def _reason(body: dict) -> str:
    return body.get("outcome_note") or body.get("note") or "—"


MIRROR = {
    "accept": lambda u, n, b, note: case_services.case_accept(actor=u, number=n, note=note),
    "refuse": lambda u, n, b, note: case_services.case_refuse(actor=u, number=n, reason=_reason(b)),
    "request_correction": lambda u, n, b, note: case_services.case_request_correction(
        actor=u, number=n, missing=list(b.get("data", {}).get("missing") or []), note=note),
    "start_review": lambda u, n, b, note: case_services.case_start_review(actor=u, number=n, note=note),
    "start_special_procedure": lambda u, n, b, note: case_services.case_start_special_procedure(
        actor=u, number=n, reason=str(b.get("data", {}).get("procedure", "")), note=note),
    "end_special_procedure": lambda u, n, b, note: case_services.case_end_special_procedure(
        actor=u, number=n, note=note),
    "approve": lambda u, n, b, note: case_services.case_approve(actor=u, number=n, note=b.get("outcome_note") or note),
    "deny": lambda u, n, b, note: case_services.case_deny(actor=u, number=n, reason=_reason(b)),
    "conclude": lambda u, n, b, note: case_services.case_conclude(actor=u, number=n, note=note),
    "deliver": lambda u, n, b, note: case_services.case_deliver(
        actor=u, number=n, method=(b.get("delivery") or {}).get("method") or None,
        reference=(b.get("delivery") or {}).get("reference", ""), note=note),
    "withdraw": lambda u, n, b, note: case_services.case_withdraw(actor=u, number=n, reason=_reason(b)),
}


def status_apply(*, partner: Partner, body: dict, message_id: str) -> str:
    """Mirror a partner's status change on the local case of the same application; returns the
    local case number. Call inside the receipt's transaction. Stale or repeated sequence numbers
    are recorded on the link and otherwise ignored."""
    origin = body.get("origin") or {}
    link = (CrossRegionLink.objects.select_for_update(of=("self",)).select_related("case")
            .filter(origin_region=str(origin.get("region", "")), origin_number=str(origin.get("number", "")),
                    partner=partner).first())
    if link is None:
        raise DomainError(_("No cross-region case matches this status message."), code="case_unknown")
    seq = int(body.get("seq") or 0)
    if seq <= link.remote_seq:
        return link.case.number
    action = str(body.get("action", ""))
    link.remote_seq = seq
    link.remote_state = str(body.get("state", ""))[:24]
    link.remote_number = link.remote_number or str(body.get("case", ""))[:24]
    link.remote_updated_at = timezone.now()
    link.save(update_fields=["remote_seq", "remote_state", "remote_number", "remote_updated_at"])
    note = _("%(partner)s (case %(n)s, by %(by)s): %(note)s") % {
        "partner": partner.name, "n": body.get("case", ""), "by": body.get("by", ""), "note": body.get("note") or "—"}
    mirror = MIRROR.get(action)
    case = Case.objects.get(pk=link.case_id)
    user = system_user()
    if mirror is not None and can_proceed(getattr(case, action)):
        try:
            with transaction.atomic(), applying_partner_change():
                mirror(user, case.number, body, note[:1000])
            return case.number
        except DomainError as exc:
            log.warning("cross-region status %s on %s not mirrored: %s", action, case.number, exc)
            note = f"{note} [{_('not mirrored here')}: {exc}]"
    event_record(case=case, actor=user, action="crossregion_status", note=note[:1000],
                 data={"remote_action": action, "remote_state": link.remote_state, "seq": seq,
                       "message_id": message_id})
    return case.number
