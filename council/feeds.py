"""The sessions as an iCalendar (RFC 5545) file: small enough to write by hand, and correct."""

import datetime
import re

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commitments.feeds import labelled
from commitments.syndication import ArchivedFeed, portal_host, tag_uri
from council.models import AgendaItem, Minutes, Session

CRLF = "\r\n"
# Every way text can break a line (a lone CR included, which some readers honour), and the other control
# characters RFC 5545 forbids in TEXT: a session's place must never start a new line of the file.
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")


def escape(text):
    """Escape a TEXT value (RFC 5545 §3.3.11): line breaks become the two characters \\n, never a raw CR or LF."""
    text = CONTROL_CHARACTERS.sub("", LINE_BREAKS.sub("\n", str(text)))
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character (§3.1)."""
    chunks, current, limit = [], "", 75
    for character in line:
        if len((current + character).encode()) > limit:
            chunks.append(current)
            current, limit = character, 74  # continuation lines start with a space
        else:
            current += character
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def portal_url(path):
    """An absolute address on the configured portal (never the request's host: every host gives the same bytes)."""
    return settings.PORTAL_URL.rstrip("/") + path


def session_description(session):
    parts = [str(session.title()), str(session.get_status_display())]
    items = [item.title for item in session.agenda_items.all()]
    if items:
        parts.append(str(_("Agenda:")))
        parts.extend(f"{number}. {title}" for number, title in enumerate(items, start=1))
    if session.is_demo:
        parts.insert(0, str(_("Demonstration data: this session is fictional and only shows how the portal works.")))
    return "\n".join(parts)


def session_event(session):
    title = labelled(_("Advisory council: %(session)s") % {"session": session.title()}, session.is_demo)
    changed = utc(session.updated_at)
    lines = [
        "BEGIN:VEVENT",
        f"UID:consejo-sesion-{session.number}@{portal_host()}",
        f"DTSTAMP:{changed}",
        f"LAST-MODIFIED:{changed}",
        f"DTSTART:{utc(session.starts())}",
        f"DTEND:{utc(session.ends())}",
        f"SUMMARY:{escape(title)}",
        f"DESCRIPTION:{escape(session_description(session))}",
        f"STATUS:{'CANCELLED' if session.status == Session.Status.SUSPENDED else 'CONFIRMED'}",
        f"URL:{portal_url(session.get_absolute_url())}",
    ]
    location = ", ".join(part for part in (session.place, session.online_url) if part)
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions):
    """The calendar and its last change (the newest session's `updated_at`, None when there is no session).

    Nothing in it depends on the request or the clock: the same data gives the same bytes (and ETag)."""
    sessions = list(
        sessions.prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("order", "pk")))
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Gobierno Abierto Quito//Consejo consultivo//ES",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(_('Open Government Advisory Council of Quito'))}",
        "X-WR-TIMEZONE:America/Guayaquil",
    ]
    for session in sessions:
        lines.extend(session_event(session))
    lines.append("END:VCALENDAR")
    last_change = max((session.updated_at for session in sessions), default=None)
    return CRLF.join(fold(line) for line in lines) + CRLF, last_change


class PublishedMinutesFeed(ArchivedFeed):
    """The minutes of the council's sessions as they are published (never drafts), with an archive
    (commitments/syndication.py). Published minutes are locked, so an entry's `updated` is its publication."""

    title = _("Gobierno Abierto Quito: minutes of the advisory council")
    subtitle = _("The minutes of each session of the Open Government Advisory Council, once published.")
    url_name = "council:minutes-feed"
    archive_url_name = "council:minutes-feed-archive"
    feed_key = "council-minutes"

    def link(self):
        return reverse("council:session-list")

    def entries(self, subject):
        return Minutes.objects.visible_to(None).select_related("session").order_by("published_on", "pk")

    def item_title(self, item):
        title = _("Minutes of session %(number)s (%(date)s)") % {
            "number": item.session.number,
            "date": date_format(item.session.scheduled_on, "DATE_FORMAT"),
        }
        return labelled(title, item.session.is_demo)

    def item_description(self, item):
        return item.text_html()

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return tag_uri(f"council-minutes/{item.session.number}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_on

    def item_updateddate(self, item):
        return item.published_on
