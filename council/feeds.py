"""The sessions as an iCalendar (RFC 5545) file: small enough to write by hand, and correct."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from council.models import Session

CRLF = "\r\n"


def escape(text):
    """Escape a TEXT value (RFC 5545 §3.3.11)."""
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )  # fmt: skip


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
    title = _("Advisory council: %(session)s") % {"session": session.title()}
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
