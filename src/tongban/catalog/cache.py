"""Search pages and service guides are cached: the catalog changes a few times a year and is
searched and read all day.

A write bumps the catalog generation, which is part of every key, so this process sees a
change at once; other processes see it at once when the cache is shared (Redis in production)
and within SEARCH_CACHE_SECONDS with the demo's per-process memory cache.
"""

import hashlib

from django.core.cache import cache

SEARCH_CACHE_SECONDS = 60
GENERATION_KEY = "catalog:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def search_cache_key(language: str | None, filters_json: str) -> str:
    digest = hashlib.sha1(filters_json.encode(), usedforsecurity=False).hexdigest()
    return f"catalog:search:{generation()}:{language}:{digest}"


def guide_cache_key(code: str) -> str:
    digest = hashlib.sha1(code.encode(), usedforsecurity=False).hexdigest()
    return f"catalog:guide:{generation()}:{digest}"


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
