"""Atom feeds that validators and feed readers accept (RFC 4287), with a paged archive (RFC 5005).

- Every entry's `<id>` is a `tag:` URI (RFC 4151) minted from the host of `settings.PORTAL_URL`, never from the
  request: the same report has the same id in every feed and in both languages, so readers show it once.
- The feed's author is the municipality; `<rights>` and `<link rel="license">` carry the open-data licence.
- Every entry has `<updated>`; the feed's `<updated>` (and `Last-Modified`) is its newest entry's, and a fixed
  date when it has none, so the bytes (and the ETag) change only when the data does.
- Paging (RFC 5005 §4): entries are numbered in the order they were recorded (oldest first); archive page N holds
  entries (N-1)·50+1 … N·50 and exists only once it is complete, so it never changes while entries are appended.
  The current feed shows the newest 50 and links the last complete page (`prev-archive`), each archive page links
  its neighbours and the current feed: a client walking back never misses an entry.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 50
PUBLISHER = "Municipio del Distrito Metropolitano de Quito"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
# The date in every tag: URI (the authority held the portal's host name then) and the `updated` of an empty feed.
TAG_DATE = "2020"
EMPTY_FEED_UPDATED = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def portal_host():
    return urlsplit(settings.PORTAL_URL).hostname or "localhost"


def tag_uri(specific):
    """A `tag:` URI (RFC 4151) for something the portal publishes, e.g. `tag:example.org,2020:progress-update/329`."""
    return f"tag:{portal_host()},{TAG_DATE}:{specific}"


def licence_text():
    return _("Open data under the %(name)s licence: %(url)s") % {
        "name": settings.OPEN_DATA_LICENCE["name"],
        "url": settings.OPEN_DATA_LICENCE["url"],
    }


class ArchivedAtomFeed(Atom1Feed):
    """Atom with the RFC 5005 links (`current`, `prev-archive`, `next-archive`), `<fh:archive/>` on archive
    documents, the licence link, and a stable `updated` for an empty feed."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:fh": HISTORY_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("link", "", {"rel": "license", "href": settings.OPEN_DATA_LICENCE["url"]})
        for rel, href in self.feed["archive_links"].items():
            handler.addQuickElement("link", "", {"rel": rel, "href": href, "type": "application/atom+xml"})
        if self.feed["is_archive"]:
            handler.addQuickElement("fh:archive", "")

    def latest_post_date(self):
        dates = [item[key] for item in self.items for key in ("updateddate", "pubdate") if item.get(key)]
        return max(dates) if dates else EMPTY_FEED_UPDATED


@dataclass(frozen=True)
class FeedPage:
    """What one request of a feed shows: built per request, never stored on the (shared) Feed instance."""

    subject: object
    number: int | None  # an archive page, or None for the current feed
    links: dict = field(default_factory=dict)


class ArchivedFeed(Feed):
    """A feed of `entries()` (oldest first) served as the newest PAGE_SIZE plus complete archive pages.

    Subclasses give `url_name` (the current feed), `archive_url_name` (`page` keyword), `feed_key`, `entries(subject)`
    and, for a feed about one object, `get_subject(request, **kwargs)` and `url_kwargs(subject)`."""

    feed_type = ArchivedAtomFeed
    author_name = PUBLISHER
    url_name = archive_url_name = feed_key = None

    def get_subject(self, request, **kwargs):
        return None

    def url_kwargs(self, subject):
        return {}

    def entries(self, subject):
        raise NotImplementedError

    def get_object(self, request, page=None, **kwargs):
        subject = self.get_subject(request, **kwargs)
        archives = self.entries(subject).count() // PAGE_SIZE
        if page is not None and not 1 <= page <= archives:
            raise Http404("No such archive page.")
        url_kwargs = self.url_kwargs(subject)

        def absolute(number=None):
            if number is None:
                return request.build_absolute_uri(reverse(self.url_name, kwargs=url_kwargs))
            return request.build_absolute_uri(reverse(self.archive_url_name, kwargs={**url_kwargs, "page": number}))

        links = {"current": absolute()}
        previous = archives if page is None else page - 1
        if previous >= 1:
            links["prev-archive"] = absolute(previous)
        if page is not None:
            links["next-archive"] = absolute(page + 1) if page < archives else absolute()
        return FeedPage(subject=subject, number=page, links=links)

    def items(self, obj):
        entries = self.entries(obj.subject)
        if obj.number is None:
            return entries.reverse()[:PAGE_SIZE]
        start = (obj.number - 1) * PAGE_SIZE
        return list(entries[start : start + PAGE_SIZE])[::-1]  # newest first, as in the current feed

    def feed_guid(self, obj):
        return tag_uri(f"feed/{self.feed_key_for(obj.subject)}/{get_language()}")

    def feed_key_for(self, subject):
        return self.feed_key

    def feed_url(self, obj):
        if obj.number is None:
            return obj.links["current"]
        return reverse(self.archive_url_name, kwargs={**self.url_kwargs(obj.subject), "page": obj.number})

    def feed_copyright(self):
        return licence_text()

    def feed_extra_kwargs(self, obj):
        return {"archive_links": obj.links, "is_archive": obj.number is not None}
