"""What visitors put in addresses and staff put in records stays within bounds: searches, cache, calendar, links."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from commitments.forms import CommitmentFilter
from council.forms import SessionFilter
from opendata.datasets import DATASETS
from proposals.forms import ProposalFilter
from tests.council.factories import SessionFactory
from tests.factories import CommitmentFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

SEARCHES = ["/compromisos/", "/propuestas/"]


@pytest.fixture
def records():
    CommitmentFactory(title="Participación ciudadana en los barrios")
    ProposalFactory(title="Participación ciudadana en Calderón")


def page_cache_entries():
    return [key for key in cache._cache if ":page:" in key]  # the test settings use the local-memory cache


@pytest.mark.parametrize("url", SEARCHES)
def test_a_search_of_1300_words_gets_a_message_not_a_database_outage(client, records, url):
    response = client.get(url, {"q": " ".join(["participación"] * 1300)})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Busca con 200 caracteres como máximo (tu búsqueda tiene 18199)." in content
    assert "Busca con 20 palabras como máximo (tu búsqueda tiene 1300)." in content


@pytest.mark.parametrize("url", SEARCHES)
def test_a_search_of_more_than_20_words_gets_a_message_in_the_visitors_language(client, records, url):
    query = {"q": " ".join(["casa"] * 21)}
    assert "Busca con 20 palabras como máximo (tu búsqueda tiene 21)." in client.get(url, query).content.decode()
    english = client.get("/en" + url, query).content.decode()
    assert "Search with at most 20 words (your search has 21)." in english


@pytest.mark.parametrize("url", SEARCHES)
def test_a_search_within_the_bounds_still_finds(client, records, url):
    content = client.get(url, {"q": "participación ciudadana" + " en" * 18}).content.decode()
    assert "Participación ciudadana" in content
    assert 'maxlength="200"' in content


@override_settings(PAGE_CACHE_SECONDS=300)
def test_made_up_query_parameters_never_create_page_cache_entries(client, records):
    client.get("/compromisos/")
    entries = page_cache_entries()
    for number in range(5):
        assert client.get("/compromisos/", {f"x{number}": number, "utm_source": "boletin"}).status_code == 200
    assert page_cache_entries() == entries


@override_settings(PAGE_CACHE_SECONDS=300)
def test_repeated_parameters_are_not_cached_and_known_ones_in_any_order_share_an_entry(client, records):
    client.get("/compromisos/?status=on_track&status=on_track")
    assert page_cache_entries() == []
    client.get("/compromisos/?q=agua&status=on_track")
    client.get("/compromisos/?status=on_track&q=agua")
    assert len(page_cache_entries()) == 1


def filter_names(filterset):
    return set(filterset.base_filters)


def test_every_parameter_the_public_lists_and_the_api_read_can_be_cached(settings):
    """A filter missing from PAGE_CACHE_QUERY_PARAMETERS would silently never be cached."""
    names = {"page", "page_size"} | filter_names(CommitmentFilter) | filter_names(ProposalFilter)
    names |= filter_names(SessionFilter)
    for dataset in DATASETS:
        for field, lookups in dataset.filterset_fields.items():
            names |= {field if lookup == "exact" else f"{field}__{lookup}" for lookup in lookups}
    assert names - settings.PAGE_CACHE_QUERY_PARAMETERS == set()


def test_a_line_break_in_a_sessions_place_cannot_add_lines_to_the_calendar(client):
    SessionFactory(place="Sala 1\rX-INJECTED:1\nBEGIN:VEVENT\r\nUID:falso\x0bX\u2028Y\x1b")
    body = client.get("/consejo/sesiones/calendario.ics").content.decode()
    lines = body.split("\r\n")
    assert all("\r" not in line and "\n" not in line for line in lines)
    assert not any(line.startswith(("X-INJECTED", "UID:falso")) for line in lines)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 1
    location = "".join(line.removeprefix(" ") for line in body.split("\r\nLOCATION:")[1].split("\r\n")[:3])
    assert location.startswith("Sala 1\\nX-INJECTED:1\\nBEGIN:VEVENT\\nUID:falso\\nX\\nY")


@pytest.mark.parametrize("path", ["//evil.example/", "///evil.example/en/", "/\\evil.example/"])
def test_a_path_starting_with_two_slashes_never_makes_links_to_another_site(client, path):
    response = client.request(PATH_INFO=path, REQUEST_METHOD="GET", QUERY_STRING="")
    content = response.content.decode()
    assert "//evil.example" not in content and 'href="//' not in content and 'href="/\\' not in content
    assert 'href="/en/" lang="en" hreflang="en"' in content  # the language switcher


def test_the_language_links_keep_the_page_and_its_query(client, records):
    content = client.get("/compromisos/?status=on_track").content.decode()
    assert 'href="/en/compromisos/?status=on_track" lang="en" hreflang="en"' in content
