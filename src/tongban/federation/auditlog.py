"""The message log for auditors: export every message (JSON Lines, one message a line, with
its compact JWS exactly as signed, its SHA-256 and its fate) and verify such an export
offline, without the database, against the public keys of the signers.

    tongban federation export-log --out fed-log.jsonl
    tongban federation verify-log fed-log.jsonl --key xixian.pem --key xianyang.pem
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tongban.federation import jws
from tongban.federation.messages import token_of
from tongban.federation.models import Message, MessageStatus
from tongban.signing import platform_keys

# Rows whose signature was valid when logged (anything else was rejected at the door).
SIGNED_STATUSES = {MessageStatus.PENDING, MessageStatus.DELIVERED, MessageStatus.ACCEPTED, MessageStatus.DUPLICATE}


def export_lines(*, direction: str | None = None) -> Iterator[dict]:
    qs = Message.objects.order_by("id")
    if direction:
        qs = qs.filter(direction=direction)
    for m in qs.iterator(chunk_size=500):
        yield {"seq": m.id, "direction": m.direction, "message_id": m.message_id, "kind": m.kind,
               "partner_region": m.partner_region, "case": m.case_number, "time": m.created_at.isoformat(),
               "status": m.status, "reason": m.reason, "kid": m.kid, "sha256": m.sha256, "jws": token_of(m),
               "ack": m.ack_jws}


@dataclass
class Report:
    checked: int = 0
    verified: int = 0
    rejected_as_logged: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and self.checked > 0


def load_keys(pem_texts: Iterable[str]) -> list[jws.PemKey]:
    return [jws.parse_pem(text) for text in pem_texts]


def _verifies(parsed: jws.Parsed, keys: list[jws.PemKey]) -> bool:
    for key in keys:
        if key.alg != parsed.alg or (key.kid and key.kid != parsed.kid):
            continue
        if jws.verify(parsed, platform_keys.load_public(key.alg, key.spki_der)):
            return True
    return False


def verify_lines(lines: Iterable[str], keys: list[jws.PemKey]) -> Report:
    """Each line: the hash matches the JWS, the JWS is well formed, names the same message id,
    and its signature verifies with one of `keys`. Messages the platform logged as rejected
    must NOT verify as accepted ones; they are counted apart."""
    report = Report()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        report.checked += 1
        try:
            row = json.loads(raw)
            token = row["jws"]
        except (ValueError, KeyError, TypeError):
            report.failures.append(f"line {number}: not a log line")
            continue
        if row.get("status") not in SIGNED_STATUSES:
            report.rejected_as_logged += 1
            continue
        if hashlib.sha256(token.encode("ascii")).hexdigest() != row.get("sha256"):
            report.failures.append(f"line {number} ({row.get('message_id')}): SHA-256 does not match the JWS")
            continue
        try:
            parsed = jws.parse(token)
        except jws.MalformedJWS as exc:
            report.failures.append(f"line {number}: malformed JWS ({exc})")
            continue
        if parsed.payload.get("id") != row.get("message_id"):
            report.failures.append(f"line {number}: the JWS is for message {parsed.payload.get('id')}")
            continue
        if not _verifies(parsed, keys):
            report.failures.append(f"line {number} ({row.get('message_id')}): signature does not verify "
                                   f"with the given keys (kid {parsed.kid})")
            continue
        report.verified += 1
    return report
