"""Helpers for the subscriptions tests."""

import re

from django.utils import timezone

from subscriptions.models import CONSENT_VERSION, Subscriber, Subscription

EMAIL = "vecina@example.org"


def follow(target=None, *, kind=None, email=EMAIL, frequency=Subscription.Frequency.IMMEDIATE, language="es"):
    """A confirmed subscription, as if the person had followed the confirmation link."""
    subscriber, _created = Subscriber.objects.get_or_create(email=email, defaults={"language": language})
    kind = kind or type(target).__name__.lower().replace("actionplan", "plan").replace("zonaladministration", "zone")
    field = Subscription.TARGETS.get(kind)
    return Subscription.objects.create(
        subscriber=subscriber,
        kind=kind,
        frequency=frequency,
        language=language,
        consent_version=CONSENT_VERSION,
        consented_at=timezone.now(),
        confirmed_at=timezone.now(),
        is_demo=bool(getattr(target, "is_demo", False)),
        **({field: target} if field else {}),
    )


def links_in(message, path):
    """The absolute links to `path` (e.g. "/suscribirse/confirmar/") in an email's plain text."""
    return re.findall(rf"https?://[^\s>]+{re.escape(path)}[^\s>]+", message.body)


def local_path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
