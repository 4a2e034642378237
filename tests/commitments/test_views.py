import datetime
import json
import re

import pytest
from django.core.management import call_command

from commitments.models import Commitment, Evidence, Milestone
from quito_ga.management.commands.load_quito_plan import DATA_FILE
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
    "/": 4,  # + whether a call for proposals is open (“Send your proposal”)
    "/planes/": 1,
    # + the lead institutions, + whether a call is open, + the co-creation section (calls, meetings, proposals)
    # The plan, its institutions, a page of commitments, the open call, its calls (with their stored counts of
    # proposals received) and its public meetings' totals.
    "/planes/segundo-plan-2022-2023/": 6,
    "/planes/plan-demostracion-90/": 6,
    "/planes/plan-demostracion-90/?page=2": 6,
    # In co-creation: + its latest public meetings; no commitment yet, so no query for them.
    "/planes/plan-demostracion-en-co-creacion/": 6,
    "/compromisos/": 5,
    "/compromisos/?q=participación&plan=segundo-plan-2022-2023&lead=sgctypc&value=civic_participation&status=delayed": (
        7
    ),
    "/compromisos/?q=demostración&plan=plan-demostracion-90&lead=demo-sivd&status=delayed": 7,
    # + the proposals that shaped it (registered by proposals in commitments/extensions.py)
    "/compromisos/ECQTO0001/": 5,  # the real commitment has no roadmap in the sources: no milestone queries
    "/compromisos/DEMOQ0001/": 8,  # 6 + the council's reviews + the proposals (commitments/extensions.py)
    "/instituciones/sgctypc/": 6,  # + the plans it leads, + its punctuality (one aggregate)
    "/instituciones/demo-sivd/": 6,
    # The plan, the count, the changes with their milestone, commitment, plan and institution, the approvals.
    "/planes/plan-demostracion-90/cambios/": 4,
    "/en/compromisos/ECQTO0005/": 5,
    "/en/compromisos/DEMOQ0002/": 8,
    "/compromisos/?q=participacion": 5,  # accent-free search: the same queries as the plain list
    "/compromisos/DEMOQ0001/hitos/1/historial/": 3,  # the milestone, its reports, their evidence
    "/en/compromisos/DEMOQ0002/hitos/3/historial/": 3,
}


@pytest.mark.parametrize("scale", [1, 3])
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
    plan = ActionPlanFactory(
        title="Segundo Plan", title_en="Second Plan", starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date.today() + datetime.timedelta(days=365),
    )  # fmt: skip
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
    content = client.get("/compromisos/?status=no_data").content.decode()  # no milestones: no data
    assert other.get_absolute_url() in content and commitment.get_absolute_url() not in content
    content = client.get("/compromisos/?status=not_started").content.decode()
    assert other.get_absolute_url() not in content and commitment.get_absolute_url() not in content
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
    delayed = content.split('id="delayed-heading"')[1].split("</section>")[0]
    plan_link = f'<a href="{_plan.get_absolute_url()}">Plan {_plan.number} ({_plan.period})</a>'
    assert "Plan de acción" in delayed and plan_link in delayed  # each row names its plan
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


# The real pages with only the sourced facts loaded, seen on 1 December 2026.
REAL_PAGES = [
    "/",
    "/planes/",
    "/planes/segundo-plan-2022-2023/",
    "/planes/primer-plan-2019-2021/",
    "/compromisos/ECQTO0001/",
    "/compromisos/ECQTO0002/",
    "/compromisos/ECQTO0005/",
    "/compromisos/QGAPA0102/",
    "/instituciones/sgctypc/",
    "/instituciones/sgp/",
    "/instituciones/epn/",
    "/instituciones/sdpyc/",
]
ZERO_PERCENT = re.compile(r"(?<![\d.,])0(?:[.,]0)?\s*%")


