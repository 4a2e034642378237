"""The council's calendar (/consejo/sesiones/calendario.ics) read by an independent parser, `icalendar`."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from council.models import AgendaItem, Session
from tests.council.factories import SessionFactory

pytestmark = pytest.mark.django_db

URL = "/consejo/sesiones/calendario.ics"


def events(body):
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_every_event_has_a_stable_stamp_its_last_change_a_description_and_the_portals_address(client):
    session = SessionFactory(number=5, place="Sala 1; piso 2, Quito\\Norte", scheduled_on=datetime.date(2023, 7, 4))
    AgendaItem.objects.create(session=session, order=1, title="Seguimiento de acuerdos, y varios")
    session.refresh_from_db()
    body = client.get(URL).content
    calendar, by_uid = events(body)
    assert str(calendar["X-WR-CALNAME"]) == "Consejo Consultivo de Gobierno Abierto de Quito"
    event = by_uid["consejo-sesion-5@127.0.0.1"]  # the host of settings.PORTAL_URL, not of the request
    assert event["DTSTAMP"].dt == session.updated_at.replace(microsecond=0)
    assert event["LAST-MODIFIED"].dt == session.updated_at.replace(microsecond=0)
    assert event["DTSTART"].dt == datetime.datetime(2023, 7, 4, 15, tzinfo=datetime.UTC)
    assert str(event["URL"]) == "http://127.0.0.1:8000/consejo/sesiones/5/"
    assert str(event["LOCATION"]) == "Sala 1; piso 2, Quito\\Norte"  # escaped on the wire, intact once parsed
    description = str(event["DESCRIPTION"])
    assert description.splitlines() == [
        "Sesión ordinaria 5",
        "Convocada",
        "Orden del día:",
        "1. Seguimiento de acuerdos, y varios",
    ]
    # Nothing depends on the clock: a later request gives the same bytes.
    assert client.get(URL).content == body


def test_the_english_calendar_is_named_in_english(client):
    SessionFactory()
    calendar, _ = events(client.get("/en" + URL).content)
    assert str(calendar["X-WR-CALNAME"]) == "Open Government Advisory Council of Quito"


def test_two_host_names_give_the_same_bytes_and_a_client_with_the_etag_gets_a_304(client, settings):
    settings.ALLOWED_HOSTS = ["portal.example", "otro.example"]
    SessionFactory.create_batch(2)
    first = client.get(URL, HTTP_HOST="portal.example")
    second = client.get(URL, HTTP_HOST="otro.example")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "portal.example" not in first.content.decode() and "otro.example" not in first.content.decode()
    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"]
    again = client.get(URL, HTTP_HOST="portal.example", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    modified_since = {"if-modified-since": first["Last-Modified"]}
    assert client.get(URL, HTTP_HOST="otro.example", headers=modified_since).status_code == 304


def test_a_change_to_a_session_changes_its_stamp_and_the_etag(client):
    session = SessionFactory(number=7)
    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    before = client.get(URL)
    session.refresh_from_db()
    session.place = "Nueva sala"
    session.save()
    after = client.get(URL)
    assert after["ETag"] != before["ETag"]
    _, by_uid = events(after.content)
    assert by_uid["consejo-sesion-7@127.0.0.1"]["DTSTAMP"].dt == session.updated_at.replace(microsecond=0)
    assert by_uid["consejo-sesion-7@127.0.0.1"]["DTSTAMP"].dt > timezone.now() - datetime.timedelta(minutes=1)


def test_text_with_line_breaks_stays_in_its_property_and_lines_are_folded_at_75_octets(client):
    session = SessionFactory(number=8, place="Sala\r\nX-INJECTED:1\nBEGIN:VEVENT\r" + "ñ" * 80)
    AgendaItem.objects.create(session=session, order=1, title="Punto;\nUID:falso")
    body = client.get(URL).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert b"\n" not in body.replace(b"\r\n", b"")
    _, by_uid = events(body)
    assert list(by_uid) == ["consejo-sesion-8@127.0.0.1"]
    assert str(by_uid["consejo-sesion-8@127.0.0.1"]["LOCATION"]) == ("Sala\nX-INJECTED:1\nBEGIN:VEVENT\n" + "ñ" * 80)
    assert "1. Punto;\nUID:falso" in str(by_uid["consejo-sesion-8@127.0.0.1"]["DESCRIPTION"])


def test_demonstration_sessions_are_labelled(client):
    SessionFactory(number=9001, is_demo=True)
    _, by_uid = events(client.get(URL).content)
    event = by_uid["consejo-sesion-9001@127.0.0.1"]
    assert str(event["SUMMARY"]).startswith("[Demostración] ")
    assert str(event["DESCRIPTION"]).startswith("Datos de demostración: esta sesión es ficticia")
