"""The re-planning ledger and each institution's punctuality in the open data: what each record says."""

import csv
import datetime
import io
import json

import pytest

from commitments.models import EDITOR_GROUP
from tests.commitments.factories import ProgressUpdateFactory
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def change():
    organization = OrganizationFactory(acronym="SIVD", slug="sivd", name="Secretaría de Innovación")
    commitment = CommitmentFactory(code="ECQTO0008", lead=organization, roadmap_validated_on=datetime.date(2023, 3, 1))
    milestone = MilestoneFactory(commitment=commitment, order=2)
    editor = staff_user("maria.perez", EDITOR_GROUP, organization, first_name="María", last_name="Pérez")
    return milestone.replan(due_on=datetime.date(2023, 8, 31), reason="Retraso del proveedor.", by=editor)


def test_the_ledger_record_gives_dates_reason_role_and_institution_never_the_person(client, change):
    record = client.get(f"/api/v1/cambios-de-fechas/{change.pk}/").json()
    assert {key: record[key] for key in (
        "commitment", "milestone_order", "old_starts_on", "new_starts_on", "old_due_on", "new_due_on",
        "planned_due_on", "reason", "role", "organization", "approved_at_session", "is_demo",
    )} == {
        "commitment": "ECQTO0008", "milestone_order": 2, "old_starts_on": "2023-03-01", "new_starts_on": "2023-03-01",
        "old_due_on": "2023-06-30", "new_due_on": "2023-08-31", "planned_due_on": "2023-06-30",
        "reason": "Retraso del proveedor.", "role": "editor", "organization": "sivd", "approved_at_session": None,
        "is_demo": False,
    }  # fmt: skip
    assert record["page"].endswith("/compromisos/ECQTO0008/cambios/")
    everything = json.dumps(record) + body(client.get("/datos/cambios-de-fechas.csv"))
    assert "maria.perez" not in everything and "Pérez" not in everything


def test_the_ledger_api_filters_by_commitment_and_plan(client, change):
    CommitmentFactory(code="ECQTO0010", roadmap_validated_on=datetime.date(2023, 3, 1))
    assert client.get("/api/v1/cambios-de-fechas/", {"milestone__commitment__code": "ECQTO0008"}).json()["count"] == 1
    assert client.get("/api/v1/cambios-de-fechas/", {"milestone__commitment__code": "ECQTO0010"}).json()["count"] == 0
    plan = change.milestone.commitment.plan.slug
    assert client.get("/api/v1/cambios-de-fechas/", {"milestone__commitment__plan__slug": plan}).json()["count"] == 1


def test_punctuality_dataset_gives_the_figures_and_leaves_unknowns_empty(client):
    organization = OrganizationFactory(acronym="PUNT", slug="punt", name="Institución puntual")
    OrganizationFactory(acronym="VACIA", slug="vacia", name="Institución sin hitos")
    late = MilestoneFactory(
        commitment=CommitmentFactory(lead=organization), responsible=organization,
        starts_on=datetime.date(2023, 1, 1), due_on=datetime.date(2023, 3, 31),
    )  # fmt: skip
    ProgressUpdateFactory(milestone=late, progress=100, reported_on=datetime.date(2023, 4, 10))
    record = client.get("/api/v1/puntualidad/punt/").json()
    assert {key: record[key] for key in (
        "milestone_count", "on_time_original", "on_time_revised", "average_delay_days", "fresh_reports",
    )} == {
        "milestone_count": 1, "on_time_original": "0.0", "on_time_revised": "0.0", "average_delay_days": "10.0",
        "fresh_reports": None,
    }  # fmt: skip
    empty = client.get("/api/v1/puntualidad/vacia/").json()
    assert [empty[key] for key in ("on_time_original", "average_delay_days", "fresh_reports")] == [None] * 3
    rows = {
        row["slug"]: row
        for row in csv.DictReader(io.StringIO(body(client.get("/datos/puntualidad.csv")).lstrip("\ufeff")))
    }
    assert rows["vacia"]["on_time_original"] == "" and rows["punt"]["average_delay_days"] == "10.0"


def test_the_new_datasets_are_documented_on_the_open_data_page_and_in_the_schema(client, change):
    content = client.get("/datos/").content.decode()
    assert "/datos/cambios-de-fechas/" in content and "/datos/puntualidad/" in content
    page = client.get("/datos/cambios-de-fechas/").content.decode()
    assert "Por qué cambiaron las fechas, tal como se publicó." in page
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/cambios-de-fechas/" in schema and "/api/v1/puntualidad/" in schema
