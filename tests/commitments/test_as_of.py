"""Progress at a date (`?al=AAAA-MM-DD`) on commitment and plan pages and in the API, rebuilt from the dated
reports, equal to a case computed by hand; invalid dates answer 400 with a message."""

import datetime

import pytest

from commitments import asof
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    plan = ActionPlanFactory(slug="plan-de-prueba")
    commitment = CommitmentFactory(plan=plan, code="ECQTO0007")
    CommitmentFactory(plan=plan, code="ECQTO0008")  # no roadmap: no data at any date
    first = MilestoneFactory(commitment=commitment, order=1, weight=1, title="Diagnóstico")
    second = MilestoneFactory(commitment=commitment, order=2, weight=3, title="Plataforma")
    for milestone, progress, day in [
        (first, 40, datetime.date(2023, 1, 10)),
        (second, 20, datetime.date(2023, 2, 1)),
        (first, 80, datetime.date(2023, 3, 1)),
        (second, 60, datetime.date(2023, 4, 1)),
    ]:
        milestone.report(progress=progress, reported_on=day)
    return commitment


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2023-01-01", None),  # nothing reported yet: unknown, never 0
        ("2023-01-20", "10.0"),  # (40·1 + 0·3) / 4
        ("2023-02-15", "25.0"),  # (40·1 + 20·3) / 4
        ("2023-03-15", "35.0"),  # (80·1 + 20·3) / 4
        ("2023-04-01", "65.0"),  # (80·1 + 60·3) / 4, the reports of that very day included
    ],
)
def test_the_progress_on_a_date_equals_the_hand_computed_case(commitment, day, expected):
    then = asof.commitments_on([commitment.pk], asof.parse_date(day))[commitment.pk]
    assert (str(then.progress) if then.progress is not None else None) == expected


def test_the_plan_on_a_date_is_the_mean_of_its_commitments_with_data(commitment):
    progress, by_commitment = asof.plan_on(commitment.plan, datetime.date(2023, 2, 15))
    assert str(progress) == "25.0"  # ECQTO0008 has no data and is left out of the mean, not counted as 0
    assert len(by_commitment) == 2


def test_the_commitment_page_shows_the_progress_on_the_date(client, commitment):
    response = client.get(f"{commitment.get_absolute_url()}?al=2023-02-15")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Avance al 15 de febrero de 2023" in content and "25,0 %" in content
    assert "1 de febrero de 2023" in content  # the second milestone's latest report by then


def test_the_plan_page_shows_each_commitment_on_the_date(client, commitment):
    content = client.get(f"{commitment.plan.get_absolute_url()}?al=2023-02-15").content.decode()
    assert "Avance al 15 de febrero de 2023" in content
    assert f'href="{commitment.get_absolute_url()}?al=2023-02-15"' in content


@pytest.mark.parametrize("value", ["2023-02-30", "15/02/2023", "ayer", "2999-01-01"])
def test_an_invalid_date_is_a_400_with_a_message(client, commitment, value):
    response = client.get(commitment.get_absolute_url(), {"al": value})
    assert response.status_code == 400
    content = response.content.decode()
    assert "No pudimos mostrar el avance en esa fecha." in content
    api = client.get(f"/api/v1/compromisos/{commitment.code}/", {"al": value})
    assert api.status_code == 400 and "al" in api.json()


def test_the_api_gives_commitments_and_plans_as_of_a_date(client, commitment):
    data = client.get(f"/api/v1/compromisos/{commitment.code}/?al=2023-02-15").json()
    assert data["as_of"] == {
        "date": "2023-02-15",
        "progress": "25.0",
        "milestones": [
            {"order": 1, "progress": 40, "reported_on": "2023-01-10"},
            {"order": 2, "progress": 20, "reported_on": "2023-02-01"},
        ],
    }
    plan = client.get(f"/api/v1/planes/{commitment.plan.slug}/?al=2023-02-15").json()["as_of"]
    assert plan["progress"] == "25.0"
    assert plan["commitments"] == [{"code": "ECQTO0007", "progress": "25.0"}, {"code": "ECQTO0008", "progress": None}]
    assert "as_of" not in client.get(f"/api/v1/compromisos/{commitment.code}/").json()
    # Only a record is read as of a date: on a list the parameter is unknown.
    assert client.get("/api/v1/compromisos/?al=2023-02-15").status_code == 400


def test_the_schema_documents_the_date(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/compromisos/{code}/"]["get"]["parameters"]}
    assert "al" in parameters
