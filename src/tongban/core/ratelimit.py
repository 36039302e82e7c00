"""A small fixed-window rate limit on the Django cache (per process with the default local
memory cache; shared across workers when CACHES points at Redis)."""

import time

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

from tongban.core.errors import DomainError
from tongban.core.redis import cache_redis

WINDOW_TTL = 70  # a one-minute window, kept a little longer than its minute


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _count_in_window(key: str) -> int:
    """Add one to the window's counter and return it: one pipelined round trip on Redis (the
    public status query runs this on every call), add-then-incr on other caches."""
    cache = caches["default"]
    redis = cache_redis()
    if redis is not None:
        key = cache.make_and_validate_key(key)
        pipe = redis.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, WINDOW_TTL)
        return pipe.execute()[0]
    if cache.add(key, 1, timeout=WINDOW_TTL):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_TTL)
        return 1


def check_rate(request, bucket: str, *, per_minute: int | None = None) -> None:
    limit = per_minute or getattr(settings, "TONGBAN_PUBLIC_RATE_PER_MINUTE", 30)
    window = int(time.time() // 60)
    if _count_in_window(f"rl:{bucket}:{client_ip(request)}:{window}") > limit:
        raise RateLimited(_("Too many requests; please wait a minute and try again."))
