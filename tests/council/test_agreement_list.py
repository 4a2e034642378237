"""/consejo/acuerdos/: every agreement of a held session with owner, due date, status and session, filterable,
the overdue ones flagged; a fixed number of queries whatever the number of agreements."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.models import Agreement, Session
from tests.council.factories import AgreementFactory, SessionFactory
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/consejo/acuerdos/"
PAST, FUTURE = datetime.date(2015, 6, 1), datetime.date(2099, 1, 1)


@pytest.fixture
def agreements():
    secretariat = OrganizationFactory(name="Secretaría de Planificación", slug="sp")
    held = SessionFactory(number=7, status=Session.Status.HELD)
    return {
        "overdue": AgreementFactory(session=held, number=1, text="Publicar el informe trimestral", due_on=PAST,
                                    responsible_organization=secretariat),
        "due": AgreementFactory(session=held, number=2, text="Convocar la mesa técnica", due_on=FUTURE),
        "done": AgreementFactory(session=held, number=3, text="Aprobar el cronograma", due_on=PAST,
                                 status=Agreement.Status.DONE),
    }  # fmt: skip


def test_every_agreement_with_its_owner_due_date_status_and_session(client, agreements):
    content = client.get(URL).content.decode()
    for text in ["Publicar el informe trimestral", "Convocar la mesa técnica", "Aprobar el cronograma"]:
        assert text in content
    assert "Secretaría de Planificación" in content
    assert "Sesión 7" in content and 'href="/consejo/sesiones/7/#acuerdo-1"' in content
    assert content.count('class="badge badge--bad">Vencido<') == 1  # only the open one past its date


def test_agreements_of_sessions_not_held_are_not_listed(client, agreements):
    convened = SessionFactory(number=8, status=Session.Status.CONVENED)
    Agreement.objects.create(session=convened, number=1, text="Borrador de acuerdo no adoptado")
    assert "Borrador de acuerdo no adoptado" not in client.get(URL).content.decode()


@pytest.mark.parametrize(
    "query, shown",
    [
        ("?overdue=true", ["overdue"]),
        ("?status=done", ["done"]),
        ("?status=pending&overdue=false", ["due"]),
    ],
)
def test_filters(client, agreements, query, shown):
    content = client.get(URL + query).content.decode()
    for key, agreement in agreements.items():
        assert (agreement.text in content) == (key in shown), key


def test_filter_by_responsible_organization(client, agreements):
    organization = agreements["overdue"].responsible_organization
    content = client.get(f"{URL}?responsible={organization.pk}").content.decode()
    assert "Publicar el informe trimestral" in content and "Convocar la mesa técnica" not in content


def test_an_invalid_filter_says_so_in_spanish(client, agreements):
    content = client.get(URL + "?status=quizas").content.decode()
    assert "Escoja una opción válida" in content


def test_english_page(client, agreements):
    content = client.get("/en" + URL).content.decode()
    assert "Council agreements" in content and "Overdue" in content


def test_the_council_home_links_to_the_list(client):
    assert f'href="{URL}"' in client.get("/consejo/").content.decode()


@pytest.mark.parametrize("sessions", [1, 4])
def test_a_fixed_number_of_queries_whatever_the_number_of_agreements(client, sessions, django_assert_num_queries):
    for number in range(1, sessions + 1):
        session = SessionFactory(number=100 + number, status=Session.Status.HELD)
        for index in range(1, 4):
            AgreementFactory(session=session, number=index, due_on=PAST,
                             responsible_organization=OrganizationFactory())  # fmt: skip
    client.get(URL)  # warm the demo-data flag cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL + "?status=pending").status_code == 200
    # the paginated count, the page of agreements, the organizations of the filter
    assert len(queries) == 3, [query["sql"] for query in queries]
