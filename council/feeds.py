"""The sessions as an iCalendar (RFC 5545) file: small enough to write by hand, and correct."""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from commitments.feeds import labelled
from council.models import Minutes, Session

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


def session_event(session, *, host, url, stamp):
    title = labelled(_("Advisory council: %(session)s") % {"session": session.title()}, session.is_demo)
    lines = [
        "BEGIN:VEVENT",
        f"UID:consejo-sesion-{session.number}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc(session.starts())}",
        f"DTEND:{utc(session.ends())}",
        f"SUMMARY:{escape(title)}",
        f"STATUS:{'CANCELLED' if session.status == Session.Status.SUSPENDED else 'CONFIRMED'}",
        f"URL:{url}",
    ]
    location = ", ".join(part for part in (session.place, session.online_url) if part)
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions, *, request):
    host = request.get_host().split(":")[0]
    stamp = utc(timezone.now())
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
        url = request.build_absolute_uri(session.get_absolute_url())
        lines.extend(session_event(session, host=host, url=url, stamp=stamp))
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF


class PublishedMinutesFeed(Feed):
    """The minutes of the council's sessions as they are published (never drafts), newest first."""

    feed_type = Atom1Feed
    title = _("Gobierno Abierto Quito: minutes of the advisory council")
    subtitle = _("The minutes of each session of the Open Government Advisory Council, once published.")

    def link(self):
        return reverse("council:session-list")

    def items(self):
        return Minutes.objects.visible_to(None).select_related("session").order_by("-published_on", "-pk")[:50]

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
        return f"minutes-{item.session.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_on
