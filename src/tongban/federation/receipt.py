"""Receipt of partner messages (the inbox). Every arrival is verified, then processed in ONE
transaction together with its log row (the message id is claimed first): a crash before the
commit leaves nothing, a crash after it makes the retry a duplicate that is acknowledged
again with the same case. Rejections create nothing and are logged with their reason."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.applicants import ApplicantInput
from tongban.cases.events import event_record
from tongban.cases.models import Channel
from tongban.cases.services import MaterialInput, UploadInput, case_submit
from tongban.core.errors import DomainError
from tongban.federation import conf, jws
from tongban.federation.forwarding import KIND_FORWARD
from tongban.federation.messages import envelope, inbox_log
from tongban.federation.models import (
    Agreement,
    CrossRegionLink,
    LinkRole,
    Message,
    MessageStatus,
    Partner,
    PartnerKey,
)
from tongban.federation.registry import local_home_center
from tongban.federation.status import KIND_STATUS, status_apply
from tongban.federation.system import applying_partner_change, system_user
from tongban.signing import platform_keys

KINDS = {KIND_FORWARD, KIND_STATUS}


class Rejected(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Ack:
    message_id: str
    status: str  # accepted | duplicate | rejected
    code: str = ""
    message: str = ""
    case_number: str = ""
    token: str = ""

    def as_dict(self) -> dict:
        return {"id": self.message_id, "status": self.status, "code": self.code, "message": self.message,
                "case": self.case_number, "ack": self.token}


class Memo(dict):
    """Rows that do not change within one batch (partner, keys, agreements, the system user),
    looked up once per batch instead of once per message."""

    def get_or(self, key, load):
        if key not in self:
            self[key] = load()
        return self[key]


def _signed_ack(ack: Ack, to: str, memo: Memo) -> Ack:
    payload = envelope(message_id=ack.message_id, kind="ack", to=to,
                       body={"status": ack.status, "code": ack.code, "case": ack.case_number})
    ack.token = jws.sign(payload, key=memo.get_or("signing_key", lambda: jws.current_key()))
    return ack


def _authenticate(token: str, memo: Memo) -> tuple[jws.Parsed, Partner]:
    try:
        parsed = jws.parse(token)
    except jws.MalformedJWS as exc:
        raise Rejected("malformed", _("Not a valid signed message: %(e)s") % {"e": exc}) from None
    p = parsed.payload
    if (p.get("v") != 1 or not isinstance(p.get("id"), str) or not 8 <= len(p["id"]) <= 36
            or p.get("kind") not in KINDS or not isinstance(p.get("body"), dict) or not isinstance(p.get("iat"), str)):
        raise Rejected("malformed", _("The message lacks a version, id, kind, time or body."))
    if p.get("to") != conf.local_region():
        raise Rejected("wrong_recipient", _("The message is addressed to region %(r)s.") % {"r": p.get("to")})
    region = str(p.get("from", ""))
    partner = memo.get_or(("partner", region),
                          lambda: Partner.objects.filter(region_code=region, is_active=True).first())
    if partner is None:
        raise Rejected("unknown_partner", _("Region %(r)s is not a partner.") % {"r": p.get("from")})
    key = memo.get_or(("key", region, parsed.kid), lambda: _partner_key(partner, parsed.kid))
    if key is None or key[0] != parsed.alg:
        raise Rejected("unknown_key", _("Key %(kid)s is not a registered key of %(p)s.")
                       % {"kid": parsed.kid[:64], "p": partner.name})
    if not jws.verify(parsed, key):
        raise Rejected("bad_signature", _("The signature does not match the message: it was altered or forged."))
    return parsed, partner


def _partner_key(partner: Partner, kid: str):
    key = PartnerKey.objects.filter(partner=partner, kid=kid, revoked_at__isnull=True).first()
    return None if key is None else platform_keys.load_public(key.alg, bytes(key.public_key))


def _iat_day(payload: dict):
    try:
        at = datetime.fromisoformat(payload["iat"])
    except ValueError:
        raise Rejected("malformed", _("The message time is not ISO 8601.")) from None
    if timezone.is_naive(at):
        raise Rejected("malformed", _("The message time has no time zone."))
    return timezone.localdate(at)


def _agreement(partner: Partner, code: str):
    agreement = Agreement.objects.filter(partner=partner, code=code).first()
    if agreement is None:
        return None
    agreement.item_codes = set(agreement.items.values_list("item_code", flat=True))
    agreement.center = local_home_center(agreement)
    return agreement


def _receive_forward(partner: Partner, parsed: jws.Parsed, memo: Memo) -> str:
    body = parsed.payload["body"]
    try:
        origin, item, applicant = body["origin"], body["item"], body["applicant"]
        origin_number, item_code = str(origin["number"]), str(item["code"])
    except (KeyError, TypeError):
        raise Rejected("malformed", _("The forwarded case lacks its origin, item or applicant.")) from None
    if origin.get("region") != partner.region_code:
        raise Rejected("wrong_origin", _("A partner forwards only cases received in its own region."))
    code = str(body.get("agreement", ""))
    agreement = memo.get_or(("agreement", partner.pk, code), lambda: _agreement(partner, code))
    if agreement is None:
        raise Rejected("agreement_unknown", _("No agreement %(c)s with %(p)s.")
                       % {"c": body.get("agreement"), "p": partner.name})
    if item_code not in agreement.item_codes:
        raise Rejected("item_not_agreed", _("%(item)s is not an agreed item of %(c)s.")
                       % {"item": item_code, "c": agreement.code})
    day = _iat_day(parsed.payload)
    if not agreement.valid_on(day):
        raise Rejected("agreement_expired", _("Agreement %(c)s is not in force on %(d)s.")
                       % {"c": agreement.code, "d": day.isoformat()})
    existing = CrossRegionLink.objects.filter(origin_region=partner.region_code, origin_number=origin_number).first()
    if existing is not None:  # the same application under another message id: still one case
        return existing.case.number
    materials = []
    for m in body.get("materials") or []:
        upload = None
        if m.get("file"):
            data = base64.b64decode(m["file"]["data"])
            if hashlib.sha256(data).hexdigest() != m["file"].get("sha256"):
                raise Rejected("material_corrupt", _("The file of %(name)s does not match its hash.") % {"name": m["name"]})
            upload = UploadInput(name=m["file"].get("name") or m["name"], data=data,
                                 content_type=m["file"].get("content_type", ""))
        materials.append(MaterialInput(name=m["name"], status=m.get("status", "received"),
                                       exemption_reason=m.get("exemption_reason", ""), source=m.get("source", ""),
                                       file=upload))
    user = memo.get_or("system_user", system_user)
    center = agreement.center
    note = _("Cross-region application received by %(center)s (%(partner)s), case %(n)s.") % {
        "center": origin.get("center_name", ""), "partner": partner.name, "n": origin_number}
    with applying_partner_change():
        case = case_submit(
            actor=user, item_code=item_code, channel=Channel.CROSS_REGION, center_code=center.code,
            applicant=ApplicantInput(**{k: str(applicant.get(k, "") or "") for k in (
                "kind", "name", "id_number", "phone", "credit_code", "legal_representative")}),
            materials=materials, delivery_method=str(body.get("delivery_method") or "pickup"), note=note,
        )
    CrossRegionLink.objects.create(
        case=case, role=LinkRole.HOME, partner=partner, agreement=agreement, origin_region=partner.region_code,
        origin_number=origin_number, origin_submitted_at=datetime.fromisoformat(origin["submitted_at"]),
        remote_number=origin_number, remote_state="submitted", checks=body.get("checks") or {},
    )
    event_record(case=case, actor=user, action="crossregion_receive", note=note,
                 data={"origin_region": partner.region_code, "origin_number": origin_number,
                       "message_id": parsed.payload["id"], "checks": body.get("checks") or {}})
    return case.number


def _prior(partner: Partner, message_id: str) -> Message | None:
    return Message.objects.filter(direction="in", partner_region=partner.region_code, message_id=message_id,
                                  status=MessageStatus.ACCEPTED).first()


def inbox_receive_batch(tokens: list[str]) -> list[Ack]:
    """A partner's batch, in order, in one transaction (one disk flush): each message still
    stands alone (savepoints), and the acks leave only after the commit, so a crash anywhere
    before it makes the whole batch a clean retry."""
    memo = Memo()
    with transaction.atomic():
        return [inbox_receive(token if isinstance(token, str) else "", memo=memo) for token in tokens]


def inbox_receive(token: str, *, memo: Memo | None = None) -> Ack:
    """Verify and process one compact JWS from a partner; always returns a signed ack."""
    memo = Memo() if memo is None else memo
    parsed, partner, message_id = None, None, ""
    try:
        parsed, partner = _authenticate(token, memo)
        message_id = parsed.payload["id"]
        # looked up first, so that a repeat gets the original answer even if, say, the
        # agreement has lapsed since (the sender must not mark a processed message rejected)
        prior = _prior(partner, message_id)
        if prior is None:
            try:
                with transaction.atomic():
                    if parsed.payload["kind"] == KIND_FORWARD:
                        number = _receive_forward(partner, parsed, memo)
                    else:
                        number = status_apply(partner=partner, body=parsed.payload["body"], message_id=message_id)
                    # the log row last: its unique (sender, message id) is what makes a concurrent
                    # second receipt of the same message fail and roll back whole
                    inbox_log(token=token, parsed=parsed, partner=partner, status=MessageStatus.ACCEPTED,
                              case_number=number)
                return _signed_ack(Ack(message_id, "accepted", case_number=number), partner.region_code, memo)
            except IntegrityError:  # the same message was being received concurrently
                prior = _prior(partner, message_id)
                if prior is None:
                    raise
            except DomainError as exc:
                raise Rejected(exc.code, str(exc.message)) from None
        with transaction.atomic():
            inbox_log(token=token, parsed=parsed, partner=partner, status=MessageStatus.DUPLICATE,
                      reason="duplicate", detail=_("already processed"), case_number=prior.case_number)
        return _signed_ack(Ack(message_id, "duplicate", code="duplicate", case_number=prior.case_number),
                           partner.region_code, memo)
    except Rejected as exc:
        with transaction.atomic():
            inbox_log(token=token if isinstance(token, str) else "", parsed=parsed, partner=partner,
                      status=MessageStatus.REJECTED, reason=exc.code, detail=exc.message)
        sender = str(parsed.payload.get("from", "")) if parsed else ""
        message_id = message_id or (str(parsed.payload.get("id", ""))[:36] if parsed else "")
        return _signed_ack(Ack(message_id, "rejected", code=exc.code, message=exc.message), sender, memo)
