"""Issue 15's "done when", as one journey on a 360 px phone: a newcomer on the home page finds what the plan is,
opens a commitment, sees how many of its milestones the council verified and the proposals behind it, sends a
proposal making one mistake (focus on the error summary, the input kept) and reads what happens next. axe-core
checks every page on the way."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from commitments.models import Commitment
from council.models import MilestoneReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commitment(settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    verified = MilestoneReview.objects.visible_to(None).exclude(outcome=MilestoneReview.Outcome.NOT_VERIFIED)
    chosen = (
        Commitment.objects.filter(milestones__council_reviews__in=verified, proposals__is_hidden=False)
        .distinct()
        .order_by("code")
        .first()
    )
    assert chosen is not None, "the demonstration data has a commitment with a verification and public proposals"
    return chosen


def test_newcomer_on_a_phone_understands_checks_a_commitment_and_sends_a_proposal(page, assert_accessible, commitment):
    page.set_viewport_size({"width": 360, "height": 740})

    # 1. The home page says what this is: open government, OGP Local, the plan, the council, how to take part.
    page.goto("/")
    about = page.get_by_role("region", name="¿Qué es esto?")
    assert about.is_visible()
    text = about.inner_text()
    assert "Gobierno abierto" in text and "OGP Local" in text and "Consejo" in text and "propuesta" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    # 2. The commitments entry point is a link; the newcomer opens one commitment from the list.
    page.locator("main").get_by_role("link", name="Compromisos", exact=True).click()
    page.wait_for_url("**/compromisos/")
    assert_accessible(page)
    page.locator(f"main a[href='{commitment.get_absolute_url()}']").first.click()
    page.wait_for_url(f"**{commitment.get_absolute_url()}")

    # 3. Its header says how many milestones the council verified; the proposals that shaped it are linked.
    verified = page.locator(".council-verified-count").inner_text().strip()
    match = re.fullmatch(r"(\d+) de (\d+) hitos? verificados? por el Consejo", verified)
    assert match and 1 <= int(match[1]) <= int(match[2]), verified
    proposals = page.get_by_role("region", name="Propuestas ciudadanas que le dieron forma")
    assert proposals.locator("a[href^='/propuestas/QGA-']").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)

    # 4. Back home, "Envía tu propuesta" opens the form; the proposal comes first, personal data last.
    page.goto("/")
    page.get_by_role("link", name="Envía tu propuesta").click()
    page.wait_for_url("**/propuestas/nueva/")
    assert_accessible(page)
    fields = page.locator("form.proposal-form :is(input, select, textarea):visible")
    ids = [fields.nth(index).get_attribute("id") for index in range(fields.count())]
    assert ids.index("id_title") < ids.index("id_problem") < ids.index("id_name") < ids.index("id_email")
    page.locator("#id_title").fill("Bancas y sombra en el parque del barrio")
    page.locator("#id_problem").fill("Las personas mayores no tienen dónde descansar en el parque.")
    page.locator("#id_solution").fill("Instalar bancas con sombra, elegidas con los vecinos.")
    page.locator("#id_topic").select_option("civic_participation")
    page.locator("#id_zone").select_option(index=1)
    page.locator("#id_name").fill("Rosa Quishpe")
    page.locator("#id_email").fill("rosa-sin-arroba")  # the one mistake
    page.locator("#id_consent").check()
    page.locator("form.proposal-form button[type=submit]").click()

    # 5. The error summary takes the focus, links to the field, and nothing typed is lost.
    page.wait_for_selector("#form-errors")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator("#id_title").input_value() == "Bancas y sombra en el parque del barrio"
    assert page.locator("#id_email").input_value() == "rosa-sin-arroba"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.locator("#form-errors a[href='#id_email']").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.locator("#id_email").fill("rosa.quishpe@example.org")
    page.locator("form.proposal-form button[type=submit]").click()

    # 6. The confirmation says what happens next: public or not, the email sent, the answer target, the code.
    page.wait_for_url("**/propuestas/nueva/enviada/")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"QGA-\w{3}-\w{3}-\w{3}", code)
    next_steps = page.locator("main").inner_text()
    assert "Qué pasa ahora" in next_steps and "Tu propuesta ya es pública" in next_steps
    assert "Enviamos el código a" in next_steps and "@example.org" in next_steps  # the address, masked
    assert "rosa.quishpe@example.org" not in next_steps
    assert "El municipio se propone responder en" in next_steps
    assert "Guarda este código" in next_steps
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    assert any(code in message.body for message in mail.outbox)
