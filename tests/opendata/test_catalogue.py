"""The DCAT-AP catalogue (/datos/catalogo.jsonld and .ttl) conforms to the DCAT-AP 3.0.1 SHACL shapes, names every
dataset with its distributions, licence and true last change, and the open-data pages carry schema.org markup."""

import datetime
import json
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from commitments.models import DatePrecision
from opendata.catalogue import json_ld
from opendata.datasets import DATASETS
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

SHAPES = Path(__file__).parent / "data" / "dcat-ap-3.0.1"
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture
def reported(settings):
    settings.PORTAL_URL = "https://gobiernoabierto.quito.gob.ec"
    commitment = CommitmentFactory(code="ECQTO0009", title="Datos abiertos de la movilidad")
    milestone = MilestoneFactory(commitment=commitment, order=1)
    return milestone.report(progress=40, note="Talleres en Calderón")


def catalogue(client, format):
    response = client.get(f"/datos/catalogo.{format}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "format, rdf_format, media_type", [("ttl", "turtle", "text/turtle"), ("jsonld", "json-ld", "application/ld+json")]
)
def test_the_catalogue_conforms_to_the_dcat_ap_shapes(client, reported, format, rdf_format, media_type):
    response = catalogue(client, format)
    assert response["Content-Type"].startswith(media_type)
    data = Graph().parse(data=response.content.decode(), format=rdf_format)
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(SHAPES / name, format="turtle")
    conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    assert conforms, report


def test_the_catalogue_lists_every_dataset_with_csv_json_and_api(client, reported):
    graph = Graph().parse(data=catalogue(client, "ttl").content.decode(), format="turtle")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {str(d) for d in datasets} == {
        f"https://gobiernoabierto.quito.gob.ec/datos/{dataset.slug}/" for dataset in DATASETS
    }
    node = URIRef("https://gobiernoabierto.quito.gob.ec/datos/avances/")
    assert Literal("Reportes de avance", lang="es") in set(graph.objects(node, DCTERMS.title))
    access = {str(graph.value(d, DCAT.accessURL)) for d in graph.objects(node, DCAT.distribution)}
    assert access == {
        "https://gobiernoabierto.quito.gob.ec/datos/avances.csv",
        "https://gobiernoabierto.quito.gob.ec/datos/avances.json",
        "https://gobiernoabierto.quito.gob.ec/api/v1/avances/",
    }
    for distribution in graph.objects(node, DCAT.distribution):
        assert graph.value(distribution, DCTERMS.license) == LICENCE
    # The true last change: the report's creation, never the time of the request; unknown left out.
    assert graph.value(node, DCTERMS.modified).toPython().replace(microsecond=0) == reported.created_at.replace(
        microsecond=0
    )
    organisations = URIRef("https://gobiernoabierto.quito.gob.ec/datos/instituciones/")
    assert graph.value(organisations, DCTERMS.modified) is None


def test_the_catalogue_identifiers_do_not_depend_on_the_request_host(client, reported):
    first = catalogue(client, "ttl").content
    again = client.get("/datos/catalogo.ttl", HTTP_HOST="127.0.0.1").content
    assert first == again
    assert b"testserver" not in first


def test_unknown_catalogue_format_is_not_found(client):
    assert client.get("/datos/catalogo.xml").status_code == 404


def test_the_open_data_page_has_schema_org_markup_and_no_invented_dates(client, reported):
    content = client.get("/datos/").content.decode()
    start = content.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    data = json.loads(content[start : content.index("</script>", start)])
    assert data["@type"] == "DataCatalog" and len(data["dataset"]) == len(DATASETS)
    assert data["dataset"][0]["@type"] == "Dataset"
    assert 'href="catalogo.jsonld"' in content and 'href="catalogo.ttl"' in content
    assert "Sin datos" in content  # the datasets whose last change is unknown say so


def test_a_page_per_dataset_with_columns_sample_downloads_and_last_change(
    client, reported, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get("/datos/avances/")
    content = response.content.decode()
    assert "Reportes de avance" in content
    assert "Talleres en Calderón" in content  # a sample row
    assert "/datos/avances.csv" in content and "/api/v1/avances/" in content
    assert '"@type": "Dataset"' in content
    assert client.get("/en/datos/avances/").status_code == 200
    assert client.get("/datos/no-existe/").status_code == 404


def test_a_text_cannot_close_the_json_ld_script(client, settings):
    CommitmentFactory(code="ECQTO0008")
    assert "</script><script>" not in json_ld({"name": "</script><script>alert(1)</script>"})


def test_the_temporal_coverage_keeps_the_precision_of_its_sources_and_ignores_demo_plans(client, reported):
    ActionPlanFactory(number=1, starts_on=datetime.date(2019, 1, 1), starts_on_precision=DatePrecision.YEAR)
    ActionPlanFactory(number=2, ends_on=datetime.date(2023, 3, 1), ends_on_precision=DatePrecision.MONTH)
    ActionPlanFactory(number=90, is_demo=True, starts_on=datetime.date(2001, 1, 1), ends_on=datetime.date(2099, 1, 1))
    graph = Graph().parse(data=catalogue(client, "ttl").content.decode(), format="turtle")
    period = graph.value(URIRef("https://gobiernoabierto.quito.gob.ec/datos/avances/"), DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2019", datatype=XSD.gYear)
    assert graph.value(period, DCAT.endDate) == Literal("2023-03", datatype=XSD.gYearMonth)
