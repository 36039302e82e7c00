"""The provider interface: fetch one data item about one person, for a stated purpose, under a
recorded consent. A provider returns the document it received (a dict) or raises ProviderError;
checking that the document is well-formed and about the right person is done once, by the
caller (tongban.idonly.fetch), for every provider alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class FetchRequest:
    id_number: str
    data_item: str
    purpose: str
    consent_ref: str  # the consent's id, so the provider's own log can point back at it


class ProviderError(Exception):
    def __init__(self, reason: str, detail: str = "", *, attempts: int = 1):
        self.reason = reason
        self.detail = detail
        self.attempts = attempts
        super().__init__(f"{reason}: {detail}")


class Provider(Protocol):
    source: str
    # True when the provider reads the platform's own database: it then runs in the calling
    # thread (a worker thread would open a second connection outside the request's transaction).
    local: bool

    def fetch(self, request: FetchRequest) -> tuple[dict, int]:
        """The document received and the number of attempts it took; ProviderError otherwise."""
        ...
