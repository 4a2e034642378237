"""Emails leave through the task queue: after the commit, by the worker, retried while the mail server fails."""

import io
import json
import smtplib
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command, get_commands
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from proposals.models import Proposal
from tests.factories import UserFactory
from tests.proposals.factories import CallFactory, ProposerContactFactory, ZonalAdministrationFactory, form_data

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL = "maria@example.org"


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_RETRY_SECONDS = 60


def run_worker():
    """What `manage.py db_worker --batch` does, in the test's process and without its signal handlers.

    The worker closes connections it thinks stale; inside the test's transaction that would end the test's.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
        ).run()  # fmt: skip


def make_due():
    """Pretend the retry delay has passed."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def submit(client, django_capture_on_commit_callbacks):
    CallFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/propuestas/nueva/", form_data(ZonalAdministrationFactory()))
    assert response.status_code == 302
    return Proposal.objects.get()


def failing_then_working(failures):
    """A mail server that fails `failures` times with different errors, then delivers."""
    errors = [ConnectionRefusedError(111, "Connection refused"), smtplib.SMTPServerDisconnected("gone")]
    calls = []

    def send(*args, **kwargs):
        calls.append(args)
        if len(calls) <= failures:
            raise errors[(len(calls) - 1) % len(errors)]
        return send_mail(*args, **kwargs)

    return send, calls


def test_the_receipt_is_sent_by_the_worker_after_the_commit_not_in_the_request(
    client, django_capture_on_commit_callbacks
):
    CallFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/propuestas/nueva/", form_data(ZonalAdministrationFactory()))
        assert not DBTaskResult.objects.exists()  # nothing queued before the commit
    for callback in callbacks:
        callback()
    proposal = Proposal.objects.get()
    assert mail.outbox == []  # the request only queued it
    (queued,) = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY and queued.task_path == "proposals.emails.send_proposal_email"
    assert queued.args_kwargs["args"] == [proposal.pk, "received"]
    assert EMAIL not in json.dumps(queued.args_kwargs)
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL] and proposal.code in mail.outbox[0].body
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


def test_a_failing_mail_server_is_retried_with_backoff_and_the_email_sent_once(
    client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    send, calls = failing_then_working(failures=2)
    monkeypatch.setattr("proposals.emails.send_mail", send)
    proposal = submit(client, django_capture_on_commit_callbacks)

    started = timezone.now()
    run_worker()
    assert mail.outbox == [] and len(calls) == 1
    (retry,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": [proposal.pk, "received"], "kwargs": {"attempt": 2}}
    assert timedelta(seconds=59) < retry.run_after - started < timedelta(seconds=70)
    run_worker()  # not due yet: nothing happens
    assert len(calls) == 1

    make_due()
    started = timezone.now()
    run_worker()
    (retry,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"attempt": 3}
    assert timedelta(seconds=119) < retry.run_after - started < timedelta(seconds=130)  # twice as long

    make_due()
    run_worker()
    assert len(calls) == 3 and len(mail.outbox) == 1 and proposal.code in mail.outbox[0].body
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    make_due()
    run_worker()
    assert len(mail.outbox) == 1  # sent once, never again
    assert "ConnectionRefusedError" in caplog.text and "SMTPServerDisconnected" in caplog.text
    assert EMAIL not in caplog.text


def test_after_the_last_attempt_the_email_stays_recorded_as_failed_for_staff(
    client, monkeypatch, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_ATTEMPTS = 2

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, b"no such user")})

    monkeypatch.setattr("proposals.emails.send_mail", refuse)
    proposal = submit(client, django_capture_on_commit_callbacks)
    run_worker()
    make_due()
    run_worker()
    (failed,) = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "proposals.emails.EmailNotSent"
    assert failed.args_kwargs == {"args": [proposal.pk, "received"], "kwargs": {"attempt": 2}}  # what to send
    assert proposal.code in failed.traceback and "SMTPRecipientsRefused" in failed.traceback
    assert EMAIL not in failed.traceback and EMAIL not in caplog.text
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "send_proposal_email" in listing


def test_failed_emails_are_sent_once_when_queued_again(
    client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_ATTEMPTS = 1
    send, _calls = failing_then_working(failures=1)
    monkeypatch.setattr("proposals.emails.send_mail", send)
    proposal = submit(client, django_capture_on_commit_callbacks)
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1 and mail.outbox == []
    call_command("resend_failed_emails", stdout=io.StringIO())
    call_command("resend_failed_emails", stdout=io.StringIO())  # a second run finds nothing left to queue
    run_worker()
    assert len(mail.outbox) == 1 and proposal.code in mail.outbox[0].body
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()


def test_the_erasure_request_queues_the_lookup_without_the_address(client, django_capture_on_commit_callbacks):
    contact = ProposerContactFactory(email="borrar@example.org")
    answers = []
    for email in ("borrar@example.org", "otra@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/propuestas/seguimiento/", {"erasure-code": contact.proposal.code, "erasure-email": email}
            )
        answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1]
    assert mail.outbox == []
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [task.task_path for task in queued] == ["proposals.emails.send_erasure_email"] * 2
    assert not any("@example.org" in json.dumps(task.args_kwargs) for task in queued)
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["borrar@example.org"]
    assert sorted(task.return_value for task in DBTaskResult.objects.all()) == ["no match", "sent"]


def test_the_worker_command_and_the_database_backend_are_configured():
    from quito_ga import settings as configured

    assert configured.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in configured.INSTALLED_APPS
    assert get_commands()["db_worker"] == "django_tasks_db"
    assert task_backends["default"].check() == []
    makefile = (Path(configured.BASE_DIR) / "Makefile").read_text()
    assert "manage.py db_worker" in makefile.replace("$(MANAGE)", "manage.py")
