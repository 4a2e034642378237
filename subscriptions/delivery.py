"""Sending: the confirmation email, each immediate notification, the weekly digests. All by the task worker.

Every send claims its rows first (`select_for_update(skip_locked=True)` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers), sends, and marks them sent in the same transaction only once the mail backend
has accepted the message: two workers never send the same notification, and a failing mail server leaves it
pending. A failure is retried like the proposals' emails (EMAIL_ATTEMPTS, waiting EMAIL_RETRY_SECONDS, doubled
each time); after the last attempt the task is recorded as failed and the notification stays pending, so the
next weekly run (`weekly_digests`) queues it again. Task arguments carry ids only, never an address.

The weekly digest: `weekly_digests` queues one `send_digest` per address with weekly notifications pending and
then queues itself for next Monday at DIGEST_HOUR (America/Guayaquil) with `run_after`; `manage.py send_digests
--schedule`, which `make run` runs, queues the first run if none is waiting.
"""

import email.policy
import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task, task_backends
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from proposals.emails import MAIL_ERRORS, EmailNotSent, absolute_url
from subscriptions.models import Notification, Subscriber, Subscription

logger = logging.getLogger(__name__)

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
MANAGE_SALT = "subscriptions.manage"
CONFIRM_MAX_AGE = 7 * 24 * 3600
MANAGE_MAX_AGE = 90 * 24 * 3600
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 7  # Mondays at 07:00 in Quito


def confirm_token(subscription):
    return signing.dumps({"s": subscription.pk, "d": subscription.subscriber.digest()}, salt=CONFIRM_SALT)


def unsubscribe_token(subscriber, subscription_ids):
    return signing.dumps({"s": sorted(subscription_ids), "d": subscriber.digest()}, salt=UNSUBSCRIBE_SALT)


def manage_token(subscriber):
    return signing.dumps({"a": subscriber.pk, "d": subscriber.digest()}, salt=MANAGE_SALT)


def _links(subscriber, subscription_ids):
    unsubscribe = absolute_url(
        reverse("subscriptions:unsubscribe", kwargs={"token": unsubscribe_token(subscriber, subscription_ids)})
    )
    manage = absolute_url(reverse("subscriptions:manage", kwargs={"token": manage_token(subscriber)}))
    return unsubscribe, manage


