"""Writing messages: the outbox row (inside the transaction of the case change) and the log
rows of what arrives. The compact JWS is kept exactly as signed, encrypted at rest."""

from __future__ import annotations

import uuid

from django.utils import timezone

from tongban.core import pii
from tongban.federation import conf, jws
from tongban.federation.models import Direction, Message, MessageStatus, Partner

CONTEXT = "federation.message"
VERSION = 1


def token_of(message: Message) -> str:
    return pii.decrypt(bytes(message.jws_enc), context=CONTEXT)


def envelope(*, message_id: str, kind: str, to: str, body: dict) -> dict:
    return {"v": VERSION, "id": message_id, "kind": kind, "from": conf.local_region(), "to": to,
            "iat": timezone.now().isoformat(), "body": body}


def outbox_write(*, partner: Partner, kind: str, body: dict, case_number: str = "") -> Message:
    """Sign and queue a message for `partner`. Call inside the transaction of the change it
    reports, so that the change and its message commit together or not at all."""
    message_id = str(uuid.uuid4())
    token = jws.sign(envelope(message_id=message_id, kind=kind, to=partner.region_code, body=body))
    header_b64, _body, signature = token.split(".")
    now = timezone.now()
    return Message.objects.create(
        direction=Direction.OUT, message_id=message_id, kind=kind, partner=partner,
        partner_region=partner.region_code, case_number=case_number, created_at=now,
        kid=_kid(header_b64)[:64], sha256=jws.sha256(token),
        signature=signature, jws_enc=pii.encrypt(token, context=CONTEXT), size=len(token),
        status=MessageStatus.PENDING, next_attempt_at=now,
    )


def _kid(header_b64: str) -> str:
    import json

    return json.loads(jws.b64url_decode(header_b64)).get("kid", "")


def inbox_log(*, token: str, status: str, partner: Partner | None = None, parsed: jws.Parsed | None = None,
              reason: str = "", detail: str = "", case_number: str = "") -> Message:
    """One row per arrival, whatever became of it (accepted, duplicate or rejected with a reason)."""
    payload = parsed.payload if parsed else {}
    signature = token.rsplit(".", 1)[-1] if token.count(".") == 2 else ""
    return Message.objects.create(
        direction=Direction.IN, message_id=str(payload.get("id", ""))[:36], kind=str(payload.get("kind", ""))[:24],
        partner=partner, partner_region=str(payload.get("from", ""))[:6], case_number=case_number,
        created_at=timezone.now(), kid=(parsed.kid if parsed else "")[:64], sha256=jws.sha256(token) if token.isascii()
        else "", signature=signature[:200], jws_enc=pii.encrypt(token, context=CONTEXT), size=len(token),
        status=status, reason=reason[:40], detail=str(detail)[:300],
    )
