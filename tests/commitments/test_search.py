"""Commitment search ignores case and accents like proposal search, on PostgreSQL and SQLite alike."""

import pytest
from django.db import connection

from commitments.models import Commitment
from commitments.search import SEARCH_RESULTS_LIMIT
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitments():
    return {
        "participation": CommitmentFactory(title="Fortalecer la participación ciudadana en los barrios"),
        "budget": CommitmentFactory(
            title="Presupuesto abierto", title_en="Open budget", problem="Nadie sabe en qué se gasta."
        ),
        "other": CommitmentFactory(title="Datos de movilidad", problem="Los datos no se publican."),
    }


@pytest.mark.parametrize("query", ["participacion", "PARTICIPACIÓN", "participación ciudadana", "Participacion"])
def test_the_list_finds_a_commitment_whatever_its_accents(client, commitments, query):
    response = client.get("/compromisos/", {"q": query})
    assert response.status_code == 200
    assert list(response.context["commitments"]) == [commitments["participation"]]
    assert "participación ciudadana" in response.content.decode()


def test_search_reads_english_texts_problem_and_code(commitments):
    assert list(Commitment.objects.search("budget")) == [commitments["budget"]]
    assert list(Commitment.objects.search("gasta")) == [commitments["budget"]]
    code = commitments["other"].code
    assert list(Commitment.objects.search(code.lower())) == [commitments["other"]]


def test_an_edit_is_searchable_at_once(commitments):
    commitment = commitments["other"]
    commitment.title = "Semáforos inteligentes en el tráfico"
    commitment.save(update_fields=["title"])
    assert list(Commitment.objects.search("trafico")) == [commitment]
    assert Commitment.objects.get(pk=commitment.pk).search_text.startswith(commitment.code.lower())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored tsvector exists on PostgreSQL only")
def test_postgresql_keeps_the_stored_vector_and_ranks_on_it(commitments):
    vector = Commitment.objects.values_list("search_vector", flat=True).get(pk=commitments["participation"].pk)
    assert "particip" in vector
    queryset = Commitment.objects.search("participacion")
    sql = str(queryset.query)
    assert "search_vector" in sql and "to_tsvector" not in sql


def test_the_list_shows_at_most_the_capped_number_of_results(client, commitments):
    response = client.get("/compromisos/", {"q": "participacion"})
    assert response.context["paginator"].count <= SEARCH_RESULTS_LIMIT
