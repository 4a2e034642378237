"""The end-of-term report (/planes/<slug>/informe/), its dated ZIP and the standards checklist page."""

import csv
import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from commitments.models import ActionPlan, CocreationRequirement, Evidence, Replanning
from council.models import ReplanApproval, Session
from opendata.models import ReportArchive
from proposals.models import Proposal
from tests.council.factories import MilestoneReviewFactory
from tests.factories import CommitmentFactory, MilestoneFactory
from tests.proposals.factories import CallFactory, ProposalFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% acta de la sesion\n"


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    commitment = CommitmentFactory(code="ECQTO0105", self_assessed_completion="substantial")
    plan = commitment.plan
    first = MilestoneFactory(commitment=commitment, order=1, title="Diagnóstico")
    MilestoneFactory(
        commitment=commitment, order=2, title="Talleres", due_on=datetime.date(2023, 7, 31),
        revised_due_on=datetime.date(2023, 10, 15),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        first.report(
            progress=100,
            reported_on=datetime.date(2023, 6, 20),
            evidence=[Evidence(title="Informe del diagnóstico", file=SimpleUploadedFile("diagnostico.pdf", PDF))],
        )
    MilestoneReviewFactory(
        milestone=first, update=first.updates.get(), session__number=41, session__status=Session.Status.HELD,
        note="Conforme",
    )  # fmt: skip
    proposal = ProposalFactory(
        call=CallFactory(plan=plan), status=Proposal.Status.INCORPORATED, response="Se incorporó al compromiso."
    )
    proposal.commitments.add(commitment)
    CocreationRequirement.objects.ensure_for(plan)
    return {"plan": plan, "commitment": commitment, "evidence": Evidence.objects.get(), "proposal": proposal}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_report_shows_each_commitment_in_the_irm_structure(client, world):
    html = page(client, f"/planes/{world['plan'].slug}/informe/")
    for heading in ["1. El plan de acción", "2. Cumplimiento de los compromisos", "3. Cocreación y participación",
                    "4. Los compromisos"]:  # fmt: skip
        assert heading in html
    assert html.count('class="report-commitment"') == 1
    assert "Sustancial" in html  # the self-assessment, beside the IRM's "Sin datos"
    assert "Diagnóstico" in html and "Talleres" in html
    assert "15/10/2023" in html  # the revised due date beside the planned one
    assert "31/07/2023" in html
    assert "session 41" in html or "sesión 41" in html
    assert world["proposal"].code in html
    # No validation date for the roadmap in this world: no ledger, and the report says why.
    assert "Las fuentes consultadas no dan la fecha en que se validó su hoja de ruta" in html


def test_the_report_prints_each_files_checksum_equal_to_the_file(client, world):
    evidence = world["evidence"]
    with evidence.file.open("rb") as stored:
        expected = hashlib.sha256(stored.read()).hexdigest()
    assert expected == hashlib.sha256(PDF).hexdigest() == evidence.sha256
    html = page(client, f"/planes/{world['plan'].slug}/informe/")
    assert f'<code class="checksum">{expected}</code>' in html


def test_the_real_plan_report_says_what_is_unknown_and_invents_nothing(client):
    call_command("load_quito_plan")
    plan = ActionPlan.objects.get(number=2)
    html = page(client, f"/planes/{plan.slug}/informe/")
    assert html.count('class="report-commitment"') == plan.commitments.count() == 5
    assert html.count("Sin datos") >= 5 * 6  # completion, IRM indicators, milestones, evidence, verifications
    assert "Sin datos: el portal no tiene hitos de este compromiso." in html
    for invented in ["No iniciado", "0 %", "Completo", "demostración"]:
        assert invented not in html, invented
    assert 'badge--neutral">Sin datos</span> 6' in html  # every co-creation requirement unassessed
    assert 'name="robots"' not in html
    assert "Las fuentes consultadas no dan la fecha en que se validó su hoja de ruta" in html  # no invented ledger


def test_the_report_lists_each_change_of_dates_with_its_reason_and_approval(client):
    call_command("seed_demo", scale=1)
    plan = ActionPlan.objects.get(slug="plan-demostracion-90")
    changes = list(Replanning.objects.filter(milestone__commitment__plan=plan).select_related("milestone"))
    assert changes  # the seeder re-plans a few demo milestones, with fictional reasons
    html = page(client, f"/planes/{plan.slug}/informe/")
    assert html.count('class="report-replanning"') == len({change.milestone.commitment_id for change in changes})
    for change in changes:
        assert escape(change.reason) in html
    approved = ReplanApproval.objects.filter(replanning__in=changes).select_related("session").first()
    if approved is not None:
        assert f"el Consejo en la sesión {approved.session.number}" in html


def test_a_demo_report_is_labelled_and_kept_out_of_search_engines(client):
    call_command("seed_demo", scale=1)
    plan = ActionPlan.objects.get(slug="plan-demostracion-90")  # the demo plan with commitments
    for url in [f"/planes/{plan.slug}/informe/", f"/en/planes/{plan.slug}/informe/"]:
        html = page(client, url)
        assert "notice--demo" in html and 'content="noindex"' in html
        assert html.count('class="report-commitment"') == plan.commitments.count()


def test_the_standards_page_shows_the_checklist_with_unknown_as_sin_datos(client):
    call_command("load_quito_plan")
    plan = ActionPlan.objects.get(number=2)
    html = page(client, f"/planes/{plan.slug}/estandares/")
    assert html.count('id="requisito-') == 6
    assert html.count('badge--neutral">Sin datos') == 6 + 1  # each requirement and the summary's row
    assert "34 reuniones públicas" in html
    assert "https://www.opengovpartnership.org/ogp-participation-co-creation-standards/" in html
    english = page(client, f"/en/planes/{plan.slug}/estandares/")
    assert "No data" in english and "34 public meetings" in english


def test_the_standards_dataset_gives_null_for_an_unassessed_requirement(client):
    call_command("seed_demo", scale=1)
    rows = json.loads(b"".join(client.get("/datos/estandares-cocreacion.json").streaming_content))
    # Six requirements for each demo plan (the one with commitments and the one in co-creation).
    assert len(rows) == CocreationRequirement.objects.count() == 6 * ActionPlan.objects.filter(is_demo=True).count()
    statuses = {row["number"]: row["status"] for row in rows}
    assert statuses["5.1"] is None and statuses["1.1"] == "met"
    assert all(row["is_demo"] for row in rows)
    assert "estandares-cocreacion" in page(client, "/datos/")


# The ZIP ---------------------------------------------------------------------------------------------------------


def test_the_zip_is_built_by_the_worker_and_holds_the_report_the_checksums_and_the_files(client, world):
    url = f"/planes/{world['plan'].slug}/informe.zip"
    ReportArchive.objects.all().delete()
    first = client.get(url)  # queues the build; the test's task backend runs it at once
    assert first.status_code == 503 and first["Retry-After"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    stamp = datetime.date.today().isoformat()
    root = f"informe-{world['plan'].slug}-"
    names = archive.namelist()
    assert all(name.startswith(root) for name in names)
    assert stamp[:4] in names[0]
    report = archive.read(next(name for name in names if name.endswith("/informe.html"))).decode()
    assert "<style>" in report and "@media print" in report  # the stylesheet inlined
    assert world["evidence"].sha256 in report
    rows = list(
        csv.DictReader(io.StringIO(archive.read(next(n for n in names if n.endswith(".csv"))).decode("utf-8-sig")))
    )
    assert len(rows) == 1 and rows[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = archive.read(next(name for name in names if name.endswith(rows[0]["document"])))
    assert stored == PDF and hashlib.sha256(stored).hexdigest() == rows[0]["sha256"]


def test_a_change_rebuilds_the_report_zip(client, world, django_capture_on_commit_callbacks):
    archive = ReportArchive.objects.get(plan=world["plan"])
    built = archive.built_at
    requirement = CocreationRequirement.objects.get(plan=world["plan"], number="1.1")
    requirement.status, requirement.note = "met", "Actas publicadas"
    with django_capture_on_commit_callbacks(execute=True):
        requirement.save()
    archive.refresh_from_db()
    assert archive.built_at > built


# Query counts ----------------------------------------------------------------------------------------------------


def query_counts(client, slug):
    counts = {}
    for url in [f"/planes/{slug}/informe/", f"/en/planes/{slug}/informe/", f"/planes/{slug}/estandares/"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_the_report_and_standards_pages_run_a_fixed_number_of_queries(client):
    call_command("seed_demo", scale=1)
    plan = ActionPlan.objects.get(slug="plan-demostracion-90")  # the demo plan with commitments
    small = query_counts(client, plan.slug)
    call_command("seed_demo", scale=3)
    assert plan.commitments.count() == 15
    large = query_counts(client, plan.slug)
    assert large == small
    assert max(small.values()) <= 20


# The page cache -------------------------------------------------------------------------------------------------


@override_settings(PAGE_CACHE_SECONDS=300)
def test_an_assessment_shows_at_once_on_the_cached_standards_page_and_report(
    client, world, django_capture_on_commit_callbacks
):
    plan = world["plan"]
    standards, report_url = f"/planes/{plan.slug}/estandares/", f"/planes/{plan.slug}/informe/"
    for url in (standards, report_url):
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
    requirement = CocreationRequirement.objects.get(plan=plan, number="1.1")
    requirement.status, requirement.evidence_link = "met", "/consejo/sesiones/"
    with django_capture_on_commit_callbacks(execute=True):
        requirement.save()
    assert 'badge--ok">Cumplido</span>' in page(client, standards)
    assert 'badge--ok">Cumplido</span> 1' in page(client, report_url)


def test_the_real_plan_report_states_the_sourced_co_creation_totals(client):
    call_command("load_quito_plan")
    plan = ActionPlan.objects.get(number=2)
    html = page(client, f"/planes/{plan.slug}/informe/")
    assert "<dt>Reuniones públicas</dt><dd>34</dd>" in html
    assert "<dt>Talleres de consulta ciudadana</dt><dd>3</dd>" in html
