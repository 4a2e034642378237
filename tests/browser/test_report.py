"""The end-of-term report and the standards checklist in a browser: axe in both languages, 320 px, and the printed
report (Chromium's PDF output and the print-media layout): one section per commitment, each on its own page, with
its evidence checksums and the links' addresses spelled out."""

import pytest
from django.core.management import call_command

from commitments.models import COORDINATION_GROUP, ActionPlan, CocreationRequirement, Evidence
from tests.factories import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plans(live_server):
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    real = ActionPlan.objects.filter(is_demo=False).order_by("-number").first()
    demo = ActionPlan.objects.get(slug="plan-demostracion-90")
    return {"real": real, "demo": demo}


def urls(plans):
    paths = []
    for plan in plans.values():
        for suffix in ("estandares/", "informe/"):
            paths += [f"{plan.get_absolute_url()}{suffix}", f"/en{plan.get_absolute_url()}{suffix}"]
    return paths


def test_the_report_and_standards_pages_pass_axe_in_both_languages(page, plans, assert_accessible):
    for url in urls(plans):
        page.goto(url)
        assert_accessible(page)


def test_the_report_and_standards_pages_fit_a_320px_screen(page, plans):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for url in urls(plans):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    assert not too_wide


def test_the_printed_report_has_one_page_broken_section_per_commitment_with_its_checksums(page, plans):
    plan = plans["demo"]
    codes = list(plan.commitments.order_by("code").values_list("code", flat=True))
    checksums = {
        code: set(
            Evidence.objects.filter(update__milestone__commitment__code=code)
            .exclude(file="")
            .values_list("sha256", flat=True)
        )
        for code in codes
    }
    assert all(len(checksum) == 64 for values in checksums.values() for checksum in values)
    assert any(checksums.values())
    page.goto(f"{plan.get_absolute_url()}informe/")
    page.emulate_media(media="print")
    sections = page.locator("section.report-commitment")
    assert sections.count() == len(codes)
    for index, code in enumerate(codes):
        section = sections.nth(index)
        assert section.get_attribute("id") == f"compromiso-{code}"
        assert section.evaluate("element => getComputedStyle(element).breakBefore") == "page"
        shown = set(section.locator("code.checksum").all_inner_texts())
        assert shown == checksums[code], code
    # No navigation on paper; every link's address is printed after it.
    assert page.locator("header.site-header").evaluate("element => getComputedStyle(element).display") == "none"
    assert page.locator("nav.breadcrumbs").evaluate("element => getComputedStyle(element).display") == "none"
    link = page.locator("section.report-commitment a[href^='http']").first
    after = link.evaluate("element => getComputedStyle(element, '::after').content")
    assert link.get_attribute("href") in after
    # Chromium's PDF output: at least one page per commitment, after the plan's summary.
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF-")
    pages = pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + pdf.count(b"/Type /Page>")
    assert pages >= len(codes) + 1, pages


def test_the_coordinator_marks_a_requirement_and_the_public_page_shows_it(page, plans):
    staff_user("coordinacion", COORDINATION_GROUP, password="clave-de-prueba-larga")
    requirement = CocreationRequirement.objects.get(plan=plans["real"], number="4.1")
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill("coordinacion")
    page.get_by_label("Contraseña").fill("clave-de-prueba-larga")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(f"/admin/commitments/cocreationrequirement/{requirement.pk}/change/")
    page.get_by_label("Estado").select_option("partly")
    page.get_by_role("button", name="Guardar", exact=True).click()
    # No evidence and no note: refused, with the message in Spanish and the choice kept.
    page.get_by_text("Enlace la evidencia o escriba una nota").wait_for()
    assert page.get_by_label("Estado").input_value() == "partly"
    page.locator("#id_evidence_link").fill(f"/planes/{plans['real'].slug}/respuestas/")
    page.locator("#id_evidence_label").fill("Registro de respuestas")
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.locator(".messagelist .success").wait_for()
    page.goto(f"{plans['real'].get_absolute_url()}estandares/")
    item = page.locator("#requisito-4\\.1")
    assert "Cumplido en parte" in item.inner_text()
    assert item.get_by_role("link", name="Registro de respuestas").get_attribute("href").endswith("/respuestas/")
