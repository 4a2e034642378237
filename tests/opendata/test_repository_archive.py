"""The repository ZIP is built by the task worker once per change, stored, and served with validators and a limit."""

import io
import threading
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from commitments.models import Evidence
from opendata import views
from opendata.models import RepositoryArchive
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% informe\n"


@pytest.fixture(autouse=True)
def _database_queue(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # A download's slot is given back when the server closes the response: the test client only does so once
    # the content has been read, so each test starts with its own slots.
    monkeypatch.setattr(views, "REPOSITORY_DOWNLOADS", threading.BoundedSemaphore(2))


@pytest.fixture
def milestone(django_capture_on_commit_callbacks):
    milestone = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0005"), order=1)
    report(milestone, django_capture_on_commit_callbacks, 50)
    return milestone


@pytest.fixture
def url(milestone):
    return f"/datos/repositorio/{milestone.commitment.plan.slug}/"


def report(milestone, capture, progress):
    with capture(execute=True):
        evidence = Evidence(title=f"Informe {progress}", file=SimpleUploadedFile("informe.pdf", PDF))
        milestone.report(progress=progress, note=f"Avance {progress}", evidence=[evidence])


def run_worker():
    """What `manage.py db_worker --batch` does, in the test's process (see tests/proposals/test_email_tasks.py)."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
        ).run()  # fmt: skip


def queued_builds():
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path="opendata.tasks.build_repository_archive"
    ).count()


def download(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.content
    b"".join(response.streaming_content)
    return response


def zip_notes(response):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    index = next(name for name in archive.namelist() if name.endswith("indice.csv"))
    return archive.read(index).decode("utf-8-sig")


def test_a_change_queues_one_build_and_the_request_never_builds(client, url, milestone):
    assert queued_builds() == 1  # the report saved an update and its evidence: one build queued
    with mock.patch("opendata.repository.zip_file", side_effect=AssertionError("built in the request")):
        response = client.get(url)
        assert response.status_code == 503 and response["Retry-After"] == "60"
        assert "El archivo se está preparando" in response.content.decode()
        client.get(url)
    assert queued_builds() == 1  # asking again queues nothing more
    run_worker()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "Avance 50" in zip_notes(response)


def test_an_unbuilt_archive_is_queued_by_the_first_download(client, settings):
    plan = CommitmentFactory().plan
    response = client.get(f"/datos/repositorio/{plan.slug}/")
    assert response.status_code == 503 and "El archivo se está preparando" in response.content.decode()
    assert queued_builds() == 1
    run_worker()
    download(client, f"/datos/repositorio/{plan.slug}/")


def test_the_zip_is_rebuilt_once_per_change_and_the_old_file_removed(
    client, url, milestone, django_capture_on_commit_callbacks
):
    run_worker()
    first = RepositoryArchive.objects.get()
    old_name, old_etag = first.file.name, first.etag
    assert first.file.storage.exists(old_name)
    download(client, url)
    report(milestone, django_capture_on_commit_callbacks, 80)
    assert queued_builds() == 1
    with django_capture_on_commit_callbacks(execute=True):
        run_worker()
    archive = RepositoryArchive.objects.get()
    assert archive.etag != old_etag and not archive.file.storage.exists(old_name)
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["ETag"] == archive.etag and "Avance 80" in zip_notes(response)
    run_worker()
    assert RepositoryArchive.objects.get().built_at == archive.built_at  # nothing changed: no rebuild


def test_conditional_requests_get_a_304(client, url):
    run_worker()
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert response["Content-Length"] == str(RepositoryArchive.objects.get().size)
    b"".join(response.streaming_content)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    not_modified = client.get(url, headers={"if-modified-since": modified})
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    download(client, url, headers={"if-none-match": '"otra-version"'})


def test_downloads_beyond_the_limit_get_a_503_with_retry_after_until_a_slot_frees(client, url, monkeypatch):
    run_worker()
    monkeypatch.setattr(views, "REPOSITORY_DOWNLOADS", threading.BoundedSemaphore(1))
    streaming = client.get(url)
    assert streaming.status_code == 200
    busy = client.get(url)
    assert busy.status_code == 503 and busy["Retry-After"] == "15"
    assert "Muchas descargas en este momento" in busy.content.decode()
    b"".join(streaming.streaming_content)  # after the last byte the client closes the response, as servers do
    download(client, url)
