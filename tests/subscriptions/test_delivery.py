"""Events become notifications after the commit; the worker sends them once, at once or in the weekly digest."""

import smtplib
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from council.models import Minutes, Session
from proposals.models import Proposal
from subscriptions.delivery import next_digest_run, weekly_digests
from subscriptions.models import Event, Notification, Subscriber, Subscription
from tests.council.factories import MilestoneReviewFactory, SessionFactory
from tests.factories import CommitmentFactory, MilestoneFactory
from tests.proposals.factories import ProposalFactory, ProposerContactFactory
from tests.proposals.test_email_tasks import DATABASE_TASKS, make_due, run_worker
from tests.subscriptions.factories import EMAIL, follow

pytestmark = pytest.mark.django_db


def report(milestone, progress, capture):
    with capture(execute=True):
        return milestone.report(progress=progress, note="Avance del mes")


def test_an_address_following_a_commitment_and_its_plan_gets_one_email_per_event(django_capture_on_commit_callbacks):
    milestone = MilestoneFactory()
    follow(milestone.commitment)
    follow(milestone.commitment.plan, frequency=Subscription.Frequency.WEEKLY)
    follow(milestone.commitment, email="otra@example.org")
    report(milestone, 30, django_capture_on_commit_callbacks)
    assert sorted(message.to[0] for message in mail.outbox) == ["otra@example.org", EMAIL]
    (notification,) = Notification.objects.filter(subscriber__email=EMAIL)
    assert notification.frequency == "immediate" and notification.sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests.call()
    assert len(mail.outbox) == 2  # already told at once: no digest repeats it


def test_a_completed_milestone_is_one_event_of_its_own_kind(django_capture_on_commit_callbacks):
    milestone = MilestoneFactory()
    follow(milestone.commitment)
    with mock.patch("commitments.models.progress.ProgressUpdate.check_evidence"):
        report(milestone, 100, django_capture_on_commit_callbacks)
    (event,) = Event.objects.all()
    assert event.kind == Event.Kind.COMPLETED
    (message,) = mail.outbox
    assert "se cumplió" in message.body and "Hito cumplido" in message.subject


