import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import translation

from commitments.models import (
    COORDINATION_GROUP,
    EDITOR_GROUP,
    ActionPlan,
    Commitment,
    Evidence,
    Milestone,
    MilestoneQuerySet,
    ProgressUpdate,
    validate_evidence_file,
)
from tests.commitments.factories import PDF_BYTES, pdf_upload
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
    OrganizationFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def evidence():
    return [Evidence(title="Informe", file=pdf_upload())]


def test_milestone_takes_progress_and_status_from_its_latest_update():
    milestone = MilestoneFactory()
    milestone.report(progress=30, reported_on=datetime.date(2023, 4, 1))
    milestone.report(progress=10, reported_on=datetime.date(2023, 3, 1))  # older report, filed later
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.status) == (30, Milestone.Status.IN_PROGRESS)
    assert milestone.last_reported_on == datetime.date(2023, 4, 1)


def test_reporting_complete_needs_evidence():
    milestone = MilestoneFactory()
    with pytest.raises(ValidationError) as error:
        milestone.report(progress=100)
    assert error.value.code == "evidence_required"
    assert not ProgressUpdate.objects.exists()
    milestone.report(progress=100, evidence=evidence())
    milestone.refresh_from_db()
    assert milestone.is_complete()
    assert milestone.completed_on == TODAY


def test_evidence_of_an_earlier_report_does_not_complete_a_milestone():
    milestone = MilestoneFactory()
    milestone.report(progress=80, evidence=evidence())
    with pytest.raises(ValidationError) as error:
        milestone.report(progress=100)
    assert error.value.code == "evidence_required"
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.IN_PROGRESS


@pytest.mark.parametrize(("progress", "status"), [(90, "complete"), (100, "in_progress")])
def test_complete_status_and_100_percent_go_together(progress, status):
    update = ProgressUpdate(milestone=MilestoneFactory(), progress=progress, status=status)
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "status" in error.value.message_dict


@pytest.mark.parametrize("progress", [101, 250])
def test_progress_above_100_is_refused_with_a_message(progress):
    with translation.override("es"), pytest.raises(ValidationError) as error:
        ProgressUpdate(milestone=MilestoneFactory(), progress=progress).full_clean()
    assert "El avance es un porcentaje entre 0 y 100." in error.value.message_dict["progress"]


def test_negative_progress_is_refused():
    with pytest.raises(ValidationError):
        ProgressUpdate(milestone=MilestoneFactory(), progress=-5).full_clean()


def test_reports_cannot_be_dated_in_the_future():
    with pytest.raises(ValidationError) as error:
        MilestoneFactory().report(progress=10, reported_on=TODAY + datetime.timedelta(days=1))
    assert "reported_on" in error.value.message_dict


def test_progress_updates_are_append_only():
    update = MilestoneFactory().report(progress=10)
    update.progress = 20
    with pytest.raises(ValidationError):
        update.save()


def test_deleting_the_latest_update_restores_the_previous_state():
    milestone = MilestoneFactory()
    milestone.report(progress=20, reported_on=datetime.date(2023, 3, 1))
    latest = milestone.report(progress=60, reported_on=datetime.date(2023, 4, 1))
    latest.delete()
    milestone.refresh_from_db()
    assert milestone.progress == 20


def test_milestone_status_without_updates_is_not_started():
    milestone = MilestoneFactory()
    assert (milestone.progress, milestone.status) == (0, Milestone.Status.NOT_STARTED)


def test_milestone_past_its_due_date_and_not_complete_is_delayed_with_days():
    milestone = Milestone(starts_on=datetime.date(2023, 1, 1), due_on=datetime.date(2023, 3, 1))
    on = datetime.date(2023, 3, 11)
    assert milestone.is_delayed(on)
    assert milestone.days_delayed(on) == 10
    assert milestone.display_status(on)[0] == "delayed"


def test_revised_due_date_wins_over_the_planned_one():
    milestone = Milestone(
        starts_on=datetime.date(2023, 1, 1), due_on=datetime.date(2023, 3, 1), revised_due_on=datetime.date(2023, 5, 1)
    )
    assert not milestone.is_delayed(datetime.date(2023, 4, 1))
    assert milestone.days_delayed(datetime.date(2023, 5, 3)) == 2
    assert milestone.is_rescheduled()


def test_complete_milestone_is_never_delayed():
    milestone = Milestone(
        starts_on=datetime.date(2023, 1, 1), due_on=datetime.date(2023, 3, 1), status=Milestone.Status.COMPLETE
    )
    assert not milestone.is_delayed(datetime.date(2024, 1, 1))
    assert milestone.days_delayed(datetime.date(2024, 1, 1)) == 0


