"""Verification of the hash-chained audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from tongban.core.models import AuditEntry, AuditHead
from tongban.core.services import GENESIS_HASH, audit_entry_hash


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_chain_verify() -> ChainReport:
    """Recompute every entry's hash and link. An edited entry breaks its own hash; a deleted
    one breaks the next entry's link; a truncated tail no longer matches the head."""
    report = ChainReport()
    previous = GENESIS_HASH
    rows = AuditEntry.objects.order_by("id").values_list(
        "id", "at", "actor_label", "action", "object_type", "object_id", "purpose", "detail", "prev_hash",
        "entry_hash",
    )
    for pk, at, actor_label, action, object_type, object_id, purpose, detail, prev_hash, entry_hash in rows.iterator(
        chunk_size=2000
    ):
        report.checked += 1
        if prev_hash != previous:
            report.problems.append(f"entry {pk}: link to the previous entry is broken (an entry before it was removed or altered)")
        expected = audit_entry_hash(prev_hash=prev_hash, at=at.isoformat(), actor_label=actor_label, action=action,
                                    object_type=object_type, object_id=object_id, purpose=purpose, detail=detail)
        if expected != entry_hash:
            report.problems.append(f"entry {pk}: content does not match its hash (edited)")
        previous = entry_hash
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.last_hash != previous or head.count != report.checked):
        report.problems.append(
            f"head: expected {head.count} entries ending in {head.last_hash[:12]}…, found {report.checked} "
            f"ending in {previous[:12]}… (entries removed from the end)"
        )
    return report
