"""Federation API: the inbox partners post signed messages to (the signature is the
authentication), and the clerk's forward / cross-region status endpoints."""

import json
import os
from pathlib import Path

from django.db.models import Count
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from tongban.core.errors import InvalidInput, NotFound
from tongban.federation import conf, selectors
from tongban.federation.forwarding import Checks, crossregion_forward
from tongban.federation.models import Agreement
from tongban.federation.receipt import inbox_receive_batch
from tongban.federation.schemas import AgreementOut, ForwardIn, LinkOut
from tongban.org.auth import staff_auth

router = Router(tags=["federation"])

MAX_INBOX_BYTES = 64 * 1024 * 1024


def _crash_if_asked() -> None:
    flag = conf.crash_once_file()
    if flag and Path(flag).exists():
        Path(flag).unlink()
        os._exit(70)  # fault-injection for the tests: the receipt is committed, the ack never leaves


@router.post("/inbox", auth=None, summary="Receive signed messages from a partner deployment",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
                 "type": "object", "required": ["messages"],
                 "properties": {"messages": {"type": "array", "items": {"type": "string"}}}}}}}})
def inbox(request):
    """Body `{"messages": [compact JWS, ...]}` (in the order they were written); answer
    `{"acks": [{id, status: accepted|duplicate|rejected, code, message, case, ack}]}` where
    `ack` is the receiver's signed acknowledgement. Each message is processed on its own."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length <= 0 or length > MAX_INBOX_BYTES:
        raise InvalidInput(_("The message batch is empty or too large."), field="messages")
    try:
        data = json.loads(request.read(length))
        tokens = data["messages"]
        if not isinstance(tokens, list) or not 1 <= len(tokens) <= 200:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(_("Send {\"messages\": [compact JWS, ...]}."), field="messages") from None
    acks = [ack.as_dict() for ack in inbox_receive_batch(tokens)]
    _crash_if_asked()
    return JsonResponse({"acks": acks})


@router.post("/cases/{number}/forward", response=LinkOut, auth=staff_auth,
             summary="Record the three checks and forward a case to its home region")
def forward(request, number: str, data: ForwardIn):
    crossregion_forward(actor=request.auth, number=number, home_region=data.home_region,
                        expected_version=data.version,
                        checks=Checks(form_reviewed=data.form_reviewed, identity_verified=data.identity_verified,
                                      originals_authentic=data.originals_authentic, note=data.note))
    return _link_out(request.auth, number)


@router.get("/cases/{number}", response=LinkOut, auth=staff_auth,
            summary="A case's cross-region side: partner, remote case and state, messages")
def link_detail(request, number: str):
    return _link_out(request.auth, number)


def _link_out(user, number: str) -> dict:
    link = selectors.link_get_for_staff(user=user, number=number)
    if link is None:
        raise NotFound(_("Case %(n)s is not a cross-region case.") % {"n": number}, code="not_crossregion")
    return {
        "case": number, "role": link.role, "partner_region": link.partner.region_code,
        "partner_name": link.partner.name, "agreement": link.agreement.code, "origin_region": link.origin_region,
        "origin_number": link.origin_number, "remote_number": link.remote_number, "remote_state": link.remote_state,
        "remote_updated_at": link.remote_updated_at, "checks": link.checks, "forwarded_at": link.forwarded_at,
        "delivery_method": link.case.delivery_method, "delivery_reference": link.case.delivery_reference,
        "messages": list(selectors.case_messages(number=number)),
    }


@router.get("/agreements", response=list[AgreementOut], auth=staff_auth,
            summary="Agreements with partner regions (optionally those covering one item)")
def agreements(request, item: str | None = None):
    today = timezone.localdate()
    qs = (Agreement.objects.select_related("partner").annotate(n_items=Count("items"))
          .order_by("partner__region_code", "-valid_from"))
    if item:
        qs = qs.filter(items__item_code=item)
    return [{"code": a.code, "title": a.title, "partner_region": a.partner.region_code,
             "partner_name": a.partner.name, "valid_from": a.valid_from, "valid_until": a.valid_until,
             "in_force": a.valid_on(today), "items": a.n_items} for a in qs[:100]]
