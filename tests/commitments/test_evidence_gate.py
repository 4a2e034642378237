"""A milestone reaches 100 % / "Cumplido" only when the completing report carries evidence itself, or evidence
dated after the milestone's previous report exists: evidence that came with an earlier stage proves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.models import EDITOR_GROUP, Evidence, Milestone, ProgressUpdate
from tests.commitments.factories import pdf_upload
from tests.commitments.test_admin import REPORT_URL, report_data
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db

MARCH_1, MARCH_10, MARCH_20 = datetime.date(2024, 3, 1), datetime.date(2024, 3, 10), datetime.date(2024, 3, 20)
OLD_EVIDENCE_MESSAGE = "las evidencias que ya tiene el hito llegaron con reportes anteriores"


def link(dated_on):
    return Evidence(title="Informe", url="https://example.org/informe.pdf", dated_on=dated_on)


# The rule on unsaved reports.


def test_a_report_below_100_needs_no_evidence():
    ProgressUpdate(milestone=Milestone(), progress=60).check_evidence(new_evidence_count=0)


@pytest.mark.parametrize(("progress", "status"), [(100, ""), (100, Milestone.Status.COMPLETE)])
def test_a_completing_report_that_carries_evidence_passes(progress, status):
    ProgressUpdate(milestone=Milestone(), progress=progress, status=status).check_evidence(new_evidence_count=1)


def test_a_completing_report_on_a_new_milestone_without_evidence_is_refused():
    with pytest.raises(ValidationError) as error:
        ProgressUpdate(milestone=Milestone(), progress=100).check_evidence(new_evidence_count=0)
    assert error.value.code == "evidence_required"


# The rule against what the milestone already has.


def test_evidence_of_the_5_percent_report_does_not_close_the_milestone():
    milestone = MilestoneFactory()
    milestone.report(progress=5, reported_on=MARCH_1, evidence=[link(MARCH_1)])
    with pytest.raises(ValidationError) as error:
        milestone.report(progress=100, reported_on=MARCH_20)
    assert error.value.code == "evidence_required"
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.status) == (5, Milestone.Status.IN_PROGRESS)
    assert milestone.updates.count() == 1


def test_evidence_before_an_intermediate_report_does_not_count_either():
    milestone = MilestoneFactory()
    milestone.report(progress=5, reported_on=MARCH_1, evidence=[link(MARCH_1)])
    milestone.report(progress=50, reported_on=MARCH_10)
    with pytest.raises(ValidationError):
        milestone.report(progress=100, reported_on=MARCH_20)


def test_evidence_dated_after_the_previous_report_completes_the_milestone():
    milestone = MilestoneFactory()
    # Reported on 10 March; the signed record it points to is dated 20 March, after that report.
    milestone.report(progress=90, reported_on=MARCH_10, evidence=[link(MARCH_20)])
    milestone.report(progress=100, reported_on=MARCH_20)
    milestone.refresh_from_db()
    assert milestone.is_complete() and milestone.completed_on == MARCH_20


def test_the_completing_report_with_its_own_evidence_completes_the_milestone():
    milestone = MilestoneFactory()
    milestone.report(progress=5, reported_on=MARCH_1, evidence=[link(MARCH_1)])
    milestone.report(progress=100, reported_on=MARCH_20, evidence=[link(MARCH_1)])
    milestone.refresh_from_db()
    assert milestone.is_complete()


def test_the_message_names_the_last_report_date_in_spanish():
    milestone = MilestoneFactory()
    milestone.report(progress=5, reported_on=MARCH_1, evidence=[link(MARCH_1)])
    with pytest.raises(ValidationError) as error:
        milestone.report(progress=100, reported_on=MARCH_20)
    message = error.value.messages[0]
    assert OLD_EVIDENCE_MESSAGE in message
    assert "1 de marzo de 2024" in message


# The admin's progress report form.


@pytest.fixture
def editor_and_milestone(client):
    organization = OrganizationFactory(acronym="ORGA")
    milestone = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0001", lead=organization), order=1)
    milestone.report(progress=5, reported_on=MARCH_1, evidence=[link(MARCH_1)])
    client.force_login(staff_user("editor_a", EDITOR_GROUP, organization))
    return client, milestone


def test_admin_refuses_100_percent_resting_on_old_evidence_and_keeps_the_input(editor_and_milestone):
    client, milestone = editor_and_milestone
    data = report_data(milestone, 100, note="Obra entregada al barrio.")
    response = client.post(REPORT_URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adjunta una evidencia a este reporte" in content
    assert OLD_EVIDENCE_MESSAGE in content
    form = response.context["adminform"].form
    assert form["note"].value() == "Obra entregada al barrio." and form["progress"].value() == "100"
    assert milestone.updates.count() == 1


def test_admin_completes_when_the_report_carries_evidence(editor_and_milestone):
    client, milestone = editor_and_milestone
    data = report_data(milestone, 100, **{"evidence-0-title": "Acta de entrega", "evidence-0-file": pdf_upload()})
    assert client.post(REPORT_URL, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.is_complete()


def test_bulk_csv_cannot_complete_a_milestone_on_old_evidence(editor_and_milestone):
    client, milestone = editor_and_milestone
    text = "code,order,progress,status,note\nECQTO0001,1,100,,Cumplido\n"
    response = client.post("/admin/commitments/milestone/actualizacion-masiva/", {"csv_text": text, "confirm": "on"})
    assert response.status_code == 200
    assert OLD_EVIDENCE_MESSAGE in response.content.decode()
    assert milestone.updates.count() == 1
