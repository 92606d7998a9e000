"""
System checks for what settings alone cannot show: the cache's Redis must
have a memory limit and an eviction policy, or one client making up query
strings (or plain growth) fills the server's memory.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.checks import Tags, Warning, register
from redis.exceptions import RedisError

NO_EVICTION = "noeviction"


@register(Tags.caches)
def redis_memory_limit(app_configs, **kwargs):
    """Warn when the page cache's Redis has no maxmemory or never evicts."""
    cache = caches[settings.PAGE_CACHE_ALIAS]
    if not isinstance(cache, RedisCache):
        return []
    try:
        memory = cache._cache.get_client(write=True).info("memory")
    except RedisError as exc:
        return [
            Warning(
                f"The cache's Redis could not be reached to check its memory "
                f"limit: {exc}.",
                hint="Pages are served from the database until it answers.",
                id="factually.W002",
            )
        ]
    warnings = []
    if int(memory.get("maxmemory", 0)) == 0:
        warnings.append(
            Warning(
                "The cache's Redis has no memory limit (maxmemory 0).",
                hint="Set maxmemory and maxmemory-policy allkeys-lru, as "
                "deploy/redis.conf does.",
                id="factually.W001",
            )
        )
    elif memory.get("maxmemory_policy", NO_EVICTION) == NO_EVICTION:
        warnings.append(
            Warning(
                "The cache's Redis refuses writes when full (noeviction).",
                hint="Set maxmemory-policy allkeys-lru, as deploy/redis.conf does.",
                id="factually.W003",
            )
        )
    return warnings
