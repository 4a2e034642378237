"""Subscribing without an account: the form, double opt-in, one-click unsubscribe, the manage page."""

import email.policy

import pytest
from django.core import mail
from django.test import Client

from subscriptions.models import CONSENT_VERSION, Event, Notification, Subscriber, Subscription
from tests.factories import CommitmentFactory, MilestoneFactory
from tests.proposals.factories import ProposalFactory, ZonalAdministrationFactory
from tests.subscriptions.factories import EMAIL, follow, links_in, local_path

pytestmark = pytest.mark.django_db


def form(**overrides):
    return {"email": EMAIL, "kind": "commitment", "frequency": "immediate", "consent": "on", **overrides}


def subscribe(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/suscribirse/", form(**overrides))
    return response


def report(milestone, progress=40, django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        return milestone.report(progress=progress, note="Avance")


def test_nothing_is_sent_but_the_confirmation_until_the_link_is_followed(client, django_capture_on_commit_callbacks):
    milestone = MilestoneFactory()
    code = milestone.commitment.code
    response = subscribe(client, django_capture_on_commit_callbacks, commitment=code.lower())
    assert response.status_code == 302 and response["Location"] == "/suscribirse/enviado/"
    (confirmation,) = mail.outbox
    assert confirmation.to == [EMAIL] and code in confirmation.body
    subscription = Subscription.objects.get()
    assert subscription.commitment == milestone.commitment and not subscription.is_confirmed()

    report(milestone, 30, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # not confirmed: nothing about the event
    assert not Notification.objects.exists() and Event.objects.count() == 1

    (link,) = links_in(confirmation, "/suscribirse/confirmar/")
    page = client.get(local_path(link))  # a link scanner's GET confirms nothing
    assert page.status_code == 200 and "Confirmar mi suscripción" in page.content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_confirmed()
    client.post(local_path(link))
    subscription.refresh_from_db()
    assert subscription.is_confirmed()

    report(milestone, 60, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert "60" in mail.outbox[1].body and code in mail.outbox[1].subject


def test_consent_is_stored_with_the_notice_version_and_required(client, django_capture_on_commit_callbacks):
    commitment = CommitmentFactory()
    response = subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code, consent="")
    assert response.status_code == 200 and not Subscription.objects.exists()
    assert "marca la casilla" in response.content.decode().lower()
    subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code)
    subscription = Subscription.objects.get()
    assert subscription.consent_version == CONSENT_VERSION and subscription.consented_at is not None
    assert CONSENT_VERSION in client.get("/suscribirse/").content.decode()


def test_bad_input_gets_a_clear_spanish_message_and_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    response = subscribe(client, django_capture_on_commit_callbacks, commitment="NOEXISTE", email="vecina@example.org")
    page = response.content.decode()
    assert response.status_code == 200 and "No encontramos ningún compromiso con este código." in page
    assert 'value="vecina@example.org"' in page
    response = subscribe(client, django_capture_on_commit_callbacks, kind="proposal", proposal="QGA-AAA-AAA-AAA")
    assert "No encontramos ninguna propuesta con este código" in response.content.decode()
    assert not Subscription.objects.exists() and mail.outbox == []


def test_subscribing_twice_to_the_same_thing_keeps_one_subscription(client, django_capture_on_commit_callbacks):
    commitment = CommitmentFactory()
    subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code)
    subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code, email=EMAIL.upper())
    assert Subscriber.objects.count() == 1 and Subscription.objects.count() == 1
    assert len(mail.outbox) == 2  # the confirmation again, since it was not confirmed yet
    Subscription.objects.update(confirmed_at="2026-12-01T10:00:00Z")
    subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code)
    assert Subscription.objects.count() == 1
    assert "ya sigue" in mail.outbox[2].body and links_in(mail.outbox[2], "/suscribirse/mis-suscripciones/")


def test_follow_links_prefill_the_form(client):
    commitment = CommitmentFactory()
    proposal = ProposalFactory()
    zone = ZonalAdministrationFactory()
    page = client.get(f"/suscribirse/?compromiso={commitment.code}").content.decode()
    assert f'value="{commitment.code}"' in page and 'value="commitment" required id="id_kind_0" checked' in page
    page = client.get(f"/suscribirse/?propuesta={proposal.code}").content.decode()
    assert f'value="{proposal.code}"' in page
    page = client.get(f"/suscribirse/?zona={zone.pk}").content.decode()
    assert f'<option value="{zone.pk}" selected>' in page
    assert 'value="minutes" required id="id_kind_3" checked' in client.get("/suscribirse/?actas=1").content.decode()
    assert "/suscribirse/?compromiso=" in client.get(commitment.get_absolute_url()).content.decode()
    assert f"/suscribirse/?propuesta={proposal.code}" in client.get(proposal.get_absolute_url()).content.decode()
    assert (
        f"/suscribirse/?plan={commitment.plan.slug}" in client.get(commitment.plan.get_absolute_url()).content.decode()
    )
    assert f"/suscribirse/?zona={zone.pk}" in client.get(f"/propuestas/?zone={zone.pk}").content.decode()


