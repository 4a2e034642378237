import re

import pytest
from django.core.management import call_command

from commitments.models import Milestone, Replanning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def seeded():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill("demo-test-password")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/")


def test_editor_reports_progress_with_evidence_and_the_public_page_shows_it(page, seeded, tmp_path):
    # DEMOQ0001 is led by the editor's demo institution (DEMO-SIVD).
    milestone = Milestone.objects.filter(commitment__code="DEMOQ0001", status=Milestone.Status.NOT_STARTED).first()
    log_in(page, "editor")
    page.goto(f"/admin/commitments/milestone/{milestone.pk}/change/")
    page.get_by_role("link", name="Reportar avance").click()
    page.get_by_label("Avance (%)").fill("60")
    page.get_by_label("Nota pública").fill("Talleres realizados en tres administraciones zonales")
    page.locator("#id_evidence-0-title").fill("Acta de los talleres")
    evidence_file = tmp_path / "acta.pdf"
    evidence_file.write_bytes(PDF)
    page.locator("#id_evidence-0-file").set_input_files(str(evidence_file))
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r".*/compromisos/DEMOQ0001/#hito-\d+"))
    section = page.locator(f"#hito-{milestone.order}")
    assert "60 %" in section.inner_text()
    assert "Talleres realizados en tres administraciones zonales" in section.inner_text()
    link = section.get_by_role("link", name="Acta de los talleres")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "acta-de-los-talleres.pdf"


def test_editor_cannot_reach_another_institutions_milestone(page, seeded):
    foreign = Milestone.objects.filter(commitment__code="DEMOQ0003").first()  # led by DEMO-SPVD, editor is DEMO-SIVD
    log_in(page, "editor")
    page.goto("/admin/commitments/milestone/")
    assert "DEMOQ0003" not in page.content()
    response = page.goto(f"/admin/commitments/milestone/{foreign.pk}/change/")
    assert response.status == 403


def test_editor_replans_a_milestone_with_a_reason_and_the_public_ledger_shows_it(page, seeded):
    milestone = Milestone.objects.filter(commitment__code="DEMOQ0001", revised_due_on__isnull=True).first()
    log_in(page, "editor")
    page.goto(f"/admin/commitments/milestone/{milestone.pk}/change/")
    page.locator("#id_revised_due_on").fill("2031-01-31")
    page.locator("input[name=_save]").click()
    # No reason: refused in Spanish, and the date typed is still in the form.
    assert "indique el motivo del cambio de fechas" in page.locator(".errorlist").first.inner_text()
    assert page.locator("#id_revised_due_on").input_value() == "2031-01-31"
    page.locator("#id_replan_reason").fill("El proveedor ficticio pidió un mes más (demostración).")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/commitments/milestone/")
    assert Replanning.objects.filter(milestone=milestone, reason__startswith="El proveedor ficticio").exists()
    page.goto("/compromisos/DEMOQ0001/cambios/")
    first = page.locator(".change").first
    assert "El proveedor ficticio pidió un mes más (demostración)." in first.inner_text()
    assert "Editor institucional" in first.inner_text()
    assert "editor" not in first.inner_text()  # the account name (lower case) is never shown
    page.goto("/compromisos/DEMOQ0001/")
    assert "Fecha cambiada" in page.locator(f"#hito-{milestone.order}").inner_text()


PUBLIC_PAGES = [
    "/",
    "/planes/",
    "/planes/segundo-plan-2022-2023/",
    "/compromisos/",
    "/planes/plan-demostracion-90/",
    "/compromisos/?status=delayed&q=demo",
    "/compromisos/ECQTO0001/",
    "/compromisos/DEMOQ0001/",
    "/compromisos/QGAPA0102/",
    "/instituciones/sgctypc/",
    "/instituciones/demo-sivd/",
    "/compromisos/ECQTO0001/cambios/",
    "/compromisos/DEMOQ0001/cambios/",
    "/planes/plan-demostracion-90/cambios/",
    "/planes/segundo-plan-2022-2023/cambios/",
]


@pytest.mark.parametrize("language", ["", "/en"])
def test_commitments_pages_pass_axe(page, assert_accessible, seeded, language):
    for url in PUBLIC_PAGES:
        page.goto(f"{language}{url}")
        assert_accessible(page)


def test_commitment_page_fits_a_320px_screen(page, seeded):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/compromisos/DEMOQ0001/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_coordinator_bulk_updates_progress_from_a_csv_file(page, seeded, tmp_path):
    first, second = Milestone.objects.filter(commitment__code="DEMOQ0003", status="not_started").order_by("order")[:2]
    csv_file = tmp_path / "avances.csv"
    csv_file.write_text(f"código;hito;avance;nota\nDEMOQ0003;{first.order};15;Inicio\nDEMOQ0003;{second.order};5;\n")
    log_in(page, "coordinador")
    page.goto("/admin/commitments/milestone/")
    page.get_by_role("link", name="Actualización masiva desde un CSV").click()
    page.get_by_label("Archivo CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Vista previa").click()
    assert "Vista previa: se guardarán estos reportes" in page.content()
    assert first.updates.count() == 0
    page.get_by_role("button", name="Guardar 2 reportes").click()
    page.wait_for_url("**/admin/commitments/milestone/")
    first.refresh_from_db()
    assert first.progress == 15