@pytest.fixture
def real_data(set_today):
    """Only what `load_quito_plan` loads, on 1 December 2026."""
    call_command("load_quito_plan")
    set_today(datetime.date(2026, 12, 1))
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("path", REAL_PAGES)
def test_real_pages_never_turn_unknown_into_zero_or_not_started(client, real_data, path, language):
    content = page(client, path if language == "es" else f"/en{path}")
    assert not ZERO_PERCENT.search(content), path
    assert "No iniciado" not in content and "Not started" not in content
    if path != "/instituciones/sdpyc/":  # the one page without a figure: it leads no sourced commitment
        assert ("Sin datos" if language == "es" else "No data") in content
    assert "plan vigente" not in content and "current plan" not in content


@pytest.mark.parametrize("path", [p for p in REAL_PAGES if p != "/planes/"])
def test_real_pages_list_their_sources(client, real_data, path):
    for prefix, heading in [("", "Fuentes"), ("/en", "Sources")]:
        content = page(client, f"{prefix}{path}")
        assert f'<h2 id="sources-heading">{heading}</h2>' in content or f">{heading}</h3>" in content, path
        assert '<a href="https://' in content.split(heading)[-1], path


def test_real_plan_is_finished_in_december_2026_and_shows_its_sourced_facts(client, real_data):
    facts = real_data["plan"]
    content = page(client, "/planes/segundo-plan-2022-2023/")
    assert "Finalizado" in content and 'Finalizó en <time datetime="2023-03">marzo de 2023</time>.' in content
    assert '<time datetime="2022">2022</time> \N{EN DASH} <time datetime="2023-03">marzo de 2023</time>' in content
    assert "5, de los cuales 2 documentados" in content
    assert "Ningún compromiso de este plan tiene hitos publicados" in content
    for name in ["Secretaría General de Planificación", "Secretaría de Desarrollo Productivo y Competitividad"]:
        assert name in content
    assert '<time datetime="2020-10">octubre de 2020</time>' in content  # OGP Local member since
    assert "<dt>Reuniones públicas</dt><dd>34</dd>" in content
    assert "<dt>Talleres de consulta ciudadana</dt><dd>3</dd>" in content
    assert "identificación de la solución propuesta" in content
    assert facts["legal_basis"] in content
    assert "validada y verificada en sus sesiones ordinarias mensuales" in content
    assert facts["monitoring"] not in content and facts["co_creation"]["note"] not in content
    # The co-creation and monitoring texts, translated from English, and ECQTO0005's card (its Spanish short title).
    assert content.count("Traducción del portal") == 3
    assert 'hreflang="en">original en inglés</a>' in content
    for url in facts["online_spaces"].values():
        assert f'<a href="{url}">' in content
    assert f'<a href="{facts["sources"][0]}">' in content
    assert f'<li><span lang="en">{facts["sources"][1]}</span></li>' in content  # not a web address: text
    content = page(client, "/en/planes/segundo-plan-2022-2023/")
    assert "Finished" in content and 'Ended in <time datetime="2023-03">March 2023</time>.' in content
    assert "5, of which 2 documented" in content
    assert facts["monitoring"] in content and facts["co_creation"]["note"] in content
    assert "identification of the proposed solution" in content
    assert content.count("Portal translation") == 2  # the proposal form and the legal basis, from Spanish
    assert 'hreflang="es">original in Spanish</a>' in content


def test_first_plan_says_what_the_sources_do_not_give(client, real_data):
    content = page(client, "/planes/primer-plan-2019-2021/")
    assert '<time datetime="2019">2019</time> \N{EN DASH} <time datetime="2021">2021</time>' in content
    assert "Finalizado" in content and "no publican cuántos tuvo en total" in content
    content = page(client, "/en/planes/primer-plan-2019-2021/")
    assert "<h1>First Open Government Action Plan 2019 - 2021</h1>" in content and "Portal translation" in content


def test_commitment_page_shows_month_dates_unknowns_and_the_portals_translation(client, real_data):
    item = real_data["commitments"][0]
    content = page(client, "/compromisos/ECQTO0001/")
    assert '<time datetime="2023-04">abril de 2023</time>' in content
    assert '<time datetime="2023-05">mayo de 2023</time>' in content
    assert "Los mecanismos de participación se perciben como burocráticos" in content
    assert item["problem_en"] not in content  # never an untranslated English paragraph on a Spanish page
    assert f'Traducción del portal · <a href="{item["sources"][0]}" hreflang="en">original en inglés</a>' in content
    assert "<dt>Avance reportado</dt><dd>Sin datos</dd>" in content
    assert 'badge--neutral">Sin datos</span>' in content
    content = page(client, "/en/compromisos/ECQTO0001/")
    assert '<time datetime="2023-04">April 2023</time>' in content
    assert item["problem_en"] in content and "Portal translation" not in content  # the source's own English
    assert "<dt>Progress reported</dt><dd>No data</dd>" in content


