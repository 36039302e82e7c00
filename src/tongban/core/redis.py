"""The Redis connection behind the default cache, for the few counters that need Redis's own
commands (pipelines, hashes). None when the cache is not Redis (the demo's memory cache)."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def cache_redis():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(None, write=True)
