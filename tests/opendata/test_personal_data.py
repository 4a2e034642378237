"""The proposals issue's sentinel test, extended to every open-data URL: downloads, API, repository, feeds."""

import io
import zipfile

import pytest
from django.core.management import call_command

from commitments.models import ActionPlan
from opendata.datasets import DATASETS
from proposals.models import Proposal
from tests.proposals.factories import form_data
from tests.proposals.test_personal_data import SENTINELS, assert_clean, body_of

pytestmark = pytest.mark.django_db


def test_personal_data_appears_in_no_download_api_answer_repository_or_feed(client, django_capture_on_commit_callbacks):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    zone = Proposal.objects.first().zone
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/propuestas/nueva/", form_data(zone, **SENTINELS)).status_code == 302
    proposal = Proposal.objects.get(contact__email=SENTINELS["email"])
    with django_capture_on_commit_callbacks(execute=True):
        proposal.answer(text="Respuesta pública.", status=Proposal.Status.ACCEPTED)

    urls = ["/api/v1/", "/api/v1/schema/", f"/api/v1/propuestas/{proposal.code}/"]
    for dataset in DATASETS:
        urls += [f"/datos/{dataset.slug}.csv", f"/datos/{dataset.slug}.json", f"/api/v1/{dataset.slug}/?page_size=500"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(body_of(response).decode(), url)
    # The proposal itself is published, only without its proposer.
    assert proposal.code in body_of(client.get("/datos/propuestas.csv")).decode()

    plan = ActionPlan.objects.get(number=2)
    client.get(f"/datos/repositorio/{plan.slug}/")  # 503 while the task builds it (at once, in tests)
    archive = zipfile.ZipFile(io.BytesIO(body_of(client.get(f"/datos/repositorio/{plan.slug}/"))))
    for name in archive.namelist():
        assert_clean(archive.read(name).decode(errors="replace"), name)
