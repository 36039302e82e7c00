"""A small fixed-window rate limit on the Django cache (per process with the default local
memory cache; shared across workers when CACHES points at Redis)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from tongban.core.errors import DomainError


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def check_rate(request, bucket: str, *, per_minute: int | None = None) -> None:
    limit = per_minute or getattr(settings, "TONGBAN_PUBLIC_RATE_PER_MINUTE", 30)
    window = int(time.time() // 60)
    key = f"rl:{bucket}:{client_ip(request)}:{window}"
    if cache.add(key, 1, timeout=70):
        return
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=70)
        return
    if count > limit:
        raise RateLimited(_("Too many requests; please wait a minute and try again."))
