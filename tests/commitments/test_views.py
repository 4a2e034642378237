import datetime

import pytest
from django.core.management import call_command

from commitments.models import Commitment, Evidence, Milestone
from tests.commitments.factories import PDF_BYTES, EvidenceFactory, pdf_upload
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

# Queries per public page once the demo-notice flag is cached: the same at every scale.
QUERY_BUDGET = {
    "/": 3,
    "/planes/": 1,
    "/planes/segundo-plan-2022-2023/": 2,
    "/planes/plan-demostracion-90/": 2,
    "/compromisos/": 5,
    "/compromisos/?q=participación&plan=segundo-plan-2022-2023&lead=sgctypc&value=civic_participation&status=delayed": (
        7
    ),
    "/compromisos/?q=demostración&plan=plan-demostracion-90&lead=demo-sivd&status=delayed": 7,
    "/compromisos/ECQTO0001/": 4,  # the real commitment has no roadmap in the sources: no milestone queries
    "/compromisos/DEMOQ0001/": 7,  # 6 + the council's reviews (MilestoneQuerySet.page_prefetches)
    "/instituciones/sgctypc/": 4,
    "/instituciones/demo-sivd/": 4,
    "/en/compromisos/ECQTO0005/": 4,
    "/en/compromisos/DEMOQ0002/": 7,
}


@pytest.mark.parametrize("scale", [1, 20])
def test_public_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, scale):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=scale)
    client.get("/")  # caches the demo-notice flag
    for url, budget in QUERY_BUDGET.items():
        with django_assert_num_queries(budget, info=url):
            response = client.get(url)
        assert response.status_code == 200, url


def test_demo_notice_shows_while_demo_data_exists_and_costs_one_cached_query(client, django_assert_num_queries):
    call_command("load_quito_plan")
    assert "Este sitio contiene datos de demostración" not in client.get("/planes/").content.decode()
    call_command("seed_demo", scale=1)
    with django_assert_num_queries(2):
        content = client.get("/planes/").content.decode()
    assert "Este sitio contiene datos de demostración" in content
    with django_assert_num_queries(1):
        client.get("/planes/")
    Commitment.objects.filter(is_demo=True).delete()
    Milestone.objects.all().delete()
    assert "Este sitio contiene datos de demostración" not in client.get("/planes/").content.decode()
    commitment = Commitment.objects.get(code="ECQTO0001")
    milestone = MilestoneFactory(commitment=commitment, is_demo=True)
    assert "Este sitio contiene datos de demostración" in client.get("/planes/").content.decode()
    milestone.delete()
    assert "Este sitio contiene datos de demostración" not in client.get("/planes/").content.decode()


@pytest.fixture
def plan_with_progress():
    plan = ActionPlanFactory(is_current=True, title="Segundo Plan", title_en="Second Plan")
    commitment = CommitmentFactory(
        plan=plan, code="ECQTO0001", short_title="Capacitar en participación", short_title_en="Train in participation"
    )
    done = MilestoneFactory(commitment=commitment, order=1, title="Diagnóstico", due_on=datetime.date(2023, 4, 1))
    late = MilestoneFactory(
        commitment=commitment, order=2, title="Talleres", due_on=datetime.date(2023, 5, 1),
        revised_due_on=datetime.date(2023, 6, 1),
    )  # fmt: skip
    item = Evidence(title="Informe del diagnóstico", file=pdf_upload())
    done.report(progress=100, note="Diagnóstico publicado", reported_on=datetime.date(2023, 3, 30), evidence=[item])
    late.report(progress=40, note="Dos talleres realizados", reported_on=datetime.date(2023, 5, 2))
    commitment.refresh_from_db()
    return plan, commitment, done, late


def test_home_shows_the_current_plan_its_commitments_and_latest_updates(client, plan_with_progress):
    _plan, _commitment, _done, _late = plan_with_progress
    content = client.get("/").content.decode()
    assert "Segundo Plan" in content
    assert "Capacitar en participación" in content
    assert 'width="70.0"' in content or 'width="70"' in content  # weighted mean of 100 and 40
    assert "Retrasado" in content
    assert "Talleres" in content  # latest updates
    assert "Gobierno Abierto Quito" in content


def test_home_in_english_shows_english_texts(client, plan_with_progress):
    content = client.get("/en/").content.decode()
    assert "Second Plan" in content
    assert "Train in participation" in content
    assert "Delayed" in content
    assert '<span lang="es">Talleres</span>' in content


def test_plan_list_and_detail(client, plan_with_progress):
    plan, commitment, _done, _late = plan_with_progress
    content = client.get("/planes/").content.decode()
    assert plan.get_absolute_url() in content
    assert "70 %" in content
    content = client.get(plan.get_absolute_url()).content.decode()
    assert commitment.get_absolute_url() in content
    assert "1 de 2 hitos cumplidos" in content


