"""Every published dataset and API resource says which rows are demonstration data, and where real rows come from."""

import csv
import io
import json
import zipfile

import pytest
import yaml
from django.core.management import call_command

from commitments.models import ActionPlan, Commitment, Evidence, ProgressUpdate, Replanning
from council.models import Agreement, Attendance, MilestoneReview
from opendata import repository
from opendata.datasets import DATASETS, _flat
from opendata.serializers import CommitmentSerializer
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

# The rows whose flag comes from a parent record, and the query that counts the demonstration ones.
DERIVED = {
    "avances": lambda: ProgressUpdate.objects.filter(milestone__is_demo=True),
    "cambios-de-fechas": lambda: Replanning.objects.filter(milestone__is_demo=True),
    "evidencias": lambda: Evidence.objects.filter(update__milestone__is_demo=True),
    "asistencia": lambda: Attendance.objects.filter(session__is_demo=True),
    "acuerdos": lambda: Agreement.objects.filter(session__is_demo=True),
    "verificaciones": lambda: MilestoneReview.objects.visible_to(None).filter(session__is_demo=True),
}


@pytest.fixture
def portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


def zip_body(response):
    return b"".join(response.streaming_content)


def download_archive(client, url):
    """The first request queues the ZIP's build (the test task backend runs it at once); the second gets it."""
    assert client.get(url).status_code == 503
    return client.get(url)


def csv_rows(client, slug):
    return list(csv.DictReader(io.StringIO(body(client.get(f"/datos/{slug}.csv")).lstrip("\ufeff"))))


def test_every_dataset_has_an_is_demo_column_in_csv_and_json(client, portal):
    assert len(DATASETS) == 17
    for dataset in DATASETS:
        assert "is_demo" in [column.name for column in dataset.columns()], dataset.slug
        records = json.loads(body(client.get(f"/datos/{dataset.slug}.json")))
        rows = csv_rows(client, dataset.slug)
        assert len(rows) == len(records) == dataset.queryset().count(), dataset.slug
        assert {type(record["is_demo"]) for record in records} <= {bool}, dataset.slug
        assert {row["is_demo"] for row in rows} <= {"true", "false"}, dataset.slug
        # CSV and JSON agree row by row.
        assert [row["is_demo"] == "true" for row in rows] == [record["is_demo"] for record in records]
        demo_rows = sum(record["is_demo"] for record in records)
        expected = DERIVED[dataset.slug]() if dataset.slug in DERIVED else dataset.queryset().filter(is_demo=True)
        assert demo_rows == expected.count(), dataset.slug
    # The seeded world has demonstration rows in every table that takes its flag from a parent.
    for slug, demo in DERIVED.items():
        assert demo().exists(), slug


def test_every_api_resource_gives_is_demo_in_lists_and_records(client, portal):
    for dataset in DATASETS:
        page = client.get(f"/api/v1/{dataset.slug}/", {"page_size": 500}).json()
        assert page["results"], dataset.slug
        assert all(isinstance(item["is_demo"], bool) for item in page["results"]), dataset.slug
        if "url" in page["results"][0]:
            record = client.get(page["results"][0]["url"]).json()
            assert record["is_demo"] == page["results"][0]["is_demo"], dataset.slug


def test_every_api_resource_can_leave_out_the_demonstration_rows(client, portal):
    for dataset in DATASETS:
        (key,) = [name for name in dataset.filterset_fields if name.endswith("is_demo")]
        real = client.get(f"/api/v1/{dataset.slug}/", {key: "false", "page_size": 500}).json()
        demo = client.get(f"/api/v1/{dataset.slug}/", {key: "true", "page_size": 1}).json()
        assert not any(item["is_demo"] for item in real["results"]), dataset.slug
        assert real["count"] + demo["count"] == dataset.queryset().count(), dataset.slug


