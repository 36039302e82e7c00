"""Fetch every mapped material of an item at once, and check what came back.

Remote providers run in a shared thread pool, so the whole fetch takes about as long as the
slowest provider; local ones (the platform's own license library, which reads the database) run
in the calling thread meanwhile. No database transaction is open while we wait on the network.
Each outcome is checked the same way whatever the provider: a JSON object about the data item
asked for, about this ID number, with a record; and the name on record is compared with the
name of the person at the window.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tongban.core.canonical import canonical_bytes
from tongban.core.pii import mask_name
from tongban.idonly.models import FetchReason, FetchStatus
from tongban.idonly.providers.base import FetchRequest, Provider, ProviderError

POOL_SIZE = 16
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="idonly-fetch")
        return _pool


@dataclass(frozen=True)
class Target:
    material: str
    required: bool
    source: str
    data_item: str


@dataclass
class Outcome:
    target: Target
    status: str
    reason: str
    detail: str
    document: dict | None
    sha256: str
    latency_ms: int
    attempts: int
    fetched_at: datetime


_SPACES = re.compile(r"[\s\u3000]+")


def same_name(a: str, b: str) -> bool:
    """Names match ignoring spaces and the variants of the middle dot in minority names."""
    def norm(value: str) -> str:
        return _SPACES.sub("", value or "").replace("•", "·").replace("・", "·").replace(".", "·")
    return bool(norm(a)) and norm(a) == norm(b)


def check_document(document, *, target: Target, id_number: str, name: str) -> tuple[str, str, str]:
    """(status, reason, detail) for a document a provider returned."""
    if not isinstance(document, dict):
        return FetchStatus.FAILED, FetchReason.MALFORMED, "not a JSON object"
    if document.get("source") != target.source or document.get("data_item") != target.data_item:
        return FetchStatus.FAILED, FetchReason.MALFORMED, "about another data item"
    if not isinstance(document.get("id_number"), str) or not isinstance(document.get("name"), str):
        return FetchStatus.FAILED, FetchReason.MALFORMED, "no ID number or name"
    if not isinstance(document.get("record"), dict) or not document["record"]:
        return FetchStatus.FAILED, FetchReason.MALFORMED, "no record"
    if document["id_number"].strip().upper() != id_number:
        return FetchStatus.FAILED, FetchReason.OTHER_ID, "the document is about another ID number"
    if not same_name(document["name"], name):
        return FetchStatus.MISMATCH, FetchReason.NAME_MISMATCH, ""
    return FetchStatus.FETCHED, FetchReason.OK, ""


def _run(provider: Provider | None, target: Target, request: FetchRequest, *, id_number: str, name: str) -> Outcome:
    started = time.monotonic()
    document, attempts, detail = None, 1, ""
    if provider is None:
        status, reason, detail = FetchStatus.FAILED, FetchReason.NOT_CONFIGURED, target.source
    else:
        try:
            document, attempts = provider.fetch(request)
        except ProviderError as exc:
            status, reason, detail, attempts = FetchStatus.FAILED, exc.reason, exc.detail, exc.attempts
        except Exception as exc:  # noqa: BLE001 - a provider's bug is that provider's failure, never the journey's
            status, reason, detail = FetchStatus.FAILED, FetchReason.UNAVAILABLE, type(exc).__name__
        else:
            status, reason, detail = check_document(document, target=target, id_number=id_number, name=name)
    latency_ms = int((time.monotonic() - started) * 1000)
    digest = hashlib.sha256(canonical_bytes(document)).hexdigest() if status != FetchStatus.FAILED else ""
    kept = document if status == FetchStatus.FETCHED else None
    if status == FetchStatus.MISMATCH:
        # someone else's records: keep only their hash and the masked name on record, never the data
        detail = mask_name(document["name"].strip())
    return Outcome(target=target, status=status, reason=reason, detail=detail[:200], document=kept, sha256=digest,
                   latency_ms=latency_ms, attempts=attempts, fetched_at=timezone.now())


def fetch_all(targets: list[Target], *, providers: dict[str, Provider], id_number: str, name: str, purpose: str,
              consent_ref: str) -> list[Outcome]:
    """Every target fetched, in the order given; never raises for a provider's failure."""
    futures: dict[int, Future] = {}
    local: list[int] = []
    for i, target in enumerate(targets):
        provider = providers.get(target.source)
        if provider is not None and not provider.local:
            request = FetchRequest(id_number=id_number, data_item=target.data_item, purpose=purpose,
                                   consent_ref=consent_ref)
            futures[i] = _executor().submit(_run, provider, target, request, id_number=id_number, name=name)
        else:
            local.append(i)
    outcomes: dict[int, Outcome] = {}
    for i in local:
        target = targets[i]
        request = FetchRequest(id_number=id_number, data_item=target.data_item, purpose=purpose,
                               consent_ref=consent_ref)
        outcomes[i] = _run(providers.get(target.source), target, request, id_number=id_number, name=name)
    for i, future in futures.items():
        outcomes[i] = future.result()  # each provider bounds its own time; _run never raises
    return [outcomes[i] for i in range(len(targets))]