def test_weekly_subscribers_get_one_digest_grouping_the_weeks_events(django_capture_on_commit_callbacks):
    first, second = MilestoneFactory(), MilestoneFactory()
    follow(first.commitment, frequency=Subscription.Frequency.WEEKLY)
    follow(second.commitment, frequency=Subscription.Frequency.WEEKLY)
    follow(second.commitment, email="otra@example.org", frequency=Subscription.Frequency.WEEKLY)
    report(first, 20, django_capture_on_commit_callbacks)
    report(second, 40, django_capture_on_commit_callbacks)
    report(first, 50, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # nothing at once
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests.call()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 2 and set(by_address) == {EMAIL, "otra@example.org"}
    digest = by_address[EMAIL]
    assert "3 cambios" in digest.subject
    assert digest.body.count("nuevo reporte de avance") == 3
    assert first.commitment.code in digest.body and second.commitment.code in digest.body
    assert by_address["otra@example.org"].body.count("nuevo reporte de avance") == 1
    assert "List-Unsubscribe" in digest.extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests.call()
    assert len(mail.outbox) == 2  # each event once


def test_the_weekly_run_is_next_monday_morning_in_quito():
    quito = ZoneInfo("America/Guayaquil")
    tuesday = datetime(2026, 12, 1, 12, 0, tzinfo=quito)
    assert next_digest_run(tuesday) == datetime(2026, 12, 7, 7, 0, tzinfo=quito)
    monday_early = datetime(2026, 12, 7, 6, 0, tzinfo=quito)
    assert next_digest_run(monday_early) == datetime(2026, 12, 7, 7, 0, tzinfo=quito)
    assert next_digest_run(datetime(2026, 12, 7, 7, 0, tzinfo=quito)) == datetime(2026, 12, 14, 7, 0, tzinfo=quito)


def test_the_weekly_run_schedules_itself_once(settings):
    settings.TASKS = DATABASE_TASKS
    call_command("send_digests", "--schedule")
    call_command("send_digests", "--schedule")
    (queued,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert queued.task_path == "subscriptions.delivery.weekly_digests"
    assert queued.run_after == next_digest_run()


def failing_then_working(failures):
    calls = []
    original = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) <= failures:
            raise (ConnectionRefusedError(111, "refused") if len(calls) % 2 else smtplib.SMTPServerDisconnected("x"))
        return original(message, *args, **kwargs)

    return send, calls


def test_a_failing_mail_server_is_retried_and_the_notification_sent_once(
    settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    send, calls = failing_then_working(failures=2)
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    milestone = MilestoneFactory()
    follow(milestone.commitment)
    report(milestone, 30, django_capture_on_commit_callbacks)
    run_worker()
    (notification,) = Notification.objects.all()
    assert mail.outbox == [] and notification.sent_at is None and notification.attempts == 1
    (retry,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs == {"args": [notification.pk], "kwargs": {"attempt": 2}}
    run_worker()  # not due yet
    assert len(calls) == 1
    make_due()
    run_worker()
    make_due()
    run_worker()
    notification.refresh_from_db()
    assert len(calls) == 3 and len(mail.outbox) == 1 and notification.sent_at is not None
    # A second copy of the task (the weekly run re-queues stuck ones) finds it sent and sends nothing.
    from subscriptions.delivery import send_notification

    send_notification.enqueue(notification.pk)
    run_worker()
    assert len(mail.outbox) == 1
    assert EMAIL not in caplog.text


def test_a_failing_digest_is_retried_without_losing_or_repeating_events(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    send, calls = failing_then_working(failures=1)
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    milestone = MilestoneFactory()
    follow(milestone.commitment, frequency=Subscription.Frequency.WEEKLY)
    report(milestone, 30, django_capture_on_commit_callbacks)
    report(milestone, 40, django_capture_on_commit_callbacks)
    weekly_digests.enqueue()
    run_worker()
    assert mail.outbox == [] and Notification.objects.pending().count() == 2
    make_due()
    DBTaskResult.objects.filter(task_path="subscriptions.delivery.weekly_digests").delete()  # next week's run
    run_worker()
    (digest,) = mail.outbox
    assert digest.body.count("nuevo reporte de avance") == 2 and not Notification.objects.pending().exists()
    assert len(calls) == 2  # one failure, one delivery


def test_nothing_reaches_an_address_after_it_unsubscribes(django_capture_on_commit_callbacks):
    milestone = MilestoneFactory()
    subscription = follow(milestone.commitment, frequency=Subscription.Frequency.WEEKLY)
    report(milestone, 30, django_capture_on_commit_callbacks)
    subscription.delete()
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests.call()
    assert mail.outbox == [] and not Notification.objects.exists()


def test_emails_about_demonstration_data_say_so_and_real_followers_never_get_them(django_capture_on_commit_callbacks):
    demo = MilestoneFactory(is_demo=True, commitment__is_demo=True, commitment__plan__is_demo=True)
    follow(demo.commitment)
    report(demo, 30, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "DATOS DE DEMOSTRACIÓN" in message.body and message.subject.startswith("[Demo]")
    assert "DATOS DE DEMOSTRACIÓN" in message.alternatives[0][0]
    zone_follower = follow(ProposalFactory(call__is_demo=True).zone, email="zona@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = Proposal(call=ProposalFactory(call__is_demo=True).call, zone=zone_follower.zone, title="Demo",
                            problem="p", solution="s", topic="civic_participation")  # fmt: skip
        proposal.submit()
    assert len(mail.outbox) == 1  # a zone is shared vocabulary: its real followers get no demonstration events


def test_emails_are_in_the_subscribers_language(django_capture_on_commit_callbacks):
    milestone = MilestoneFactory()
    follow(milestone.commitment, language="en")
    Subscriber.objects.update(language="en")
    report(milestone, 30, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "new progress report on milestone" in message.body and "/en/compromisos/" in message.body
    assert '<html lang="en">' in message.alternatives[0][0]


def test_a_proposal_status_change_reaches_its_followers_and_its_zones(django_capture_on_commit_callbacks):
    proposal = ProposalFactory()
    follow(proposal, email="propia@example.org")
    follow(proposal.zone, email="zona@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        proposal.change_status(Proposal.Status.UNDER_REVIEW)
    assert sorted(message.to[0] for message in mail.outbox) == ["propia@example.org", "zona@example.org"]
    assert all(proposal.code in message.body and "En revisión" in message.body for message in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        proposal.hide(reason="Contenido ofensivo")
        proposal.change_status(Proposal.Status.NOT_ACCEPTED, response="No procede.")
    assert len(mail.outbox) == 2  # a hidden proposal's changes are told to nobody


def test_council_verifications_and_published_minutes_are_events(django_capture_on_commit_callbacks):
    milestone = MilestoneFactory()
    report(milestone, 30, django_capture_on_commit_callbacks)
    follow(milestone.commitment)
    follow(kind=Subscription.Kind.MINUTES, email="actas@example.org")
    session = SessionFactory(status=Session.Status.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        MilestoneReviewFactory(session=session, milestone=milestone, update=milestone.updates.get())
    (review_email,) = mail.outbox
    assert review_email.to == [EMAIL] and f"sesión {session.number}" in review_email.body
    later = SessionFactory(status=Session.Status.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        Minutes.objects.create(
            session=session, text="Acta", status=Minutes.Status.PUBLISHED, approved_at=later,
            approved_on=timezone.now(), published_on=timezone.now(),
        )  # fmt: skip
    assert mail.outbox[-1].to == ["actas@example.org"] and "Se publicó el acta" in mail.outbox[-1].body
    assert len(mail.outbox) == 2


def test_erasing_a_proposers_data_erases_the_subscriptions_of_that_address(client, django_capture_on_commit_callbacks):
    from django.core import signing

    from proposals.emails import ERASURE_SALT, email_digest

    contact = ProposerContactFactory(email=EMAIL)
    follow(contact.proposal)
    follow(CommitmentFactory())
    follow(CommitmentFactory(), email="otra@example.org")
    token = signing.dumps({"contact": contact.pk, "email": email_digest(EMAIL)}, salt=ERASURE_SALT)
    client.post(f"/propuestas/borrar-datos/{token}/")
    assert (
        not Subscriber.objects.filter(email=EMAIL).exists()
        and not Subscription.objects.filter(subscriber__email=EMAIL).exists()
    )
    assert Subscriber.objects.filter(email="otra@example.org").exists()


def test_purge_personal_data_drops_stale_and_closed_subscriptions(settings):
    settings.SUBSCRIPTIONS_UNCONFIRMED_DAYS = 7
    old = timezone.now() - timedelta(days=400)
    closed = ProposalFactory(status=Proposal.Status.NOT_ACCEPTED, closed_at=old)
    follow(closed, email="cerrada@example.org")
    kept = follow(CommitmentFactory(), email="sigue@example.org")
    stale = follow(CommitmentFactory(), email="nunca@example.org")
    Subscription.objects.filter(pk=stale.pk).update(confirmed_at=None, created_at=old)
    pending = follow(CommitmentFactory(), email="reciente@example.org")
    Subscription.objects.filter(pk=pending.pk).update(confirmed_at=None)
    call_command("purge_personal_data", "--older-than", "365")
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"sigue@example.org", "reciente@example.org"}
    assert Subscription.objects.filter(pk=kept.pk).exists()


def test_the_weekly_run_sends_again_an_immediate_notification_whose_attempts_all_failed(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_ATTEMPTS = 1

    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    milestone = MilestoneFactory()
    follow(milestone.commitment)
    with monkeypatch.context() as patched:
        patched.setattr(EmailMultiAlternatives, "send", refuse)
        report(milestone, 30, django_capture_on_commit_callbacks)
    (notification,) = Notification.objects.pending()
    assert mail.outbox == [] and notification.attempts == 1  # the task failed; the notification is kept
    Notification.objects.update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests.call()
    assert len(mail.outbox) == 1 and not Notification.objects.pending().exists()


def test_a_change_of_dates_in_the_ledger_is_one_email_with_its_reason(django_capture_on_commit_callbacks):
    commitment = CommitmentFactory(roadmap_validated_on=timezone.localdate() - timedelta(days=30))
    milestone = MilestoneFactory(commitment=commitment)
    follow(commitment)
    follow(commitment.plan, email="semanal@example.org", frequency=Subscription.Frequency.WEEKLY)
    new_due = milestone.due_on + timedelta(days=45)
    with django_capture_on_commit_callbacks(execute=True):
        entry = milestone.replan(due_on=new_due, reason="La consultoría se contrató dos meses tarde.")
    (event,) = Event.objects.filter(kind=Event.Kind.REPLANNED)
    assert event.key == f"replanned:{entry.pk}" and event.commitment == commitment
    (message,) = mail.outbox  # the weekly follower waits for the digest
    assert message.to == [EMAIL] and "Hito replanificado" in message.subject
    assert "se replanificó" in message.body and "La consultoría se contrató dos meses tarde." in message.body
    assert f"/compromisos/{commitment.code}/cambios/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        milestone.save()  # a save that moves no date writes no entry and tells nobody
    assert Event.objects.filter(kind=Event.Kind.REPLANNED).count() == 1 and len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        weekly_digests.call()
    (digest,) = [message for message in mail.outbox if message.to == ["semanal@example.org"]]
    assert "se replanificó" in digest.body
