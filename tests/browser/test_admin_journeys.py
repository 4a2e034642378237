"""Staff journeys through the admin in Spanish, each ending with what the public sees; axe on every admin page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.models import Milestone
from proposals.models import Proposal
from tests.browser.test_commitments import PDF, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def test_editor_reports_the_most_overdue_milestone_with_evidence(page, assert_accessible, seeded, tmp_path):
    editor = get_user_model().objects.get(username="editor")
    most_overdue = Milestone.objects.editable_by(editor).delayed().by_urgency().first()
    log_in(page, "editor")
    assert_accessible(page)
    first_row = page.locator("#work-overdue tbody tr").first
    assert str(most_overdue) in first_row.inner_text()
    # The full list, most urgent first, then the milestone's own page.
    page.goto("/admin/commitments/milestone/")
    assert_accessible(page)
    assert str(most_overdue) in page.locator("#result_list tbody tr").first.inner_text()
    page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url(f"**/admin/commitments/milestone/{most_overdue.pk}/change/")
    assert_accessible(page)
    page.get_by_role("link", name="Reportar avance").first.click()
    page.wait_for_url(f"**/admin/commitments/progressupdate/add/?milestone={most_overdue.pk}")
    assert_accessible(page)
    progress = min(most_overdue.progress + 20, 95)
    page.get_by_label("Avance (%)").fill(str(progress))
    page.get_by_label("Nota pública").fill("Informe de avance con el acta de la mesa técnica")
    page.get_by_label("Título").first.fill("Acta de la mesa técnica")
    evidence_file = tmp_path / "acta.pdf"
    evidence_file.write_bytes(PDF)
    page.get_by_label("Archivo").first.set_input_files(str(evidence_file))  # the file field has a visible label
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(rf".*/compromisos/{most_overdue.commitment.code}/#hito-\d+"))
    section = page.locator(f"#hito-{most_overdue.order}")
    assert f"{progress} %" in section.inner_text()
    assert "Informe de avance con el acta de la mesa técnica" in section.inner_text()
    assert section.get_by_role("link", name="Acta de la mesa técnica").is_visible()


def test_moderator_answers_the_oldest_proposal_with_a_reasoned_response(page, assert_accessible, seeded):
    oldest = Proposal.objects.awaiting_answer().first()
    log_in(page, "moderador")
    assert_accessible(page)
    waiting = page.locator("#work-awaiting_answer tbody tr").first
    assert oldest.code in waiting.inner_text()
    waiting.get_by_role("link").first.click()
    page.wait_for_url(f"**/admin/proposals/proposal/{oldest.pk}/change/")
    # The autocomplete boxes are named by their labels once Select2 has drawn them.
    page.wait_for_selector("#id_duplicate_of + .select2 .select2-selection[aria-labelledby^='id_duplicate_of-label']")
    assert_accessible(page)
    page.get_by_label("Nuevo estado").select_option("not_accepted")
    response = "No se incorpora: la competencia es de la Secretaría de Movilidad, a la que se remitió la propuesta."
    page.get_by_label("Respuesta motivada (pública)").fill(response)
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/proposals/proposal/")
    assert_accessible(page)
    assert "Se guardaron los cambios" in page.locator(".messagelist").inner_text()
    page.goto(f"/propuestas/{oldest.code}/")
    content = page.locator("main").inner_text()
    assert "No aceptada" in content and response in content
    assert "aún no ha respondido" not in content


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_admin_in_the_portals_colours_passes_axe_in_light_and_dark(page, assert_accessible, seeded, scheme):
    page.emulate_media(color_scheme=scheme)
    editor = get_user_model().objects.get(username="editor")
    milestone = Milestone.objects.editable_by(editor).delayed().by_urgency().first()
    page.goto("/admin/login/")
    assert_accessible(page)
    log_in(page, "editor")
    header = page.locator("#header")
    assert page.evaluate("getComputedStyle(document.getElementById('header')).backgroundColor") == "rgb(11, 58, 110)"
    assert "Gobierno Abierto Quito — Administración" in header.inner_text()
    for url in [
        "/admin/",
        "/admin/commitments/milestone/?pendiente=vencidos",
        f"/admin/commitments/milestone/{milestone.pk}/change/",
        f"/admin/commitments/milestone/{milestone.pk}/history/",
        f"/admin/commitments/progressupdate/add/?milestone={milestone.pk}",
        "/admin/password_change/",
    ]:
        page.goto(url)
        assert_accessible(page)