def test_delayed_queryset_matches_the_method():
    late = MilestoneFactory(due_on=datetime.date(2023, 4, 1))
    done = MilestoneFactory(due_on=datetime.date(2023, 4, 1))
    done.report(progress=100, evidence=evidence())
    revised = MilestoneFactory(due_on=datetime.date(2023, 4, 1), revised_due_on=TODAY + datetime.timedelta(days=30))
    assert list(Milestone.objects.delayed()) == [late]
    assert late.is_delayed() and not revised.is_delayed()


def test_due_date_before_start_is_refused_with_a_message():
    milestone = Milestone(starts_on=datetime.date(2023, 5, 1), due_on=datetime.date(2023, 4, 1))
    with translation.override("es"), pytest.raises(ValidationError) as error:
        milestone.clean()
    assert error.value.message_dict["due_on"] == ["La fecha de entrega no puede ser anterior al inicio planificado."]


def test_revised_due_date_before_start_is_refused():
    milestone = Milestone(
        starts_on=datetime.date(2023, 5, 1), due_on=datetime.date(2023, 6, 1), revised_due_on=datetime.date(2023, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        milestone.clean()
    assert "revised_due_on" in error.value.message_dict


def test_database_refuses_a_due_date_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(starts_on=datetime.date(2023, 5, 1), due_on=datetime.date(2023, 4, 1))


def test_commitment_end_before_start_is_refused():
    commitment = Commitment(starts_on=datetime.date(2023, 5, 1), ends_on=datetime.date(2023, 4, 1))
    with pytest.raises(ValidationError) as error:
        commitment.clean()
    assert "ends_on" in error.value.message_dict


def test_commitment_progress_is_the_weighted_mean_of_its_milestones():
    commitment = CommitmentFactory()
    heavy = MilestoneFactory(commitment=commitment, weight=3)
    MilestoneFactory(commitment=commitment, weight=1).report(progress=100, evidence=evidence())
    heavy.report(progress=50)
    commitment.refresh_from_db()
    assert commitment.progress == Decimal("62.5")  # (100 * 1 + 50 * 3) / 4


def test_plan_progress_is_the_mean_of_its_commitments():
    plan = ActionPlanFactory()
    MilestoneFactory(commitment=CommitmentFactory(plan=plan)).report(progress=100, evidence=evidence())
    MilestoneFactory(commitment=CommitmentFactory(plan=plan)).report(progress=40)
    CommitmentFactory(plan=plan)
    assert ActionPlan.objects.with_progress().get(pk=plan.pk).progress == Decimal("46.7")


@pytest.mark.parametrize(
    ("counts", "progress", "status"),
    [
        ((0, 0, 0), 0, Commitment.Status.NOT_STARTED),
        ((3, 0, 0), 0, Commitment.Status.NOT_STARTED),
        ((3, 1, 0), 40, Commitment.Status.ON_TRACK),
        ((3, 1, 1), 40, Commitment.Status.DELAYED),
        ((3, 3, 0), 100, Commitment.Status.COMPLETE),
    ],
)
def test_commitment_status_from_its_milestones(counts, progress, status):
    assert Commitment.status_from_counts(*counts, progress) == status


def test_commitment_status_filter_agrees_with_the_status():
    plan = ActionPlanFactory()
    not_started = CommitmentFactory(plan=plan)
    MilestoneFactory(commitment=not_started, due_on=TODAY + datetime.timedelta(days=60))
    on_track = CommitmentFactory(plan=plan)
    MilestoneFactory(commitment=on_track, due_on=TODAY + datetime.timedelta(days=60)).report(progress=30)
    delayed = CommitmentFactory(plan=plan)
    MilestoneFactory(commitment=delayed, due_on=datetime.date(2023, 4, 1)).report(progress=30)
    complete = CommitmentFactory(plan=plan)
    MilestoneFactory(commitment=complete).report(progress=100, evidence=evidence())
    expected = {
        Commitment.Status.NOT_STARTED: not_started,
        Commitment.Status.ON_TRACK: on_track,
        Commitment.Status.DELAYED: delayed,
        Commitment.Status.COMPLETE: complete,
    }
    for status, commitment in expected.items():
        assert list(Commitment.objects.with_status(status)) == [commitment], status
        assert Commitment.objects.for_list().get(pk=commitment.pk).status == status


def test_only_one_plan_is_current():
    ActionPlanFactory(is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlanFactory(is_current=True)


def test_commitment_code_follows_ogps_format():
    commitment = CommitmentFactory.build(code="ECQTO-1", lead=OrganizationFactory(), plan=ActionPlanFactory())
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "code" in error.value.message_dict
    assert Commitment(code="ECQTO0001").has_ogp_code()
    assert not Commitment(code="QGAPA0102").has_ogp_code()


def test_localized_falls_back_to_the_other_language():
    commitment = Commitment(title="Título", title_en="", problem="", problem_en="Problem")
    with translation.override("en"):
        assert commitment.localized("title") == ("Título", "es")
        assert commitment.localized("problem") == ("Problem", "en")
    with translation.override("es"):
        assert commitment.localized("problem") == ("Problem", "en")


def test_evidence_needs_a_file_or_a_link_not_both():
    update = MilestoneFactory().report(progress=10)
    with pytest.raises(ValidationError):
        Evidence(update=update, title="Nada").full_clean()
    with pytest.raises(ValidationError):
        Evidence(update=update, title="Ambos", file=pdf_upload(), url="https://quito.gob.ec/").full_clean()
    Evidence(update=update, title="Enlace", url="https://quito.gob.ec/").full_clean()


def test_evidence_files_are_stored_under_random_names():
    update = MilestoneFactory().report(progress=10, evidence=[Evidence(title="x", file=pdf_upload("Mi informe.pdf"))])
    name = update.evidence.get().file.name
    assert name.startswith("evidencias/") and name.endswith(".pdf")
    assert "informe" not in name.lower()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ", "file_type"),
        ("informe.pdf.exe", PDF_BYTES, "file_type"),
        ("pagina.html", b"<html>", "file_type"),
        ("imagen.svg", b"<svg/>", "file_type"),
        ("informe.pdf", b"MZ\x90 not a pdf", "file_content"),
        ("datos.csv", b"a,b\x00binary", "file_content"),
        ("vacio.pdf", b"", "file_empty"),
    ],
)
def test_evidence_file_validation(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_evidence_file(SimpleUploadedFile(name, content))
    assert error.value.code == code


def test_evidence_file_over_20_mb_is_refused():
    upload = SimpleUploadedFile("grande.pdf", PDF_BYTES)
    upload.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as error:
        validate_evidence_file(upload)
    assert error.value.code == "file_size"


@pytest.mark.parametrize(
    ("name", "content"),
    [("a.pdf", PDF_BYTES), ("a.png", b"\x89PNG\r\n\x1a\nxx"), ("a.csv", b"a,b\n1,2\n"), ("a.docx", b"PK\x03\x04x")],
)
def test_accepted_evidence_files(name, content):
    validate_evidence_file(SimpleUploadedFile(name, content))


def test_editable_by_follows_the_roles():
    own, partner, other = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    led = MilestoneFactory(commitment=CommitmentFactory(lead=own))
    co_led = MilestoneFactory(commitment=CommitmentFactory(lead=partner))
    co_led.commitment.co_responsible.add(own)
    foreign = MilestoneFactory(commitment=CommitmentFactory(lead=other))
    assert set(Milestone.objects.editable_by(staff_user("c", COORDINATION_GROUP))) == {led, co_led, foreign}
    assert set(Milestone.objects.editable_by(staff_user("e", EDITOR_GROUP, own))) == {led, co_led}
    assert not Milestone.objects.editable_by(staff_user("sin_perfil", EDITOR_GROUP)).exists()
    assert not Milestone.objects.editable_by(staff_user("sin_grupo", None, own)).exists()
    assert set(Milestone.objects.editable_by(UserFactory(is_superuser=True))) == {led, co_led, foreign}


def test_page_prefetches_hook_adds_prefetches_to_the_commitment_page(monkeypatch, django_assert_num_queries):
    milestone = MilestoneFactory()
    monkeypatch.setattr(MilestoneQuerySet, "page_prefetches", [models.Prefetch("responsible__staff")])
    with django_assert_num_queries(6):  # commitment, values, co-responsible, milestones, updates, hooked staff
        commitment = Commitment.objects.for_page().get(pk=milestone.commitment.pk)
        [list(item.responsible.staff.all()) for item in commitment.milestones.all()]


def test_models_describe_themselves():
    milestone = MilestoneFactory(order=2, title="Talleres")
    assert str(milestone) == f"{milestone.commitment.code} · 2. Talleres"
    assert milestone.get_absolute_url().endswith("#hito-2")
    assert milestone.commitment.get_absolute_url() == f"/compromisos/{milestone.commitment.code}/"
    assert milestone.commitment.plan.get_absolute_url() == f"/planes/{milestone.commitment.plan.slug}/"
    assert milestone.responsible.get_absolute_url() == f"/instituciones/{milestone.responsible.slug}/"
