"""Each dataset's last change is the newest change of its rows (never the time of the request); downloads answer
304 from it; the sitemap carries each page's last change."""

import datetime
import re

import pytest
from django.utils import timezone

from commitments.models import ActionPlan, Commitment, Milestone, Organization, ProgressUpdate
from council.models import Session
from opendata.datasets import BY_SLUG, DATASETS, last_updated
from tests.commitments.factories import ProgressUpdateFactory
from tests.council.factories import SessionFactory
from tests.factories import MilestoneFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2023, 3, 15, 14, 30, tzinfo=datetime.UTC)
LATER = datetime.datetime(2024, 5, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def records():
    milestone = MilestoneFactory()
    ProgressUpdateFactory(milestone=milestone)
    SessionFactory()
    for model in (Organization, ActionPlan, Commitment, Milestone, Session):
        model.objects.update(updated_at=LONG_AGO)
    ProgressUpdate.objects.update(created_at=LONG_AGO)
    return milestone


def test_a_datasets_last_change_is_that_of_its_rows_never_the_request_time(client, records, django_assert_num_queries):
    with django_assert_num_queries(1):
        updated = last_updated(DATASETS)
    assert updated["instituciones"] == updated["sesiones"] == updated["avances"] == LONG_AGO
    assert updated["consejeros"] is None  # no row: unknown, shown as "Sin datos"
    Organization.objects.filter(pk=records.commitment.lead_id).update(updated_at=LATER)
    updated = last_updated(DATASETS)
    assert updated["instituciones"] == LATER
    assert updated["compromisos"] == LATER  # a commitment's row shows its lead organisation's name
    assert updated["sesiones"] == LONG_AGO
    page = client.get("/datos/instituciones/").content.decode()
    assert "2 de mayo de 2024" in page


def test_a_new_report_moves_the_reports_the_milestones_and_the_commitments_last_change(records):
    records.report(progress=60)
    updated = last_updated(DATASETS)
    now = timezone.now()
    for slug in ("avances", "hitos", "compromisos", "planes"):
        assert now - datetime.timedelta(minutes=1) < updated[slug] <= now, slug
    assert updated["instituciones"] == LONG_AGO


def test_a_deletion_is_a_change(records):
    OrganizationFactory().delete()  # recorded by its history with the date of the deletion
    updated = last_updated([BY_SLUG["instituciones"]])["instituciones"]
    assert updated > timezone.now() - datetime.timedelta(minutes=1)


@pytest.mark.parametrize("format", ["csv", "json"])
def test_a_download_sends_its_last_change_and_answers_304(client, records, format):
    url = f"/datos/instituciones.{format}"
    response = client.get(url)
    assert response.streaming
    assert response["Last-Modified"] == "Wed, 15 Mar 2023 14:30:00 GMT"
    assert response["ETag"]
    assert "instituciones-2023-03-15" in response["Content-Disposition"]
    b"".join(response.streaming_content)
    for headers in ({"if-none-match": response["ETag"]}, {"if-modified-since": response["Last-Modified"]}):
        again = client.get(url, headers=headers)
        assert again.status_code == 304
        assert again["ETag"] == response["ETag"]
        assert 'rel="license"' in again["Link"]
    # A change gives a new ETag: the client gets the new file.
    Organization.objects.update(updated_at=LATER)
    changed = client.get(url, headers={"if-none-match": response["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]
    assert client.get("/en" + url)["ETag"] != changed["ETag"]  # another language, other bytes


def test_the_sitemap_carries_each_pages_last_change_and_answers_304(client, records):
    Commitment.objects.update(is_demo=False)
    commitment = records.commitment
    Commitment.objects.filter(pk=commitment.pk).update(updated_at=LATER)
    content = client.get("/sitemap-compromisos.xml").content.decode()
    entry = re.search(rf"<url><loc>http://testserver/compromisos/{commitment.code}/</loc>.*?</url>", content, re.S)
    assert "<lastmod>2024-05-02</lastmod>" in entry.group(0)
    index = client.get("/sitemap.xml")
    assert re.search(
        r"sitemap-compromisos\.xml</loc><lastmod>2024-05-02T04:00:00-05:00</lastmod>", index.content.decode()
    )
    response = client.get("/sitemap-compromisos.xml")
    assert response["Last-Modified"] == "Thu, 02 May 2024 09:00:00 GMT"
    assert client.get("/sitemap-compromisos.xml", headers={"if-none-match": response["ETag"]}).status_code == 304