def test_translated_titles_are_marked_in_the_language_the_portal_wrote(client, real_data):
    content = page(client, "/compromisos/ECQTO0005/")  # its Spanish title is a translation
    assert "Fortalecer la gestión de la información" in content and "Traducción del portal" in content
    content = page(client, "/en/compromisos/QGAPA0102/")
    assert "Strengthen the Open Council" in content
    assert 'Portal translation · <a href="https://zonales.quito.gob.ec/?page_id=16408" hreflang="es">' in content
    content = page(client, "/compromisos/QGAPA0102/")
    assert "Traducción del portal" not in content  # the source's own Spanish


def test_undocumented_commitment_shows_its_code_plan_and_what_the_sources_lack(client, real_data):
    content = page(client, "/compromisos/ECQTO0003/")
    assert "<h1>Compromiso ECQTO0003</h1>" in content
    assert "Las fuentes públicas consultadas no publican el título ni la hoja de ruta de este compromiso." in content
    assert "Segundo Plan de Acción de Gobierno Abierto" in content
    assert "<dt>Institución responsable</dt><dd>No publicada en las fuentes consultadas</dd>" in content
    assert "Demostración" not in content
    content = page(client, "/en/compromisos/ECQTO0003/")
    assert "The public sources consulted do not publish the title or the roadmap of this commitment." in content


def test_home_presents_the_latest_real_plan_as_finished_not_current(client, real_data):
    content = page(client, "/")
    assert "El plan más reciente" in content and "Finalizado" in content
    assert "Según las fuentes consultadas, hoy no hay ningún plan de acción vigente." in content
    assert "Avance promedio de sus 5 compromisos, de los cuales 2 documentados:" in content
    assert "Título no publicado en las fuentes consultadas" in content  # ECQTO0002 to 0004
    content = page(client, "/en/")
    assert "The latest plan" in content and "Progress of the current plan" not in content


def test_home_shows_the_plan_in_force_as_current_while_today_is_in_its_period(client, real_data, set_today):
    set_today(datetime.date(2023, 3, 15))
    content = page(client, "/")
    assert "Avance del plan vigente" in content and "plan vigente</span>" in content
    assert "En curso" in content


def test_institution_page_names_the_plans_it_leads_with_their_sources(client, real_data):
    content = page(client, "/instituciones/sdpyc/")  # it leads no sourced commitment, but leads plan 2
    assert "Institución líder del plan de acción" in content
    assert '<a href="/planes/segundo-plan-2022-2023/">' in content
    assert '<a href="https://opengovpartnership.org/documents/action-plan-quito-ecuador-2022-2023">' in content


def test_institution_page_averages_only_known_progress(client, real_data):
    content = page(client, "/instituciones/sgctypc/")
    assert "Ninguno tiene hitos publicados, así que su avance se desconoce." in content
    commitment = Commitment.objects.get(code="ECQTO0001")
    MilestoneFactory(commitment=commitment, due_on=datetime.date(2027, 1, 1)).report(
        progress=50, reported_on=datetime.date(2026, 11, 1)
    )
    content = page(client, "/instituciones/sgctypc/")
    assert "Media de 1 de 4 compromisos con datos." in content  # it leads ECQTO0001 and 3 first-plan commitments
    assert "50 %" in content


def test_plan_list_says_how_many_of_the_commitments_are_documented(client, real_data):
    content = " ".join(page(client, "/planes/").split())
    assert "2022-2023 · 5 compromisos · 2 documentados" in content
    english = " ".join(page(client, "/en/planes/").split())
    assert "2022-2023 · 5 commitments · 2 documented" in english
