"""Each milestone's full report history is one click from the commitment page, which shows the latest only."""

import datetime

import pytest

from tests.commitments.factories import ProgressUpdateFactory
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def history_url(milestone):
    return f"/compromisos/{milestone.commitment.code}/hitos/{milestone.order}/historial/"


@pytest.fixture
def milestone():
    milestone = MilestoneFactory(order=1)
    for day, progress, note in [(1, 10, "Primer avance"), (2, 40, "Segundo avance"), (3, 70, "Tercer avance")]:
        reported_on = datetime.date(2023, 4, day)
        ProgressUpdateFactory(milestone=milestone, progress=progress, note=note, reported_on=reported_on)
    return milestone


def test_commitment_page_shows_the_latest_report_and_links_the_history(client, milestone):
    content = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert "Tercer avance" in content
    assert "Primer avance" not in content and "Segundo avance" not in content
    assert history_url(milestone) in content


def test_history_page_lists_every_report_latest_first(client, milestone):
    response = client.get(history_url(milestone))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Tercer avance") < content.index("Segundo avance") < content.index("Primer avance")
    assert 'name="robots"' not in content  # a real commitment's history may be indexed


def test_history_of_a_demo_milestone_is_labelled_and_kept_out_of_search_engines(client):
    milestone = MilestoneFactory(order=1, commitment=CommitmentFactory(code="DEMOQ0042", is_demo=True), is_demo=True)
    ProgressUpdateFactory(milestone=milestone, note="Avance ficticio (demostración).")
    content = client.get(history_url(milestone)).content.decode()
    assert 'class="badge badge--demo"' in content
    assert '<meta name="robots" content="noindex">' in content


def test_history_of_an_unknown_milestone_or_commitment_is_not_found(client, milestone):
    assert client.get(f"/compromisos/{milestone.commitment.code}/hitos/99/historial/").status_code == 404
    assert client.get("/compromisos/ECQTO9999/hitos/1/historial/").status_code == 404


def test_history_is_in_english_under_en(client, milestone):
    content = client.get("/en" + history_url(milestone)).content.decode()
    assert "Every progress report of this milestone" in content


def test_history_runs_the_same_queries_whatever_the_number_of_reports(client, django_assert_num_queries, milestone):
    client.get(history_url(milestone))  # caches the demo-notice flag
    with django_assert_num_queries(3) as few:
        client.get(history_url(milestone))
    for number in range(10):
        ProgressUpdateFactory(milestone=milestone, progress=80, reported_on=datetime.date(2023, 5, number + 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(history_url(milestone))