def test_the_api_schema_documents_is_demo_for_every_resource(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    for dataset in DATASETS:
        name = dataset.serializer.__name__.removesuffix("Serializer")
        properties = components[name]["properties"]
        assert properties["is_demo"]["type"] == "boolean", name
        assert "demostración" in properties["is_demo"]["description"], name  # the schema speaks Spanish
    for name in ["ActionPlan", "Commitment"]:
        source = components[name]["properties"]["source"]
        assert source["type"] == "array" and source["nullable"] is True, name
        assert components[name]["properties"]["progress"]["nullable"] is True, name


def test_demo_plan_and_its_rows_are_flagged_and_real_ones_not(client):
    real = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0005"))
    real.report(progress=40, note="Informe real")
    demo_plan = ActionPlanFactory(is_demo=True, number=90, slug="plan-demostracion-90")
    demo = MilestoneFactory(commitment=CommitmentFactory(code="DEMOQ0001", plan=demo_plan, is_demo=True), is_demo=True)
    demo.report(progress=60, note="Informe ficticio")

    plans = {record["slug"]: record["is_demo"] for record in json.loads(body(client.get("/datos/planes.json")))}
    assert plans == {real.commitment.plan.slug: False, "plan-demostracion-90": True}
    updates = {record["note"]: record["is_demo"] for record in json.loads(body(client.get("/datos/avances.json")))}
    assert updates == {"Informe real": False, "Informe ficticio": True}


def test_sources_are_a_list_in_json_joined_in_csv_and_null_when_there_are_none(client):
    CommitmentFactory(
        code="ECQTO0001", sources="https://www.opengovpartnership.org/a/\n\nhttps://gobiernoabierto.quito.gob.ec/b/\n"
    )
    CommitmentFactory(code="ECQTO0002", sources="")
    records = {r["code"]: r for r in client.get("/api/v1/compromisos/").json()["results"]}
    assert records["ECQTO0001"]["source"] == [
        "https://www.opengovpartnership.org/a/",
        "https://gobiernoabierto.quito.gob.ec/b/",
    ]
    assert records["ECQTO0002"]["source"] is None
    rows = {row["code"]: row for row in csv_rows(client, "compromisos")}
    assert (
        rows["ECQTO0001"]["source"] == "https://www.opengovpartnership.org/a/ | https://gobiernoabierto.quito.gob.ec/b/"
    )
    assert rows["ECQTO0002"]["source"] == ""
    assert json.loads(body(client.get("/datos/planes.json")))[0]["source"] is None


def test_unknown_progress_is_null_in_the_record_and_an_empty_cell_never_zero():
    commitment = CommitmentFactory(code="ECQTO0003")
    commitment.progress = None  # unknown: nothing sourced
    record = CommitmentSerializer(context={"request": None}).to_representation(commitment)
    assert record["progress"] is None
    assert _flat(record["progress"], "; ") == ""


def test_open_data_page_documents_is_demo_and_source_columns(client):
    content = client.get("/datos/").content.decode()
    assert content.count("<code>is_demo</code>") >= 12 + 1
    assert content.count("<code>source</code>") >= 2 + 1
    assert "Verdadero para datos de demostración ficticios" in content
    assert "Las fuentes públicas del registro" in content


def test_demo_plan_repository_carries_a_notice_and_flags_its_index(client):
    demo_plan = ActionPlanFactory(is_demo=True, number=91, slug="plan-demostracion-91", title="Plan de demostración")
    demo = MilestoneFactory(commitment=CommitmentFactory(code="DEMOQ0002", plan=demo_plan, is_demo=True), is_demo=True)
    demo.report(progress=50, note="Informe ficticio")
    real = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0005"))
    real.report(progress=40, note="Informe real")

    archive = zipfile.ZipFile(io.BytesIO(zip_body(download_archive(client, f"/datos/repositorio/{demo_plan.slug}/"))))
    root = archive.namelist()[0].split("/")[0]
    notice = archive.read(f"{root}/{repository.NOTICE_NAME}").decode()
    assert "DATOS DE DEMOSTRACIÓN" in notice
    assert "DEMONSTRATION DATA" in notice
    index = list(csv.DictReader(io.StringIO(archive.read(f"{root}/indice.csv").decode("utf-8-sig"))))
    assert [row["is_demo"] for row in index] == ["true"]
    assert "badge--demo" in archive.read(f"{root}/indice.html").decode()

    real_plan = real.commitment.plan
    archive = zipfile.ZipFile(io.BytesIO(zip_body(download_archive(client, f"/datos/repositorio/{real_plan.slug}/"))))
    root = archive.namelist()[0].split("/")[0]
    assert f"{root}/{repository.NOTICE_NAME}" not in archive.namelist()
    index = list(csv.DictReader(io.StringIO(archive.read(f"{root}/indice.csv").decode("utf-8-sig"))))
    assert [row["is_demo"] for row in index] == ["false"]


def test_open_data_page_labels_the_repository_of_a_demo_plan(client):
    ActionPlanFactory(is_demo=True, number=92, slug="plan-demostracion-92", title="Plan de demostración 92")
    content = client.get("/datos/").content.decode()
    link = content.split("Plan de demostración 92", 1)[1].split("</li>", 1)[0]
    assert "badge--demo" in link


def test_demo_rows_stay_flagged_when_only_the_plan_is_demo():
    """A commitment in a demonstration plan is demo in the repository index even if its own flag was missed."""
    plan = ActionPlanFactory(is_demo=True, number=93, slug="plan-demostracion-93")
    milestone = MilestoneFactory(commitment=CommitmentFactory(code="DEMOQ0003", plan=plan))
    milestone.report(progress=10)
    entries, _files = repository.build(ActionPlan.objects.get(pk=plan.pk))
    assert Commitment.objects.get(code="DEMOQ0003").is_demo is False
    assert entries and all(entry.is_demo for entry in entries)