def test_every_email_has_one_click_unsubscribe_headers_and_the_post_needs_no_csrf(
    settings, django_capture_on_commit_callbacks
):
    settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO = "bajas@example.org"
    milestone = MilestoneFactory()
    follow(milestone.commitment)
    report(milestone, 50, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = header.split(", ")
    assert https.startswith("<http") and "/suscribirse/baja/" in https and https.endswith(">")
    assert mailto.startswith("<mailto:bajas@example.org?subject=unsubscribe") and mailto.endswith(">")
    assert EMAIL not in header
    # On the wire (the SMTP backend's policy), the header is the URLs as written, not folded into encoded words.
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    assert f"List-Unsubscribe: {header}\r\n".encode() in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and '<html lang="es">' in html and "<h1" in html

    mail_client = Client(enforce_csrf_checks=True)
    url = local_path(https[1:-1])
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not Subscription.objects.exists()
    assert mail_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # idempotent
    report(milestone, 70, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1  # nothing more


def test_other_forms_still_need_their_csrf_token():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/suscribirse/", form()).status_code == 403


def test_unsubscribe_link_shows_a_button_and_invalid_tokens_a_spanish_message(client):
    subscription = follow(CommitmentFactory())
    from subscriptions.delivery import unsubscribe_token

    url = f"/suscribirse/baja/{unsubscribe_token(subscription.subscriber, [subscription.pk])}/"
    page = client.get(url)
    assert page.status_code == 200 and "Dejar de seguir" in page.content.decode()
    assert Subscription.objects.exists()  # a GET changes nothing
    for path in ("/suscribirse/baja/x/", "/suscribirse/confirmar/x/", "/suscribirse/mis-suscripciones/x/"):
        response = client.get(path)
        assert response.status_code == 404 and "Este enlace no es válido" in response.content.decode()


def test_the_manage_page_lists_changes_and_erases_an_address(client):
    from subscriptions.delivery import manage_token

    first = follow(CommitmentFactory())
    second = follow(ZonalAdministrationFactory())
    follow(CommitmentFactory(), email="otra@example.org")
    token = manage_token(first.subscriber)
    url = f"/suscribirse/mis-suscripciones/{token}/"
    page = client.get(url).content.decode()
    assert first.commitment.code in page and str(second.zone) in page
    assert "otra@example.org" not in page and EMAIL not in page
    client.post(url, {"subscription": first.pk, "action": "frequency", "frequency": "weekly"})
    first.refresh_from_db()
    assert first.frequency == "weekly"
    client.post(url, {"subscription": second.pk, "action": "unsubscribe"})
    assert not Subscription.objects.filter(pk=second.pk).exists()
    client.post(url, {"action": "erase"})
    assert not Subscriber.objects.filter(email=EMAIL).exists()
    assert Subscriber.objects.filter(email="otra@example.org").exists()
    assert client.get(url).status_code == 404


def test_subscriptions_are_rate_limited_per_client_network(client, settings, django_capture_on_commit_callbacks):
    settings.SUBSCRIPTIONS_PER_HOUR = 2
    commitment = CommitmentFactory()
    for number in range(2):
        assert subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code,
                         email=f"v{number}@example.org").status_code == 302  # fmt: skip
    response = subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code)
    assert response.status_code == 429 and "Espera una hora" in response.content.decode()
    other = Client(REMOTE_ADDR="10.9.8.7")
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post("/suscribirse/", form(commitment=commitment.code)).status_code == 302


def test_a_mistake_is_not_counted_against_the_limit(client, settings, django_capture_on_commit_callbacks):
    settings.SUBSCRIPTIONS_PER_HOUR = 1
    commitment = CommitmentFactory()
    for _attempt in range(3):
        assert subscribe(client, django_capture_on_commit_callbacks, commitment="NOPE").status_code == 200
    assert subscribe(client, django_capture_on_commit_callbacks, commitment=commitment.code).status_code == 302


def test_the_pages_with_forms_or_personal_links_are_never_cached(client):
    from subscriptions.delivery import manage_token

    subscription = follow(CommitmentFactory())
    for path in ("/suscribirse/", f"/suscribirse/mis-suscripciones/{manage_token(subscription.subscriber)}/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], path
        assert EMAIL not in response.content.decode()
