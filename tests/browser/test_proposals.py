import re

import pytest
from django.core import mail
from django.core.management import call_command

from proposals.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    answered = Proposal.objects.filter(status=Proposal.Status.INCORPORATED, commitments__isnull=False).first()
    hidden = Proposal.objects.filter(status=Proposal.Status.RECEIVED).first()
    hidden.hide(reason="Contenido publicitario sin relación con la ciudad.")
    return {"answered": answered, "hidden": hidden}


def erasure_path(proposal):
    from django.core import signing

    from proposals.emails import ERASURE_SALT, email_digest

    token = signing.dumps(
        {"contact": proposal.contact.pk, "email": email_digest(proposal.contact.email)}, salt=ERASURE_SALT
    )
    return f"/propuestas/borrar-datos/{token}/"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_proposal_pages_pass_axe(page, assert_accessible, demo, settings, prefix):
    pages = [
        "/propuestas/",
        "/propuestas/?q=participacion&zone=1",
        "/propuestas/nueva/",
        "/propuestas/seguimiento/",
        "/propuestas/seguimiento/?code=QGA-222-222-222",
        f"/propuestas/{demo['answered'].code}/",
        f"/propuestas/{demo['hidden'].code}/",
        "/propuestas/borrar-datos/enlace-caducado/",
        erasure_path(demo["answered"]),
    ]
    for url in pages:
        page.goto(prefix + url)
        assert_accessible(page)
    # The form with every error shown, then sent: the page with the tracking code.
    page.goto(prefix + "/propuestas/nueva/")
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_selector(".errorlist")
    assert_accessible(page)
    page.locator("#id_name").fill("Ana")
    page.locator("#id_email").fill("ana@example.org")
    page.locator("#id_title").fill("Propuesta")
    page.locator("#id_problem").fill("Problema")
    page.locator("#id_solution").fill("Solución")
    page.locator("#id_topic").select_option("civic_participation")
    page.locator("#id_zone").select_option(index=1)
    page.locator("#id_consent").check()
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_selector("#tracking-code")
    assert_accessible(page)
    # The page shown when the lookups of one address exceed the limit.
    settings.PROPOSALS_LOOKUPS_PER_HOUR = 0
    page.goto(prefix + "/propuestas/seguimiento/?code=QGA-222-222-222")
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_closed_call_page_passes_axe(page, assert_accessible, prefix):
    page.goto(prefix + "/propuestas/nueva/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_a_guest_proposal_is_answered_by_the_moderator_and_the_guest_reads_the_answer(page, assert_accessible, demo):
    # A guest sends a proposal with accented text.
    page.goto("/propuestas/nueva/")
    page.get_by_label("Nombre completo").fill("Inés Guamán")
    page.get_by_label("Correo electrónico").fill("ines.guaman@example.org")
    page.get_by_label("Teléfono (opcional)").fill("0987654321")
    page.get_by_label("Título de tu propuesta").fill("Señalética accesible en Conocoto")
    page.get_by_label("¿Cuál es el problema?").fill("Las personas con discapacidad no encuentran la información.")
    page.locator("#id_topic").select_option("access_to_information")
    page.locator("#id_zone").select_option(label="Los Chillos (Valle de Los Chillos)")
    # With JavaScript, only the chosen zone's parishes (and those whose zone is unconfirmed) stay selectable.
    assert page.locator("#id_parish optgroup[label='Tumbaco']").evaluate("group => group.disabled")
    unconfirmed = "#id_parish optgroup[label='Parroquia urbana (administración zonal por confirmar)']"
    assert not page.locator(unconfirmed).evaluate("group => group.disabled")
    page.locator("#id_parish").select_option(label="Conocoto")
    page.get_by_label("¿Qué propones?").fill("Señalética en braille e información en lectura fácil.")
    page.get_by_label("He leído el aviso de privacidad").check()
    page.get_by_role("button", name="Enviar mi propuesta").click()
    page.wait_for_url("**/propuestas/nueva/enviada/")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"QGA-\w{3}-\w{3}-\w{3}", code)
    assert_accessible(page)
    assert any(code in message.body for message in mail.outbox)

    # The moderator answers it in the admin.
    moderator = page.context.browser.new_context(base_url=page.url.split("/propuestas")[0], locale="es-EC")
    admin = moderator.new_page()
    admin.goto("/admin/login/")
    admin.locator("#id_username").fill("moderador")
    admin.locator("#id_password").fill("demo-test-password")
    admin.locator("input[type=submit]").click()
    admin.goto("/admin/proposals/proposalqueue/?q=" + code)
    admin.get_by_role("link", name=code).click()
    admin.wait_for_selector("#id_new_status")
    assert admin.locator("#id_contact-0-email").input_value() == "ines.guaman@example.org"
    admin.locator("#id_new_status").select_option("accepted")
    admin.locator("#id_status_note").fill("Revisada en la mesa de la Administración Zonal Los Chillos.")
    admin.locator("#id_response_text").fill("Incluiremos la señalética accesible en la próxima intervención.")
    admin.locator(".field-commitments .select2-selection").click()
    admin.keyboard.type("ECQTO0001")
    admin.locator(".select2-results__option", has_text="ECQTO0001").click()
    admin.locator("input[name=_save]").click()
    admin.wait_for_selector(".messagelist .success, .errornote")
    assert admin.locator(".errornote").count() == 0, admin.locator("#content").inner_text()
    moderator.close()

    # The guest looks the code up and reads the answer.
    page.goto("/propuestas/seguimiento/")
    page.get_by_label("Código de seguimiento").first.fill(code.lower().replace("-", ""))
    page.get_by_role("button", name="Buscar mi propuesta").click()
    page.wait_for_url(f"**/propuestas/{code}/")
    content = page.locator("main").inner_text()
    assert "Señalética accesible en Conocoto" in content
    assert "Incluiremos la señalética accesible" in content
    assert "Revisada en la mesa de la Administración Zonal Los Chillos." in content
    assert "Aceptada" in content
    assert page.locator("main a[href='/compromisos/ECQTO0001/']").count() == 1
    assert "Inés Guamán" not in content and "ines.guaman@example.org" not in content
    assert_accessible(page)


def test_on_a_phone_one_mistake_focuses_the_summary_keeps_the_input_and_the_link_reaches_the_field(
    page, assert_accessible, demo
):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/propuestas/nueva/")
    page.locator("#id_title").fill("Veredas seguras en La Magdalena")
    page.locator("#id_problem").fill("Las veredas están rotas y no hay rampas.")
    page.locator("#id_topic").select_option("civic_participation")
    page.locator("#id_zone").select_option(index=1)
    page.locator("#id_solution").fill("Un plan de arreglo con los vecinos.")
    page.locator("#id_name").fill("Ana")
    page.locator("#id_email").fill("ana-sin-arroba")  # the one mistake
    page.locator("#id_consent").check()
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_selector("#form-errors")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator("#id_title").input_value() == "Veredas seguras en La Magdalena"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.locator("#form-errors a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.locator("#id_email").fill("ana@example.org")
    assert page.locator("#id_consent").is_checked()  # the consent given stays given
    page.locator("form.proposal-form button[type=submit]").click()
    page.wait_for_selector("#tracking-code")
    assert "Qué pasa ahora" in page.content()
    assert_accessible(page)
