import csv
import io
import json

import pytest

from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap():
    lead = OrganizationFactory(name="Secretaría General de Planificación", acronym="SGP", slug="sgp")
    commitment = CommitmentFactory(code="ECQTO0005", lead=lead, title="Fortalecer la gestión de la información")
    commitment.co_responsible.add(OrganizationFactory(name="Escuela Politécnica Nacional", slug="epn"))
    milestone = MilestoneFactory(commitment=commitment, order=1, title="Diagnóstico participativo")
    milestone.report(progress=40, note="Talleres en Calderón y Tumbaco")
    return commitment


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def test_open_data_page_lists_every_dataset_with_its_columns_and_downloads(client, roadmap):
    content = client.get("/datos/").content.decode()
    for title in ["Instituciones", "Planes de acción", "Compromisos", "Hitos", "Reportes de avance", "Evidencias"]:
        assert title in content
    assert "/datos/compromisos.csv" in content
    assert "/datos/compromisos.json" in content
    assert "CC BY 4.0" in content
    assert "Promedio ponderado del avance de sus hitos" in content  # a documented column, in Spanish


def test_open_data_page_in_english(client, roadmap):
    content = client.get("/en/datos/").content.decode()
    assert "Download CSV" in content
    assert "Weighted mean of its milestones" in content


def test_csv_download_starts_with_a_bom_and_keeps_accents(client, roadmap):
    response = client.get("/datos/compromisos.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = body(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["code"] == "ECQTO0005"
    assert rows[0]["title"] == "Fortalecer la gestión de la información"
    assert rows[0]["lead"] == "sgp"
    assert rows[0]["co_responsible"] == "epn"
    assert rows[0]["progress"] == "40.0"


def test_json_download_is_a_list_of_records(client, roadmap):
    records = json.loads(body(client.get("/datos/hitos.json")))
    assert records[0]["title"] == "Diagnóstico participativo"
    assert records[0]["progress"] == 40
    assert records[0]["commitment"] == "ECQTO0005"


def test_unknown_dataset_or_format_is_not_found(client):
    assert client.get("/datos/secretos.csv").status_code == 404
    assert client.get("/datos/compromisos.xlsx").status_code == 404


def test_api_list_is_paginated_and_filterable(client, roadmap):
    CommitmentFactory(code="ECQTO0001")
    page = client.get("/api/v1/compromisos/").json()
    assert page["count"] == 2
    assert {item["code"] for item in page["results"]} == {"ECQTO0001", "ECQTO0005"}
    filtered = client.get("/api/v1/compromisos/", {"lead__slug": "sgp"}).json()
    assert [item["code"] for item in filtered["results"]] == ["ECQTO0005"]
    assert client.get("/api/v1/compromisos/", {"page": 99}).status_code == 404


def test_api_detail_by_stable_identifier_with_links(client, roadmap):
    record = client.get("/api/v1/compromisos/ECQTO0005/").json()
    assert record["url"] == "http://testserver/api/v1/compromisos/ECQTO0005/"
    assert record["page"] == "http://testserver/compromisos/ECQTO0005/"
    assert record["status"] == "delayed"  # its milestone is past due
    milestone = client.get("/api/v1/hitos/").json()["results"][0]
    assert milestone["is_delayed"] is True
    update = client.get("/api/v1/avances/").json()["results"][0]
    assert update["milestone_url"] == milestone["url"]


def test_api_is_read_only(client, roadmap):
    assert client.post("/api/v1/compromisos/", {"code": "ECQTO0009"}).status_code == 405
    assert client.delete("/api/v1/compromisos/ECQTO0005/").status_code == 405


def test_api_documentation_page_lists_resources_and_filters(client, roadmap):
    content = client.get("/datos/api/").content.decode()
    assert "/api/v1/compromisos/" in content
    assert "lead__slug" in content
    assert "/api/v1/schema/" in content
