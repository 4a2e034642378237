"""A guest follows a demonstration commitment and their own proposal by email, without an account."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from commitments.models import Commitment, Milestone
from proposals.models import Proposal
from subscriptions.delivery import confirm_token, manage_token, unsubscribe_token
from subscriptions.models import Subscriber, Subscription
from tests.browser.test_proposals import erasure_path
from tests.subscriptions.factories import follow, links_in, local_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUEST = "rosa.quishpe@example.org"


@pytest.fixture
def demo(settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def subscription_emails():
    """What the guest received from the subscriptions (the proposals' own emails carry no List-Unsubscribe)."""
    return [m for m in mail.outbox if m.to == [GUEST] and "List-Unsubscribe" in m.extra_headers]


def follow_by_email(page, assert_accessible, link_name):
    page.get_by_role("link", name=link_name).click()
    page.wait_for_url("**/suscribirse/?*")
    assert_accessible(page)
    page.get_by_label("Tu correo electrónico").fill(GUEST)
    page.get_by_label("He leído el aviso de privacidad").check()
    page.get_by_role("button", name="Suscribirme").click()
    page.wait_for_url("**/suscribirse/enviado/")
    assert_accessible(page)


def test_a_guest_follows_a_commitment_and_their_proposal_then_unsubscribes(page, assert_accessible, demo):
    # A milestone of a validated roadmap, so that a change of its dates goes to the re-planning ledger.
    validated = Milestone.objects.filter(commitment__roadmap_validated_on__lte=timezone.localdate())
    milestone = validated.filter(is_demo=True, progress__lte=60).order_by("pk").first()
    commitment = milestone.commitment

    # The guest sends a proposal and keeps its code.
    page.goto("/propuestas/nueva/")
    page.get_by_label("Nombre completo").fill("Rosa Quishpe")
    page.get_by_label("Correo electrónico").fill(GUEST)
    page.get_by_label("Título de tu propuesta").fill("Luminarias en el parque del barrio")
    page.get_by_label("¿Cuál es el problema?").fill("El parque queda a oscuras por la noche.")
    page.locator("#id_topic").select_option("civic_participation")
    page.locator("#id_zone").select_option(index=1)
    page.get_by_label("¿Qué propones?").fill("Instalar luminarias y publicar el calendario de mantenimiento.")
    page.get_by_label("He leído el aviso de privacidad").check()
    page.get_by_role("button", name="Enviar mi propuesta").click()
    page.wait_for_url("**/propuestas/nueva/enviada/")
    code = page.locator("#tracking-code").inner_text().strip()
    proposal = Proposal.objects.get(code=code)

    # Follows it, and the demonstration commitment, from their pages.
    page.goto(proposal.get_absolute_url())
    follow_by_email(page, assert_accessible, "Seguir esta propuesta por correo")
    page.goto(commitment.get_absolute_url())
    follow_by_email(page, assert_accessible, "Seguir este compromiso por correo")
    confirmations = subscription_emails()
    assert len(confirmations) == 2 and Subscription.objects.confirmed().count() == 0

    # Nothing is sent before confirming.
    with_progress = milestone.progress + 10
    milestone.report(progress=with_progress, note="Primer tramo")
    assert len(subscription_emails()) == 2

    for message in confirmations:
        (link,) = links_in(message, "/suscribirse/confirmar/")
        page.goto(local_path(link))
        assert_accessible(page)
        page.get_by_role("button", name="Confirmar mi suscripción").click()
        page.wait_for_selector("h1:has-text('Suscripción confirmada')")
        assert_accessible(page)
    assert Subscription.objects.confirmed().filter(subscriber__email=GUEST).count() == 2

    # An editor reports progress and re-plans the milestone with a reason, a moderator moves the proposal on; the
    # worker runs each task as it is queued.
    milestone.refresh_from_db()
    milestone.report(progress=with_progress + 10, note="Segundo tramo")
    milestone.refresh_from_db()
    editor = get_user_model().objects.get(username="editor")
    later = milestone.effective_due_on + timedelta(days=30)
    assert milestone.replan(due_on=later, reason="Las lluvias retrasaron la obra (demostración).", by=editor)
    Proposal.objects.get(pk=proposal.pk).change_status(Proposal.Status.UNDER_REVIEW)
    progress_email, replan_email, status_email = subscription_emails()[2:]
    assert len(subscription_emails()) == 5  # exactly one email per event
    assert commitment.code in progress_email.body and "DATOS DE DEMOSTRACIÓN" in progress_email.body
    assert "se replanificó" in replan_email.body and "Las lluvias retrasaron la obra" in replan_email.body
    assert code in status_email.body and "En revisión" in status_email.body

    # One click on the commitment's email: the mail client's POST, without any CSRF token.
    target = re.match(r"<([^>]+)>", progress_email.extra_headers["List-Unsubscribe"]).group(1)
    response = page.request.post(local_path(target), form={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    # The proposal's: the link in the email, then the button.
    (link,) = links_in(status_email, "/suscribirse/baja/")
    page.goto(local_path(link))
    assert_accessible(page)
    page.get_by_role("button", name="Dejar de seguir").click()
    page.wait_for_selector("h1:has-text('Ya no lo sigues')")
    assert_accessible(page)

    milestone.refresh_from_db()
    milestone.report(progress=with_progress + 20, note="Tercer tramo")
    Proposal.objects.get(pk=proposal.pk).change_status(Proposal.Status.ACCEPTED)
    assert len(subscription_emails()) == 5  # nothing more

    # Erasing the proposal's contact data erases the address too.
    assert Subscriber.objects.filter(email=GUEST).exists()
    page.goto(erasure_path(Proposal.objects.select_related("contact").get(pk=proposal.pk)))
    page.get_by_role("button", name="Borrar mis datos").click()
    page.wait_for_url(f"**/propuestas/{code}/")
    assert not Subscriber.objects.filter(email=GUEST).exists()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_subscription_pages_pass_axe(page, assert_accessible, demo, prefix):
    commitment = Commitment.objects.filter(is_demo=True).order_by("code").first()
    subscription = follow(commitment)
    subscriber = subscription.subscriber
    pages = [
        "/suscribirse/",
        f"/suscribirse/?compromiso={commitment.code}",
        "/suscribirse/?zona=",
        "/suscribirse/enviado/",
        f"/suscribirse/confirmar/{confirm_token(subscription)}/",
        f"/suscribirse/baja/{unsubscribe_token(subscriber, [subscription.pk])}/",
        f"/suscribirse/mis-suscripciones/{manage_token(subscriber)}/",
        "/suscribirse/mis-suscripciones/caducado/",
    ]
    for url in pages:
        page.goto(prefix + url)
        assert_accessible(page)
    # The form sent with mistakes: the summary and each message.
    page.goto(prefix + "/suscribirse/?compromiso=NOEXISTE")
    page.locator("#subscription-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