def build_message(subscriber, template, context, subscription_ids):
    """One email in the subscriber's language: plain text, an HTML alternative, and RFC 8058's one-click headers."""
    with translation.override(subscriber.language or settings.LANGUAGE_CODE):
        unsubscribe_url, manage_url = _links(subscriber, subscription_ids)
        context = {
            **context,
            "language": translation.get_language(),
            "unsubscribe_url": unsubscribe_url,
            "manage_url": manage_url,
            "portal_url": settings.PORTAL_URL,
        }
        subject = " ".join(render_to_string(f"subscriptions/email/{template}_subject.txt", context).split())
        body = render_to_string(f"subscriptions/email/{template}.txt", context)
        html = render_to_string(f"subscriptions/email/{template}.html", context)
    targets = [f"<{unsubscribe_url}>"]
    if settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO:
        token = unsubscribe_token(subscriber, subscription_ids)
        targets.append(f"<mailto:{settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}>")
    headers = {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = OneClickEmail(subject, body, None, [subscriber.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


class OneClickEmail(EmailMultiAlternatives):
    """An email whose headers reach the mail client as written. The mail backends fold headers at 78 characters,
    and a signed URL longer than that would be folded into RFC 2047 encoded words, which are no longer the URL
    RFC 8058's List-Unsubscribe needs; RFC 5322 allows lines of up to 998 characters."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _retry(the_task, args, attempt, label, error):
    error_name = type(error).__name__
    if attempt >= settings.EMAIL_ATTEMPTS or not the_task.get_backend().supports_defer:
        logger.error("Could not send %s (%s); attempt %d was the last", label, error_name, attempt)
        raise EmailNotSent(f"{label}: {error_name} after {attempt} attempts") from None
    delay = settings.EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)
    the_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(*args, attempt=attempt + 1)
    logger.warning("Could not send %s (%s); attempt %d in %d s", label, error_name, attempt + 1, delay)
    return "retrying"


@task()
def send_confirmation(subscription_id, attempt=1):
    subscription = (
        Subscription.objects.select_related("subscriber", "commitment", "plan", "zone", "proposal")
        .filter(pk=subscription_id, confirmed_at__isnull=True)
        .first()
    )
    if subscription is None:
        return "nothing to confirm"
    subscriber = subscription.subscriber
    with translation.override(subscriber.language or settings.LANGUAGE_CODE):
        confirm_url = absolute_url(reverse("subscriptions:confirm", kwargs={"token": confirm_token(subscription)}))
    context = {"subscription": subscription, "confirm_url": confirm_url}
    message = build_message(subscriber, "confirm", context, [subscription.pk])
    try:
        message.send()
    except MAIL_ERRORS as error:
        return _retry(send_confirmation, (subscription_id,), attempt, f"confirmation {subscription_id}", error)
    logger.info("Sent the confirmation of subscription %s", subscription_id)
    return "sent"


@task()
def send_already_subscribed(subscription_id, attempt=1):
    subscription = Subscription.objects.select_related("subscriber").filter(pk=subscription_id).first()
    if subscription is None:
        return "nothing to send"
    message = build_message(subscription.subscriber, "already", {"subscription": subscription}, [subscription.pk])
    try:
        message.send()
    except MAIL_ERRORS as error:
        return _retry(send_already_subscribed, (subscription_id,), attempt, f"reminder {subscription_id}", error)
    return "sent"


def queue_immediate(event):
    """Queue one task per immediate notification of `event` (after the commit that stored them)."""
    ids = list(
        Notification.objects.pending()
        .filter(event=event, frequency=Subscription.Frequency.IMMEDIATE)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: send_notification.enqueue(pk), robust=True)


@task()
def send_notification(notification_id, attempt=1):
    label = f"notification {notification_id}"
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscriber", "subscription", "event")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return "nothing to send"  # sent already, unsubscribed, or another worker holds it
        subscriber = notification.subscriber
        context = {"event": notification.event, "subscription": notification.subscription}
        message = build_message(subscriber, "notification", context, [notification.subscription_id])
        notification.attempts += 1
        failure = None
        try:
            message.send()
        except MAIL_ERRORS as error:
            failure = error
        else:
            notification.sent_at = timezone.now()
        notification.save(update_fields=["attempts", "sent_at"])
    # Outside the transaction: the attempt stays counted even when this was the last one.
    if failure is not None:
        return _retry(send_notification, (notification_id,), attempt, label, failure)
    logger.info("Sent %s", label)
    return "sent"


@task()
def send_digest(subscriber_id, attempt=1):
    label = f"the weekly digest of subscriber {subscriber_id}"
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update(skip_locked=True).filter(pk=subscriber_id).first()
        if subscriber is None:
            return "nothing to send"
        notifications = list(
            subscriber.notifications.due_in_digest()
            .select_related("event", "subscription")
            .order_by("event__occurred_at", "pk")
        )
        if not notifications:
            return "nothing to send"
        subscription_ids = {notification.subscription_id for notification in notifications}
        context = {
            "notifications": notifications,
            "any_demo": any(notification.event.is_demo for notification in notifications),
        }
        message = build_message(subscriber, "digest", context, subscription_ids)
        failure, sent = None, {"attempts": F("attempts") + 1}
        try:
            message.send()
        except MAIL_ERRORS as error:
            failure = error
        else:
            sent["sent_at"] = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(**sent)
    if failure is not None:
        return _retry(send_digest, (subscriber_id,), attempt, label, failure)
    logger.info("Sent %s (%d events)", label, len(notifications))
    return "sent"


def next_digest_run(now=None):
    """Next Monday at DIGEST_HOUR in the portal's time zone, strictly after `now`."""
    local = timezone.localtime(now or timezone.now())
    days = (DIGEST_WEEKDAY - local.weekday()) % 7
    moment = timezone.make_aware(datetime.combine(local.date() + timedelta(days=days), time(DIGEST_HOUR)))
    return moment if moment > local else moment + timedelta(days=7)


@task()
def weekly_digests():
    """Queue each address's digest, the immediate notifications whose every attempt failed, and next week's run."""
    subscriber_ids = list(
        Notification.objects.due_in_digest().order_by().values_list("subscriber_id", flat=True).distinct()
    )
    for subscriber_id in subscriber_ids:
        send_digest.enqueue(subscriber_id)
    stuck = Notification.objects.pending().filter(
        frequency=Subscription.Frequency.IMMEDIATE, created_at__lt=timezone.now() - timedelta(days=1)
    )
    for pk in stuck.values_list("pk", flat=True):
        send_notification.enqueue(pk)  # claiming makes a second copy of a task harmless
    schedule_weekly_digests()
    return f"{len(subscriber_ids)} digests queued"


def schedule_weekly_digests():
    """Queue the next weekly run unless one is waiting already; False where the task backend cannot defer."""
    backend = task_backends[weekly_digests.backend]
    if not backend.supports_defer:
        return False
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=weekly_digests.module_path)
    if not waiting.exists():
        weekly_digests.using(run_after=next_digest_run()).enqueue()
    return True


@transaction.atomic
def subscribe(*, email, kind, target, frequency, language):
    """Record a wish to follow `target` and send the confirmation link; an address already following it gets a
    reminder with the link to manage its subscriptions instead, and nothing is duplicated."""
    subscriber, _created = Subscriber.objects.get_or_create(email=email.strip().lower())
    if subscriber.language != language:
        subscriber.language = language
        subscriber.save(update_fields=["language"])
    field = Subscription.TARGETS.get(kind)
    lookup = {field: target} if field else {}
    subscription = subscriber.subscriptions.filter(kind=kind, **lookup).first()
    if subscription is not None and subscription.is_confirmed():
        transaction.on_commit(lambda: send_already_subscribed.enqueue(subscription.pk), robust=True)
        return subscription
    if subscription is None:
        subscription = Subscription(subscriber=subscriber, kind=kind, **lookup)
    subscription.frequency, subscription.language = frequency, language
    subscription.is_demo = bool(getattr(target, "is_demo", False))
    subscription.record_consent()
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        # The same form sent twice at once: the other request stored it; it sends the confirmation.
        return subscriber.subscriptions.get(kind=kind, **lookup)
    transaction.on_commit(lambda: send_confirmation.enqueue(subscription.pk), robust=True)
    return subscription