def test_commitment_page_shows_roadmap_evidence_and_assessments(client, plan_with_progress):
    _plan, commitment, _done, _late = plan_with_progress
    content = client.get(commitment.get_absolute_url()).content.decode()
    assert "Hoja de ruta" in content
    assert "<svg" in content and 'role="img"' in content
    assert "<table>" in content and "Fecha de entrega revisada" in content
    assert "hoy" in content
    assert "Informe del diagnóstico" in content
    evidence = Evidence.objects.get()
    assert f"/evidencias/{evidence.pk}/descargar/" in content
    assert "Diagnóstico publicado" in content
    assert "Autoevaluación" in content and "Evaluación independiente" in content
    days = (datetime.date.today() - datetime.date(2023, 6, 1)).days
    assert "días de retraso" in content
    assert str(days) in content
    assert "1 de junio de 2023" in content  # the revised due date, in Spanish


def test_commitment_page_in_english_marks_spanish_only_text(client, plan_with_progress):
    _plan, commitment, _done, _late = plan_with_progress
    content = client.get(f"/en{commitment.get_absolute_url()}").content.decode()
    assert "Roadmap" in content
    assert '<span lang="es">Talleres</span>' in content
    assert "days late" in content


def test_commitment_page_falls_back_to_the_other_language_with_lang(client):
    commitment = CommitmentFactory(title="Título en español", problem="", problem_en="Only in English.")
    content = client.get(f"/compromisos/{commitment.code}/").content.decode()
    assert '<div lang="en"><p>Only in English.</p></div>' in content


def test_unknown_commitment_is_404(client):
    assert client.get("/compromisos/ECQTO9999/").status_code == 404


def test_commitment_list_filters_and_search(client, plan_with_progress):
    plan, commitment, _done, _late = plan_with_progress
    other = CommitmentFactory(plan=plan, code="ECQTO0005", short_title="Portal de datos abiertos")
    content = client.get("/compromisos/").content.decode()
    assert "2 compromisos encontrados" in content
    content = client.get("/compromisos/?q=portal").content.decode()
    assert other.get_absolute_url() in content and commitment.get_absolute_url() not in content
    content = client.get("/compromisos/?status=delayed").content.decode()
    assert commitment.get_absolute_url() in content and other.get_absolute_url() not in content
    content = client.get("/compromisos/?status=not_started").content.decode()
    assert other.get_absolute_url() in content and commitment.get_absolute_url() not in content
    content = client.get(f"/compromisos/?lead={other.lead.slug}").content.decode()
    assert other.get_absolute_url() in content and commitment.get_absolute_url() not in content
    content = client.get(f"/compromisos/?plan={plan.slug}&status=delayed").content.decode()
    assert "1 compromiso encontrado" in content


def test_commitment_list_rejects_unknown_filter_values_with_a_message(client, plan_with_progress):
    response = client.get("/compromisos/?plan=no-existe")
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()


def test_commitment_list_paginates_and_keeps_the_filters(client):
    plan = ActionPlanFactory()
    CommitmentFactory.create_batch(25, plan=plan)
    content = client.get(f"/compromisos/?plan={plan.slug}").content.decode()
    assert f"?plan={plan.slug}&amp;page=2" in content
    assert client.get(f"/compromisos/?plan={plan.slug}&page=2").status_code == 200


def test_organization_page_lists_led_co_led_and_delayed(client, plan_with_progress):
    _plan, commitment, _done, _late = plan_with_progress
    partner = OrganizationFactory(name="Universidad de Prueba")
    commitment.co_responsible.add(partner)
    content = client.get(commitment.lead.get_absolute_url()).content.decode()
    assert commitment.get_absolute_url() in content
    assert "Hitos retrasados" in content and "Talleres" in content
    content = client.get(partner.get_absolute_url()).content.decode()
    assert "Compromisos en los que es corresponsable" in content
    assert commitment.get_absolute_url() in content


def test_evidence_download_streams_the_file_with_a_safe_name(client):
    evidence = EvidenceFactory(title='Informe "final"; <script>')
    response = client.get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"] == 'attachment; filename="informe-final-script.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_evidence_links_are_not_downloads(client):
    evidence = EvidenceFactory(file="", url="https://example.org/informe")
    assert evidence.get_absolute_url() == "https://example.org/informe"
    assert client.get(f"/evidencias/{evidence.pk}/descargar/").status_code == 404
    assert client.get("/evidencias/999999/descargar/").status_code == 404


@pytest.mark.parametrize(
    ("path", "spanish", "english"),
    [
        ("/planes/", "Planes de acción", "Action plans"),
        ("/compromisos/", "Filtrar compromisos", "Filter commitments"),
        ("/compromisos/ECQTO0001/", "Evaluación independiente", "Independent assessment"),
        ("/instituciones/{org}/", "Compromisos que lidera", "Commitments it leads"),
    ],
)
def test_pages_speak_spanish_at_the_root_and_english_under_en(client, plan_with_progress, path, spanish, english):
    _plan, commitment, _done, _late = plan_with_progress
    path = path.format(org=commitment.lead.slug)
    content = client.get(path).content.decode()
    assert '<html lang="es">' in content and spanish in content
    content = client.get(f"/en{path}").content.decode()
    assert '<html lang="en">' in content and english in content


def test_plan_detail_in_english_shows_the_english_title(client, plan_with_progress):
    plan, _commitment, _done, _late = plan_with_progress
    content = client.get(f"/en/planes/{plan.slug}/").content.decode()
    assert "<h1>Second Plan</h1>" in content
    assert "1 of 2 milestones complete" in content
