"""
A Redis cache that degrades instead of failing.

Every value in the cache can be rebuilt from PostgreSQL, so when Redis is
unreachable the site should get slower, not break. ResilientRedisCache is
Django's RedisCache with each operation guarded: a Redis error is counted,
logged at most once per LOG_INTERVAL, and answered as a miss (reads return
the default, writes do nothing, add() reports that it added nothing). After
a failure the process leaves Redis alone for BACKOFF seconds, so that a
Redis that hangs rather than refuses costs one timeout, not one per call.

Page-cache invalidations attempted while Redis is unreachable are recorded
in PostgreSQL as well and applied when it answers again
(factually/pagecache/durable.py). /readyz reports the state (see
factually.views.readyz).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds between two log lines about the same outage.
LOG_INTERVAL = 60
# Seconds to leave Redis alone after a failure before trying it again.
BACKOFF = 1.0


class CacheHealth:
    """How this process's cache has fared: errors counted, last failure kept."""

    def __init__(self):
        self._lock = threading.Lock()
        self.errors = 0
        self.skipped = 0
        self.last_error = ""
        self.failed_at = None
        self._logged_at = None

    def failed(self, operation, exc):
        now = time.monotonic()
        with self._lock:
            self.errors += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            self.failed_at = now
            log = self._logged_at is None or now - self._logged_at >= LOG_INTERVAL
            if log:
                self._logged_at = now
            errors = self.errors
        if log:
            logger.error(
                "Cache unavailable (%s in %s); serving from the database. "
                "%d cache errors so far in this process.",
                self.last_error,
                operation,
                errors,
            )

    def succeeded(self):
        if self.failed_at is not None:
            with self._lock:
                if self.failed_at is not None:
                    self.failed_at = None
                    self._logged_at = None
                    logger.warning("Cache reachable again.")

    def backing_off(self):
        failed_at = self.failed_at
        if failed_at is not None and time.monotonic() - failed_at < BACKOFF:
            with self._lock:
                self.skipped += 1
            return True
        return False

    @property
    def degraded(self):
        return self.failed_at is not None


_healths = {}
_healths_lock = threading.Lock()


def shared_health(location) -> CacheHealth:
    """
    This process's record of the Redis at `location`. Django makes a cache
    object per thread; with threaded workers they share this one, so an
    outage is logged once per process and backed off by every thread.
    """
    with _healths_lock:
        return _healths.setdefault(str(location), CacheHealth())


def _guarded(name, fallback):
    method = getattr(RedisCache, name)

    def guarded(self, *args, **kwargs):
        if self.health.backing_off():
            return fallback(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except RedisError as exc:
            self.health.failed(name, exc)
            return fallback(*args, **kwargs)
        self.health.succeeded()
        return result

    guarded.__name__ = name
    guarded.__doc__ = method.__doc__
    return guarded


def _default(key, default=None, version=None):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty(*args, **kwargs):
    return {}


def _no_keys_set(data, *args, **kwargs):
    # set_many() answers the keys it failed to set.
    return list(data)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """
    Django's client, keeping one redis.Redis per connection pool instead of
    making one per operation: building it costs more than a cache hit's
    round trip on loopback. redis.Redis is safe to share between threads.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, answering misses instead of raising when Redis is down."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self.health = shared_health(server)

    def ping(self):
        """Reach Redis now, whatever the backoff; True if it answered."""
        try:
            self._cache.get_client(write=True).ping()
        except RedisError as exc:
            self.health.failed("ping", exc)
            return False
        self.health.succeeded()
        return True

    def publish(self, channel, message):
        """Publish on a Redis channel; False if Redis could not be reached."""
        if self.health.backing_off():
            return False
        try:
            self._cache.get_client(write=True).publish(channel, message)
        except RedisError as exc:
            self.health.failed("publish", exc)
            return False
        return True

    def subscribe(self, channel):
        """
        A PubSub subscribed to `channel` (raises RedisError if Redis cannot
        be reached; the caller keeps it and closes it).
        """
        pubsub = self._cache.get_client().pubsub()
        pubsub.subscribe(channel)
        return pubsub

    def channel(self, name):
        """A channel name of this cache's own (pub/sub ignores db numbers)."""
        return f"{self.make_key(name)}@{self._servers[0]}"

    add = _guarded("add", _false)
    get = _guarded("get", _default)
    set = _guarded("set", _nothing)
    touch = _guarded("touch", _false)
    delete = _guarded("delete", _false)
    get_many = _guarded("get_many", _empty)
    has_key = _guarded("has_key", _false)
    set_many = _guarded("set_many", _no_keys_set)
    delete_many = _guarded("delete_many", _nothing)
    clear = _guarded("clear", _false)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError, as in every backend; only Redis
        # errors are absorbed (and answered as a missing key, which callers
        # already handle by setting a fresh value).
        if self.health.backing_off():
            raise ValueError(f"Key {key!r} not found (cache unavailable).")
        try:
            result = super().incr(key, delta, version)
        except RedisError as exc:
            self.health.failed("incr", exc)
            raise ValueError(f"Key {key!r} not found (cache unavailable).") from exc
        self.health.succeeded()
        return result

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        # BaseCache.get_or_set() reads back after add(); with Redis down that
        # read misses too, so compute the value rather than answer None.
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout=timeout, version=version)
        return value
