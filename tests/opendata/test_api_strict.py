"""The API refuses what it cannot honour: a filter value of the wrong type, an unknown choice, an unknown parameter
or a page size out of range is a 400 answer naming the parameter, never a silently unfiltered list."""

import pytest

from tests.council.factories import AgreementFactory, SessionFactory
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def errors(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.content
    return response.json()


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/v1/compromisos/?is_demo=si", "is_demo"),  # a boolean
        ("/api/v1/acuerdos/?session__number=1.5", "session__number"),  # a whole number
        ("/api/v1/acuerdos/?session__number=uno", "session__number"),
        ("/api/v1/sesiones/?scheduled_on__gte=2023-13-01", "scheduled_on__gte"),  # a date
        ("/api/v1/hitos/?status=terminado", "status"),  # an unknown choice
        ("/api/v1/planes/?is_current=true", "is_current"),  # an unknown parameter
        ("/api/v1/compromisos/?page_size=0", "page_size"),
        ("/api/v1/compromisos/?page_size=501", "page_size"),
        ("/api/v1/compromisos/?page_size=diez", "page_size"),
    ],
)
def test_invalid_parameters_answer_400_naming_the_parameter(client, url, parameter):
    assert parameter in errors(client, url)


def test_the_message_is_in_the_portals_language_and_lists_what_is_accepted(client):
    assert errors(client, "/api/v1/compromisos/?is_demo=si")["is_demo"] == ["Use «true» o «false»."]
    assert errors(client, "/api/v1/planes/?is_current=true")["is_current"] == [
        "Parámetro desconocido. Esta lista acepta: is_demo, page, page_size."
    ]


def test_valid_filters_still_filter(client):
    first, second = SessionFactory(status="held"), SessionFactory(status="held")
    AgreementFactory(session=first), AgreementFactory(session=second)
    rows = client.get(f"/api/v1/acuerdos/?session__number={first.number}").json()["results"]
    assert len(rows) == 1
    real, demo = CommitmentFactory(), CommitmentFactory(is_demo=True)
    for value, expected in [("true", demo), ("1", demo), ("false", real), ("FALSE", real)]:
        codes = [row["code"] for row in client.get(f"/api/v1/compromisos/?is_demo={value}").json()["results"]]
        assert codes == [expected.code]
    assert len(client.get("/api/v1/compromisos/?page_size=500").json()["results"]) == 2
    assert client.get("/api/v1/compromisos/?format=json&page=1").status_code == 200


def test_the_schema_documents_the_page_size_limits(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/compromisos/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
    assert "400" in schema["paths"]["/api/v1/compromisos/"]["get"]["responses"]
