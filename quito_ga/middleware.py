import contextvars
import hashlib
import logging
import re
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from quito_ga.page_versions import (
    EVERY_PAGE,
    bump,
    declared_versions,
    lifetime,
    read_versions,
    refuses_unknown_parameters,
    version_key,
)

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


def invalidate_page_cache():
    """Make every cached page out of date at once, for bulk writes that send no signals (seeding, purging)."""
    bump([EVERY_PAGE])


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the shared cache until what they show changes.

    Each page is stored once per address (its known query parameters only) with the versions of what it shows
    (`page_versions` on its view, see quito_ga/page_versions.py) and the date; the page and those versions are
    read with one `get_many` (one Redis MGET). A copy stored under other versions or another date, or older than
    its lifetime (`page_versions.lifetime`), is out of date: the first request takes a short lock (`cache.add`)
    and renders the page again while the others get the previous copy (stale-while-revalidate). Every response
    says which it was in `X-Cache` (hit, stale or miss). Only used with a cache every server shares (Redis): with
    per-process caches one worker could not invalidate another's pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        slot, version_keys, query, seconds = self._slot(request)
        if slot is None:
            return self.get_response(request)
        # The page is rendered from exactly what its key holds: a made-up parameter cannot reach its links.
        request.GET, request.META["QUERY_STRING"] = QueryDict(query), query
        found = cache.get_many([slot, *version_keys])
        # The date is part of what every page shows (statuses, "delayed", upcoming sessions): a new day is a new
        # signature, as a save is.
        versions = [*read_versions(version_keys, found), timezone.localdate().isoformat()]
        signature = hashlib.sha256("|".join(versions).encode()).hexdigest()[:32]
        entry = found.get(slot)
        if entry is not None:
            stored_signature, stored_at, *page = entry
            if stored_signature == signature and time.time() - stored_at < seconds:
                return self._rebuild(page, "hit")
        lock = f"{slot}:lock"
        # Without a previous copy there is nothing to give the others: every request renders (no lock).
        locked = entry is not None and cache.add(lock, 1, settings.PAGE_CACHE_LOCK_SECONDS)
        if entry is not None and not locked:
            return self._rebuild(page, "stale")
        try:
            response = self.get_response(request)
            if self._cacheable(request, response):
                page = (response.status_code, list(response.items()), response.content)
                timeout = seconds + settings.PAGE_CACHE_STALE_SECONDS
                cache.set(slot, (signature, time.time(), *page), timeout)
            elif entry is not None:
                cache.delete(slot)  # a page that is gone or now personal must not be served as a stale copy
        finally:
            if locked:
                cache.delete(lock)
        response["X-Cache"] = "miss"
        return response

    @staticmethod
    def _rebuild(page, outcome):
        # Stored as plain bytes and headers: rebuilding is cheaper than unpickling a whole response object.
        status, headers, content = page
        response = HttpResponse(content, status=status)
        for header, value in headers:
            response[header] = value
        response["X-Cache"] = outcome
        return response

    def _slot(self, request):
        """The page's cache key, the keys of the versions it depends on, the query string it is rendered from and
        how long a copy may be served (seconds); (None, None, None, None) if it is not cached."""
        uncached = None, None, None, None
        if not settings.PAGE_CACHE_SECONDS or request.method not in {"GET", "HEAD"}:
            return uncached
        # Anybody with a session (staff, a citizen with a pending message) gets a fresh page.
        if {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys():
            return uncached
        if request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
            return uncached
        # Only the parameters some page reads: made-up ones (utm_source, cache busters) are dropped, from the key
        # and from the request, so they neither fill the cache nor miss it.
        known = settings.PAGE_CACHE_QUERY_PARAMETERS
        parameters = [(name, values) for name, values in request.GET.lists() if name in known]
        if any(len(values) > 1 for _, values in parameters):
            return uncached  # repeated: which one a page reads is its business; render it
        match = self._resolve(request.path_info)
        if match is None:
            return uncached
        if len(parameters) < len(request.GET) and refuses_unknown_parameters(match.func):
            return uncached  # the API answers 400 to a parameter it does not know
        # In a fixed order, so that the same parameters in another order are the same page.
        query = urlencode(sorted((name, values[0]) for name, values in parameters))
        digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
        version_keys = [version_key(name) for name in declared_versions(match.func, match.kwargs)]
        return f"page:{request.method}:{digest}", version_keys, query, lifetime(match.func)

    @staticmethod
    def _resolve(path):
        # Before LocaleMiddleware: resolve /en/… in English, as the i18n URL patterns only match then.
        with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
            try:
                return resolve(path)
            except Resolver404:
                return None

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
