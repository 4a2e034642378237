"""A citizen on a small phone: every main page fits 320 px, passes axe at 360 px, content sits in landmarks."""

import pytest
from django.core.management import call_command

from commitments.models import ActionPlan, Replanning
from council.models import Session
from proposals.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages():
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    plan = ActionPlan.objects.filter(is_demo=False).order_by("-number").first()
    session = Session.objects.order_by("number").first()
    proposal = Proposal.objects.order_by("pk").first()
    replanned = Replanning.objects.select_related("milestone__commitment__plan", "milestone__responsible").first()
    return [
        "/",
        "/planes/",
        plan.get_absolute_url(),
        "/compromisos/",
        "/compromisos/DEMOQ0001/",
        "/compromisos/ECQTO0001/",
        "/compromisos/ECQTO0001/cambios/",
        f"{replanned.milestone.commitment.get_absolute_url()}cambios/",
        f"{replanned.milestone.commitment.plan.get_absolute_url()}cambios/",
        replanned.milestone.responsible.get_absolute_url(),
        "/consejo/",
        "/consejo/sesiones/",
        session.get_absolute_url(),
        "/propuestas/",
        proposal.get_absolute_url(),
        "/propuestas/nueva/",
        "/propuestas/seguimiento/",
        "/datos/",
        "/datos/api/",
        "/glosario/",
        "/accesibilidad/",
    ]


def test_no_main_page_overflows_a_320px_screen(page, pages):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for url in pages:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    assert not too_wide


def test_main_pages_pass_axe_at_360px_with_all_content_in_landmarks(page, pages, assert_accessible):
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": 360, "height": 740})
    outside_landmarks = {}
    for url in pages:
        page.goto(url)
        assert_accessible(page)
        result = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["region"]}})
        if result.response["violations"]:
            outside_landmarks[url] = [node["target"] for node in result.response["violations"][0]["nodes"]]
    assert not outside_landmarks


def test_glossary_link_takes_a_newcomer_from_the_commitment_page_to_the_definition(page, pages):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/compromisos/DEMOQ0001/")
    page.get_by_role("link", name="¿Qué significa «Hito»?").click()
    page.wait_for_url("**/glosario/#hito")
    assert page.locator("#hito").is_visible()
    assert "hoja de ruta" in page.locator("#hito + dd").inner_text()
