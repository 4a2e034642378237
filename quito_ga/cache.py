"""A Redis cache that lets the portal keep working, uncached, while Redis is unreachable."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrade(operation, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except UNAVAILABLE as error:
            logger.warning("Cache unavailable, %s skipped: %s", operation, type(error).__name__)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = operation
    return method


class ResilientRedisCache(RedisCache):
    """Reads miss and writes are skipped while Redis is down; every page is then rendered afresh."""

    get = _degrade("get", lambda key, default=None, version=None: default)
    get_many = _degrade("get_many", {})
    has_key = _degrade("has_key", False)
    set = _degrade("set", None)
    set_many = _degrade("set_many", [])
    add = _degrade("add", False)
    touch = _degrade("touch", False)
    delete = _degrade("delete", False)
    delete_many = _degrade("delete_many", None)
    clear = _degrade("clear", False)
    # Counters (rate limits, the page-cache generation) start over when Redis comes back.
    incr = _degrade("incr", lambda key, delta=1, version=None: delta)
    decr = _degrade("decr", lambda key, delta=1, version=None: -delta)
