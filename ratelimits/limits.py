"""Rate limits shared by every worker: atomic counters in Redis when REDIS_URL is set, in the database otherwise.

Counting happens before the check (`attempt` increments, then compares), so concurrent requests cannot all
pass a check that none of them has counted yet. While Redis is unreachable, each process falls back to its own
bounded in-memory counters: limits get looser (per process) but never disappear.
"""

import hashlib
import ipaddress
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings

from ratelimits.models import Counter

logger = logging.getLogger(__name__)


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or behind DJANGO_PROXY_COUNT trusted proxies, X-Forwarded-For's entry."""
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            # Each trusted proxy appends the address it saw; what a client sends itself stays to the left.
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_network(address):
    """The unit a limit counts: an IPv4 address, or the /64 network of an IPv6 address (one subscriber's LAN)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _key(scope, identity):
    # Only a hash is stored: counters never hold an address or an account name.
    return hashlib.sha256(f"{scope}:{identity}".encode()).hexdigest()


class LocalCounters:
    """A per-process fallback with a bounded number of keys (the oldest windows are forgotten first)."""

    def __init__(self, max_keys=10_000):
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._counters = OrderedDict()

    def add(self, key, delta, window):
        now = time.monotonic()
        with self._lock:
            count, expires = self._counters.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + window
            count += delta
            self._counters[key] = (count, expires)
            self._counters.move_to_end(key)
            while len(self._counters) > self.max_keys:
                self._counters.popitem(last=False)
            return count

    def current(self, key):
        with self._lock:
            count, expires = self._counters.get(key, (0, 0.0))
            return count if expires > time.monotonic() else 0


_local = LocalCounters()
_redis_client = None
_redis_lock = threading.Lock()


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        with _redis_lock:
            if _redis_client is None:
                _redis_client = redis.Redis.from_url(
                    settings.RATELIMIT_REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
                )
    return _redis_client


def _add(key, delta, window):
    if settings.RATELIMIT_REDIS_URL:
        import redis

        try:
            pipe = _redis().pipeline()
            pipe.incrby(f"ratelimit:{key}", delta)
            pipe.expire(f"ratelimit:{key}", window, nx=True)
            return pipe.execute()[0]
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as error:
            logger.warning("Rate-limit store unavailable, counting in this process: %s", type(error).__name__)
            return _local.add(key, delta, window)
    return Counter.objects.add(key, delta, window)


def _current(key):
    if settings.RATELIMIT_REDIS_URL:
        import redis

        try:
            return int(_redis().get(f"ratelimit:{key}") or 0)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return _local.current(key)
    return Counter.objects.current(key)


def attempt(scope, identity, limit, window=3600):
    """Count one attempt; True if it is within `limit` per `window` seconds. A refused attempt is not kept."""
    key = _key(scope, identity)
    if _add(key, 1, window) <= limit:
        return True
    _add(key, -1, window)
    return False


def release(scope, identity, window=3600):
    """Give back an attempt that should not count (e.g. a form sent back with a mistake to correct)."""
    _add(_key(scope, identity), -1, window)


def is_limited(scope, identity, limit):
    return _current(_key(scope, identity)) >= limit


# Logins: django-axes locks an account/address pair; this also limits an account attacked from many addresses.
LOGIN_SCOPE = "login-account"


def login_identity(username):
    return (username or "").strip().casefold()


def login_blocked(username):
    return is_limited(LOGIN_SCOPE, login_identity(username), settings.LOGIN_FAILURES_PER_ACCOUNT)


def count_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if username and not login_blocked(username):
        _add(_key(LOGIN_SCOPE, login_identity(username)), 1, settings.LOGIN_FAILURE_WINDOW)
