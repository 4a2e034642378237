import contextvars
import hashlib
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

request_id_var = contextvars.ContextVar("request_id", default="-")
# Accept a load balancer's request id only when it looks like one; never echo arbitrary input into logs.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Add the current request's id to every log record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """Give every request an id, returned as X-Request-ID and written on every log line it causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain has returned.
        request_id_var.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


PAGE_GENERATION_KEY = "page-cache-generation"


def invalidate_page_cache(**kwargs):
    """Make every cached page stale at once: a new generation, so the next request renders afresh."""
    try:
        cache.incr(PAGE_GENERATION_KEY)
    except ValueError:
        cache.set(PAGE_GENERATION_KEY, 1, None)


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the shared cache until anything in the database changes.

    Every save or delete of a model of the portal bumps a generation number (see QuitoGaConfig.ready), so a
    staff edit is visible on the very next request. Only used with a cache every server shares (Redis):
    with per-process caches one worker could not invalidate another's pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        cached = cache.get(key)
        if cached is not None:
            # Stored as plain bytes and headers: rebuilding is cheaper than unpickling a whole response object.
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            return response
        response = self.get_response(request)
        if self._cacheable(request, response):
            cache.set(
                key, (response.status_code, list(response.items()), response.content), settings.PAGE_CACHE_SECONDS
            )
        return response

    def _key(self, request):
        if not settings.PAGE_CACHE_SECONDS or request.method not in {"GET", "HEAD"}:
            return None
        # Anybody with a session (staff, a citizen with a pending message) gets a fresh page.
        if {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys():
            return None
        if request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
            return None
        generation = cache.get_or_set(PAGE_GENERATION_KEY, 1, None)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page:{generation}:{request.method}:{digest}"

    @staticmethod
    def _cacheable(request, response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A page that used the CSRF token is tied to this visitor's token.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.has_header("Cache-Control")
            and "nonce-" not in response.get("Content-Security-Policy", "")
        )


class SessionActivityMiddleware:
    """Keep a signed-in session alive while it is used: its 8 idle hours count from the last activity.

    The session is written again at most every SESSION_RENEW_AFTER seconds, not on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("_seen", 0) >= settings.SESSION_RENEW_AFTER:
                request.session["_seen"] = now
        return self.get_response(request)
