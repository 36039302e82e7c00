"""The background sender: drains the outbox to each partner in order, in batches, with retries
and exponential backoff. Messages never expire: a partner down for hours gets them when it
returns; its acknowledgement (signed) marks each delivered, and the partner's idempotent
receipt makes a repeat harmless, so each takes effect exactly once."""

from __future__ import annotations

import json
import logging
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.events import event_record
from tongban.cases.models import Case
from tongban.federation import conf, jws
from tongban.federation.forwarding import KIND_FORWARD
from tongban.federation.messages import token_of
from tongban.federation.models import CrossRegionLink, Message, MessageStatus, Partner, PartnerKey
from tongban.federation.system import system_user
from tongban.signing import platform_keys

log = logging.getLogger(__name__)

INBOX_PATH = "/api/federation/inbox"
BATCH_BYTES = 16 * 1024 * 1024

# (url, body bytes, timeout) -> (HTTP status, response bytes); raises OSError when unreachable
Transport = Callable[[str, bytes, float], tuple[int, bytes]]


def http_transport(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - partner URL set by an admin
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def backoff(attempts: int) -> float:
    delay = min(conf.retry_max(), conf.retry_base() * (2 ** max(0, attempts - 1)))
    return delay * (1 + random.random() * 0.1)  # noqa: S311 - jitter, not security


def _claim(partner: Partner) -> list[Message]:
    """The next due messages of this partner, in order; none while the oldest waits out a backoff
    (so the partner sees every case's changes in the order they happened)."""
    now = timezone.now()
    with transaction.atomic():
        pending = Message.objects.select_for_update().filter(partner=partner, direction="out",
                                                             status=MessageStatus.PENDING).order_by("id")
        first = pending.first()
        if first is None or (first.next_attempt_at and first.next_attempt_at > now):
            return []
        batch, size = [], 0
        for message in pending.filter(next_attempt_at__lte=now)[: conf.batch_size()]:
            if batch and size + message.size > BATCH_BYTES:
                break
            batch.append(message)
            size += message.size
        lease = now + timedelta(seconds=2 * conf.http_timeout() + 5)  # another sender skips them meanwhile
        Message.objects.filter(pk__in=[m.pk for m in batch]).update(next_attempt_at=lease)
    return batch


def _fail(batch: list[Message], error: str) -> None:
    retry_at = timezone.now() + timedelta(seconds=backoff(max(m.attempts for m in batch) + 1))
    with transaction.atomic():
        for message in batch:  # one retry time for the batch: it stays together and in order
            message.attempts += 1
            message.next_attempt_at = retry_at
            message.last_error = error[:300]
            message.save(update_fields=["attempts", "next_attempt_at", "last_error"])


def _verify_ack(partner: Partner, token: str, message: Message, keys: dict) -> dict | None:
    try:
        parsed = jws.parse(token)
    except jws.MalformedJWS:
        return None
    if parsed.kid not in keys:
        key = PartnerKey.objects.filter(partner=partner, kid=parsed.kid, revoked_at__isnull=True).first()
        keys[parsed.kid] = None if key is None else platform_keys.load_public(key.alg, bytes(key.public_key))
    if keys[parsed.kid] is None or not jws.verify(parsed, keys[parsed.kid]):
        return None
    p = parsed.payload
    if p.get("kind") != "ack" or p.get("id") != message.message_id or p.get("from") != partner.region_code:
        return None
    return p.get("body") or {}


def _settle(partner: Partner, message: Message, ack: dict, token: str, user, cases: dict) -> str:
    """Record one acknowledgement; returns delivered | rejected."""
    now = timezone.now()
    status = ack.get("status")
    with transaction.atomic():
        message.attempts += 1
        message.ack_jws = token
        message.delivered_at = now
        message.last_error = ""
        case = cases.get(message.case_number)
        if status in ("accepted", "duplicate"):
            message.status = MessageStatus.DELIVERED
            if message.kind == KIND_FORWARD and case is not None:
                CrossRegionLink.objects.filter(case=case).update(remote_number=str(ack.get("case", ""))[:24])
                CrossRegionLink.objects.filter(case=case, remote_seq=0).update(remote_state="submitted",
                                                                               remote_updated_at=now)
                event_record(case=case, actor=user, action="crossregion_received_by_home",
                             note=_("%(p)s registered it as case %(n)s.") % {"p": partner.name, "n": ack.get("case")},
                             data={"message_id": message.message_id, "remote_number": ack.get("case", "")})
        else:
            message.status = MessageStatus.REJECTED
            message.reason = str(ack.get("code", ""))[:40]
            message.detail = str(ack.get("message", ""))[:300]
            if case is not None:
                CrossRegionLink.objects.filter(case=case, remote_number="").update(remote_state="rejected",
                                                                                  remote_updated_at=now)
                event_record(case=case, actor=user, action="crossregion_rejected",
                             note=_("%(p)s rejected the message (%(code)s): %(m)s")
                             % {"p": partner.name, "code": message.reason, "m": message.detail},
                             data={"message_id": message.message_id, "kind": message.kind, "code": message.reason})
        message.save(update_fields=["attempts", "ack_jws", "delivered_at", "last_error", "status", "reason", "detail"])
    return "delivered" if message.status == MessageStatus.DELIVERED else "rejected"


def _deliver(partner: Partner, batch: list[Message], transport: Transport) -> dict:
    counts = {"delivered": 0, "rejected": 0, "failed": 0}
    body = json.dumps({"messages": [token_of(m) for m in batch]}).encode("ascii")
    try:
        status, raw = transport(partner.endpoint_url + INBOX_PATH, body, conf.http_timeout())
    except OSError as exc:
        _fail(batch, f"unreachable: {exc}")
        counts["failed"] = len(batch)
        return counts
    acks = None
    if status == 200:
        try:
            acks = {a["id"]: a for a in json.loads(raw)["acks"] if isinstance(a, dict) and "id" in a}
        except (ValueError, KeyError, TypeError):
            acks = None
    if acks is None:
        _fail(batch, f"HTTP {status}: {raw[:200]!r}")
        counts["failed"] = len(batch)
        return counts
    unsettled, keys, user = [], {}, system_user()
    cases = {c.number: c for c in Case.objects.filter(number__in=[m.case_number for m in batch if m.case_number])}
    with transaction.atomic():  # one flush for the batch's outcomes
        for message in batch:
            ack = acks.get(message.message_id)
            body = _verify_ack(partner, ack.get("ack", ""), message, keys) if ack else None
            if body is None:
                unsettled.append(message)
                continue
            counts[_settle(partner, message, body, ack["ack"], user, cases)] += 1
    if unsettled:
        _fail(unsettled, "no valid signed acknowledgement")
        counts["failed"] += len(unsettled)
    return counts


def outbox_send(*, partner_region: str | None = None, transport: Transport | None = None,
                max_batches: int = 1000) -> dict:
    """Deliver every due message once (a pass); returns counts. Safe to run concurrently."""
    transport = transport or http_transport
    totals = {"delivered": 0, "rejected": 0, "failed": 0}
    partners = Partner.objects.filter(is_active=True)
    if partner_region:
        partners = partners.filter(region_code=partner_region)
    for partner in partners:
        for _i in range(max_batches):
            batch = _claim(partner)
            if not batch:
                break
            counts = _deliver(partner, batch, transport)
            for k, v in counts.items():
                totals[k] += v
            if counts["failed"]:
                log.warning("federation: %s messages to %s wait for a retry", counts["failed"], partner.region_code)
                break
    return totals
