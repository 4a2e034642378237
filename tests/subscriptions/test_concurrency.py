"""Two workers never send the same notification: the second skips the row the first holds (PostgreSQL)."""

import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from subscriptions.delivery import send_notification
from subscriptions.models import Notification
from tests.factories import MilestoneFactory
from tests.proposals.test_email_tasks import DATABASE_TASKS
from tests.subscriptions.factories import follow

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notification_another_worker_holds_is_skipped_and_sent_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks that other connections skip need PostgreSQL")
    settings.TASKS = DATABASE_TASKS  # queued only: this test plays the workers
    milestone = MilestoneFactory()
    follow(milestone.commitment)
    milestone.report(progress=30)
    (notification,) = Notification.objects.pending()
    held, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=notification.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert held.wait(10)
    assert send_notification.call(notification.pk) == "nothing to send"  # skipped, not waited for
    release.set()
    thread.join()
    assert send_notification.call(notification.pk) == "sent"
    assert send_notification.call(notification.pk) == "nothing to send"
    assert len(mail.outbox) == 1
