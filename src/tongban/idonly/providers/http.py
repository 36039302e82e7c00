"""A provider reached over HTTP (the shared-data exchange, or the demo reference data service).

Timeouts are explicit; a connect error or a 5xx is retried a bounded number of times while the
provider's time budget lasts; a read timeout is not retried (the source is slow: asking again
would only double the wait at the window)."""

from __future__ import annotations

import threading
import time

import httpx

from tongban.idonly.models import FetchReason
from tongban.idonly.providers.base import FetchRequest, ProviderError

RETRY_BACKOFF = 0.05  # seconds, times the attempt number
MAX_DOCUMENT_BYTES = 256 * 1024


class HttpProvider:
    local = False

    def __init__(self, source: str, *, url: str, token: str, timeout: float = 3.0, retries: int = 1):
        self.source = source
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = max(0, retries)
        self._client_lock = threading.Lock()
        self._http: httpx.Client | None = None

    def _client(self) -> httpx.Client:
        # one client per provider: its connection pool is shared by the fetch threads (httpx
        # clients may be shared between threads) so look-ups reuse kept-alive connections
        with self._client_lock:
            if self._http is None:
                self._http = httpx.Client(headers={"Authorization": f"Bearer {self.token}"}, trust_env=False,
                                          limits=httpx.Limits(max_connections=32, max_keepalive_connections=8))
            return self._http

    def fetch(self, request: FetchRequest) -> tuple[dict, int]:
        started = time.monotonic()
        url = f"{self.url}/v1/{self.source}/{request.data_item}"
        body = {"id_number": request.id_number, "purpose": request.purpose, "consent": request.consent_ref}
        last = ProviderError(FetchReason.UNAVAILABLE, "no attempt made")
        for attempt in range(1, self.retries + 2):
            remaining = self.timeout - (time.monotonic() - started)
            if remaining <= 0:
                raise ProviderError(last.reason, last.detail, attempts=attempt - 1)
            try:
                response = self._client().post(url, json=body, timeout=httpx.Timeout(remaining))
            except httpx.TimeoutException:
                if attempt > 1:  # the retry ran out of time: the failure is still the first one's
                    raise ProviderError(last.reason, last.detail, attempts=attempt) from None
                raise ProviderError(FetchReason.TIMEOUT, f"no answer within {self.timeout:g}s",
                                    attempts=attempt) from None
            except httpx.TransportError as exc:
                last = ProviderError(FetchReason.UNAVAILABLE, type(exc).__name__, attempts=attempt)
            else:
                if response.status_code == 404:
                    raise ProviderError(FetchReason.NOT_FOUND, "404", attempts=attempt)
                if response.status_code >= 500:
                    last = ProviderError(FetchReason.UNAVAILABLE, f"HTTP {response.status_code}", attempts=attempt)
                elif response.status_code != 200:
                    raise ProviderError(FetchReason.UNAVAILABLE, f"HTTP {response.status_code}", attempts=attempt)
                elif len(response.content) > MAX_DOCUMENT_BYTES:
                    raise ProviderError(FetchReason.MALFORMED, "the document is too large", attempts=attempt)
                else:
                    try:
                        return response.json(), attempt
                    except ValueError:
                        raise ProviderError(FetchReason.MALFORMED, "the body is not JSON", attempts=attempt) from None
            if attempt <= self.retries:
                time.sleep(min(RETRY_BACKOFF * attempt, max(0.0, self.timeout - (time.monotonic() - started))))
        raise last
