"""The proposal list never counts the whole table: past a bound it says "more than …" and still pages on."""

import pytest

from proposals.views import ProposalListView
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(ProposalListView, "count_bound", 30)
    monkeypatch.setattr(ProposalListView, "paginate_by", 10)


def test_a_list_within_the_bound_shows_its_exact_count(client, small_bound):
    ProposalFactory.create_batch(12)
    response = client.get("/propuestas/")
    assert response.context["paginator"].count == 12
    content = response.content.decode()
    assert "12 propuestas" in content and "Página 1 de 2" in content


def test_a_list_past_the_bound_says_more_than_and_pages_on(client, small_bound):
    ProposalFactory.create_batch(45)
    response = client.get("/propuestas/")
    content = response.content.decode()
    assert "Más de 30 propuestas" in content
    assert "Página 1" in content and "Página 1 de" not in content
    assert 'rel="next"' in content
    # Deeper pages count further: the last page is reachable and exact again.
    last = client.get("/propuestas/", {"page": 5})
    assert last.status_code == 200
    assert len(last.context["object_list"]) == 5
    assert last.context["paginator"].count == 45
    assert "45 propuestas" in last.content.decode()


def test_a_search_shows_the_capped_results_read_once(client, small_bound):
    ProposalFactory.create_batch(3, title="Participación ciudadana en el barrio")
    ProposalFactory(title="Movilidad")
    response = client.get("/propuestas/", {"q": "participacion"})
    assert response.context["paginator"].count == 3
    assert isinstance(response.context["paginator"].object_list, list)
