"""Approving minutes says what is possible: which later sessions can approve, why the others cannot, never an
empty select; approved minutes are read-only and point to "Registrar fe de erratas"."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Minutes, Session
from tests.council.factories import CouncilMemberFactory, MinutesFactory, SessionFactory, held_session
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 2)


def session(number, day, status=Session.Status.HELD, in_office=5, attending=3):
    """An unsaved session carrying the quorum annotations `with_quorum()` would give it."""
    session = Session(number=number, scheduled_on=day, status=status)
    session.members_in_office, session.attending = in_office, attending
    return session


# The rule, on unsaved sessions and minutes.


def test_a_later_held_session_with_quorum_can_approve():
    minutes = Minutes(session=session(1, DAY))
    assert minutes.approval_obstacle(session(2, DAY + datetime.timedelta(days=30))) is None


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (session(1, DAY), "approving_not_later"),
        (session(0, DAY - datetime.timedelta(days=30)), "approving_not_later"),
        (session(2, DAY + datetime.timedelta(days=30), status=Session.Status.CONVENED), "approving_not_held"),
        (session(2, DAY + datetime.timedelta(days=30), status=Session.Status.SUSPENDED), "approving_not_held"),
        (session(2, DAY + datetime.timedelta(days=30), attending=2), "approving_without_quorum"),
    ],
)
def test_a_session_that_cannot_approve_gets_its_reason(at, code):
    assert Minutes(session=session(1, DAY)).approval_obstacle(at).code == code


# The approval page.


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(3)


@pytest.fixture
def secretaria_client(client):
    client.force_login(staff_user("secretaria", SECRETARIAT_GROUP))
    return client


def approve_url(minutes):
    return reverse("admin:council_minutes_approve", args=[minutes.pk])


def test_the_page_offers_only_later_held_sessions_with_quorum_and_says_why_not_the_others(secretaria_client, members):
    earlier = held_session(members, present=3)
    minutes = MinutesFactory(session=held_session(members, present=3))
    without_quorum = held_session(members, present=1)
    with_quorum = held_session(members, present=2)
    convened = SessionFactory()
    response = secretaria_client.get(approve_url(minutes))
    content = response.content.decode()
    choices = [value for value, _label in response.context["form"].fields["at"].widget.choices]
    assert choices == [with_quorum.pk]
    assert f'name="at" value="{with_quorum.pk}"' in content
    assert "asistieron 2 de 3 miembros" in content
    assert f"La sesión {without_quorum.number} no tuvo quórum" in content
    assert f"Sesión ordinaria {convened.number}" in content and "solo en una sesión realizada" in content
    assert f'value="{earlier.pk}"' not in content and f'value="{minutes.session.pk}"' not in content
    assert "<select" not in content and "---------" not in content
    assert "sesión posterior del consejo, ya realizada y con quórum" in content


def test_when_no_session_can_approve_the_page_explains_instead_of_an_empty_form(secretaria_client, members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    without_quorum = held_session(members, present=1)
    content = secretaria_client.get(approve_url(minutes)).content.decode()
    assert "Todavía ninguna sesión posterior puede aprobar esta acta." in content
    assert f"La sesión {without_quorum.number} no tuvo quórum" in content
    assert 'name="at"' not in content and "<select" not in content


def test_the_approval_is_recorded_through_the_radio_choice(client, members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    later = held_session(members, present=3)
    user = staff_user("consejero", COUNCIL_GROUP)
    client.force_login(user)
    assert client.post(approve_url(minutes), {"at": later.pk}).status_code == 302
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_at) == (Minutes.Status.APPROVED, later)


def test_approved_minutes_say_so_and_point_to_the_erratum(secretaria_client, members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    later = held_session(members, present=3)
    minutes.approve(at=later, by=None)
    content = secretaria_client.get(approve_url(minutes)).content.decode()
    assert f"Esta acta ya se aprobó en la sesión ordinaria {later.number}" in content
    change = reverse("admin:council_minutes_change", args=[minutes.pk])
    assert f'href="{change}#errata-group">Registrar fe de erratas</a>' in content
    assert 'name="at"' not in content
    change_page = secretaria_client.get(change).content.decode()
    assert "Registrar fe de erratas" in change_page
    assert 'name="text"' not in change_page  # the text is read-only
    assert 'name="errata-0-text"' in change_page  # an erratum form ready, without JavaScript


def test_the_approval_page_costs_the_same_whatever_the_number_of_sessions(secretaria_client, members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    held_session(members, present=3)
    secretaria_client.get(approve_url(minutes))  # the first request also loads what later ones find cached
    with CaptureQueriesContext(connection) as few:
        assert secretaria_client.get(approve_url(minutes)).status_code == 200
    for present in (1, 2, 3) * 5:
        held_session(members, present=present)
    with CaptureQueriesContext(connection) as many:
        assert secretaria_client.get(approve_url(minutes)).status_code == 200
    assert len(many) == len(few) <= 20
