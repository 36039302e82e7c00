"""Search pages and service guides are cached: the catalog changes a few times a year and is
searched and read all day.

Each entry is stored with the catalog generation it was built under; a write bumps the
generation, and an entry of an older generation counts as a miss. Reading an entry fetches the
current generation with it (one round trip), so this process sees a change at once; other
processes see it at once when the cache is shared (Redis in production) and within
SEARCH_CACHE_SECONDS with the demo's per-process memory cache.
"""

import hashlib

from django.core.cache import cache

SEARCH_CACHE_SECONDS = 60
GENERATION_KEY = "catalog:generation"
MISS = object()


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def search_cache_key(language: str | None, filters_json: str) -> str:
    digest = hashlib.sha1(filters_json.encode(), usedforsecurity=False).hexdigest()
    return f"catalog:search:{language}:{digest}"


def guide_cache_key(code: str) -> str:
    digest = hashlib.sha1(code.encode(), usedforsecurity=False).hexdigest()
    return f"catalog:guide:{digest}"


def cached(key: str) -> tuple[int, object]:
    """(current generation, the entry's value or MISS)."""
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        return generation(), MISS
    entry = found.get(key)
    if entry is None or entry[0] != current:
        return current, MISS
    return current, entry[1]


def store(key: str, built_under: int, value, timeout: int = SEARCH_CACHE_SECONDS) -> None:
    cache.set(key, (built_under, value), timeout)


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
