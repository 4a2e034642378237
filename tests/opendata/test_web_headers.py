"""Data responses are usable from the web: CORS for any origin (read-only), the licence as a Link header, and
conditional GET (ETag, 304). HTML pages get no CORS header."""

import pytest
from django.conf import settings

from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

LICENCE = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
ORIGIN = {"HTTP_ORIGIN": "https://periodico.example"}


@pytest.fixture
def commitment():
    commitment = CommitmentFactory(code="ECQTO0009")
    MilestoneFactory(commitment=commitment, order=1).report(progress=40, note="Talleres")
    return commitment


DATA_URLS = [
    "/api/v1/",
    "/api/v1/compromisos/",
    "/api/v1/compromisos/ECQTO0009/",
    "/api/v1/schema/",
    "/datos/compromisos.csv",
    "/datos/avances.json",
    "/compromisos/avances.atom",
    "/en/compromisos/avances.atom",
    "/compromisos/ECQTO0009/avances.atom",
    "/consejo/actas.atom",
    "/propuestas/respuestas.atom",
    "/consejo/sesiones/calendario.ics",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", DATA_URLS)
def test_every_data_response_allows_any_origin_and_names_its_licence(client, commitment, url):
    response = client.get(url, **ORIGIN)
    assert response.status_code == 200, url
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Link"] == LICENCE


def test_a_preflight_allows_only_reading(client):
    response = client.options("/api/v1/compromisos/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **ORIGIN)
    assert response.status_code == 200
    assert set(response["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    assert client.post("/api/v1/compromisos/", **ORIGIN).status_code == 405


@pytest.mark.parametrize("url", ["/", "/compromisos/", "/datos/", "/datos/api/", "/admin/login/"])
def test_html_pages_are_not_opened_to_other_origins(client, commitment, url):
    response = client.get(url, **ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
    assert "Link" not in response or 'rel="license"' not in response["Link"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/compromisos/",
        "/api/v1/compromisos/ECQTO0009/",
        "/compromisos/avances.atom",
        "/sitemap.xml",
        "/sitemap-compromisos.xml",
    ],
)
def test_an_unchanged_response_answers_304(client, commitment, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"], url
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_response_gets_a_new_etag(client, commitment):
    first = client.get("/api/v1/compromisos/ECQTO0009/")
    commitment.milestones.get().report(progress=80, note="Informe final")
    again = client.get("/api/v1/compromisos/ECQTO0009/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_the_openapi_document_states_the_licence(client):
    info = client.get("/api/v1/schema/?format=json").json()["info"]
    assert info["license"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert settings.OPEN_DATA_LICENCE["url"] in client.get("/").content.decode()  # one licence URI everywhere
