"""Agenda items that take up citizen proposals: entered by code on the recording screen, shown on the session's
page and on the proposal's, through the lookups each app provides in `commitments.extensions` (council and
proposals never import each other). Hidden proposals never show publicly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, ProposalReference
from tests.council.factories import AgendaItemFactory, CouncilMemberFactory, held_session
from tests.council.test_recording import form_data, record_url
from tests.factories import staff_user
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(3)


@pytest.fixture
def session(members):
    return held_session(members, present=3, number=21, scheduled_on=datetime.date(2023, 3, 9))


def compact(code):
    return code.replace("-", "").lower()


def test_codes_are_read_in_any_spelling_and_kept_in_canonical_form():
    first, second = ProposalFactory(), ProposalFactory()
    typed = f"{compact(first.code)}; {second.code},\n{first.code}"
    assert ProposalReference.codes_from(typed, is_demo=False) == [first.code, second.code]
    assert ProposalReference.codes_from("  ", is_demo=False) == []


def test_unknown_malformed_hidden_and_demo_codes_are_refused_each_by_name():
    hidden = ProposalFactory(is_hidden=True, hidden_reason="Contenido ofensivo")
    demo = ProposalFactory(is_demo=True, call__is_demo=True)
    with pytest.raises(ValidationError) as refused:
        ProposalReference.codes_from(f"QGA-222-222-222, hola, {hidden.code}, {demo.code}", is_demo=False)
    messages = refused.value.messages
    assert "No hay ninguna propuesta pública con el código QGA-222-222-222." in messages
    assert "«hola» no es un código de propuesta: los códigos tienen la forma QGA-7K4-M2P-9XH." in messages
    assert f"No hay ninguna propuesta pública con el código {hidden.code}." in messages
    assert any(demo.code in message and "demostración" in message for message in messages)


def test_session_page_links_the_proposals_of_an_agenda_item_and_never_a_hidden_one(client, session):
    shown = ProposalFactory(title="Bancas en el parque central")
    hidden = ProposalFactory(title="Texto retirado por moderación")
    item = AgendaItemFactory(session=session, order=1, title="Propuestas sobre espacio público")
    item.set_proposals([shown.code, hidden.code])
    hidden.hide(reason="Contenido ofensivo")
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'href="{shown.get_absolute_url()}"' in html and "Bancas en el parque central" in html
    assert shown.code in html
    assert hidden.code not in html and "Texto retirado por moderación" not in html


def test_proposal_page_names_the_sessions_that_discussed_it(client, session, members):
    proposal = ProposalFactory(title="Bancas en el parque central")
    AgendaItemFactory(session=session, order=2, title="Espacio público").set_proposals([proposal.code])
    later = held_session(members, present=2, number=22, scheduled_on=datetime.date(2023, 4, 13))
    AgendaItemFactory(session=later, order=1, title="Seguimiento de propuestas").set_proposals([proposal.code])
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Sesiones del consejo que la trataron" in html
    assert html.index("Sesión ordinaria 22") < html.index("Sesión ordinaria 21")  # the latest first
    assert f'href="{session.get_absolute_url()}#punto-2"' in html and "punto 2: Espacio público" in html
    english = client.get("/en" + proposal.get_absolute_url()).content.decode()
    assert "Council sessions that discussed it" in english and "item 2" in english


def test_a_hidden_proposal_shows_no_sessions(client, session):
    proposal = ProposalFactory()
    AgendaItemFactory(session=session, order=1, title="Punto reservado").set_proposals([proposal.code])
    proposal.hide(reason="Contenido ofensivo")
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Punto reservado" not in html and session.get_absolute_url() not in html


def test_removing_a_code_removes_the_link(session):
    first, second = ProposalFactory(), ProposalFactory()
    item = AgendaItemFactory(session=session, order=1)
    item.set_proposals([first.code, second.code])
    item.set_proposals([second.code])
    assert list(item.proposal_references.values_list("code", flat=True)) == [second.code]


@pytest.mark.parametrize("pages", ["session", "proposal"])
def test_pages_run_the_same_queries_for_one_link_or_many(client, session, members, pages):
    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    proposal = ProposalFactory()
    AgendaItemFactory(session=session, order=1).set_proposals([proposal.code])
    url = session.get_absolute_url() if pages == "session" else proposal.get_absolute_url()
    few = count(url)
    for number in range(30, 34):
        other = held_session(members, present=2, number=number, scheduled_on=datetime.date(2023, 5, number - 20))
        AgendaItemFactory(session=other, order=1).set_proposals([proposal.code])
    item = AgendaItemFactory(session=session, order=2)
    item.set_proposals([ProposalFactory().code for _ in range(5)])
    assert count(url) == few


def test_secretary_enters_proposal_codes_on_the_recording_screen(client, session):
    proposal = ProposalFactory(title="Bancas en el parque central")
    client.force_login(staff_user("secretaria", SECRETARIAT_GROUP))
    response = client.get(record_url(session))
    changes = {"orden-0-order": "1", "orden-0-title": "Propuestas ciudadanas", "_save": "Guardar"}
    refused = client.post(record_url(session), form_data(response, **changes, **{"orden-0-proposal_codes": "QGA-222"}))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "«QGA-222» no es un código de propuesta" in page
    assert 'value="QGA-222"' in page  # the input is kept
    assert not session.agenda_items.exists()

    codes = {"orden-0-proposal_codes": compact(proposal.code)}
    saved = client.post(record_url(session), form_data(response, **changes, **codes))
    assert saved.status_code == 302
    item = session.agenda_items.get()
    assert list(item.proposal_references.values_list("code", flat=True)) == [proposal.code]
    assert f'value="{proposal.code}"' in client.get(record_url(session)).content.decode()
    assert "Bancas en el parque central" in client.get(session.get_absolute_url()).content.decode()


def test_session_admin_shows_the_codes_editable_to_the_secretary_and_as_text_to_members(client, session):
    proposal = ProposalFactory()
    AgendaItemFactory(session=session, order=1).set_proposals([proposal.code])
    url = reverse("admin:council_session_change", args=[session.pk])
    client.force_login(staff_user("secretaria", SECRETARIAT_GROUP))
    assert f'name="agenda_items-0-proposal_codes" value="{proposal.code}"' in client.get(url).content.decode()
    client.force_login(staff_user("consejero", COUNCIL_GROUP))
    page = client.get(url).content.decode()
    assert "proposal_codes" in page and proposal.code in page and 'name="agenda_items-0-proposal_codes"' not in page
