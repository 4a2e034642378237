import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from commitments.models import (
    COORDINATION_GROUP,
    EDITOR_GROUP,
    ActionPlan,
    Commitment,
    Evidence,
    Milestone,
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


def test_plan_progress_is_the_mean_over_the_commitments_whose_progress_is_known():
    plan = ActionPlanFactory()
    MilestoneFactory(commitment=CommitmentFactory(plan=plan)).report(progress=100, evidence=evidence())
    MilestoneFactory(commitment=CommitmentFactory(plan=plan)).report(progress=40)
    MilestoneFactory(commitment=CommitmentFactory(plan=plan)).report(progress=0)
    CommitmentFactory(plan=plan)  # no milestones: unknown, left out of the mean rather than counted as 0
    CommitmentFactory(plan=plan, title="", short_title="", lead=None)  # undocumented
    plan = ActionPlan.objects.get(pk=plan.pk)
    assert plan.progress == Decimal("46.7")  # (100 + 40 + 0) / 3
    assert (plan.known_progress_count, plan.commitment_count, plan.documented_count) == (3, 5, 4)


def test_plan_progress_is_unknown_when_no_commitment_has_milestones():
    plan = ActionPlanFactory()
    CommitmentFactory.create_batch(2, plan=plan)
    plan = ActionPlan.objects.get(pk=plan.pk)
    assert plan.progress is None and plan.known_progress_count == 0


def test_commitment_without_milestones_has_unknown_progress_not_zero():
    commitment = CommitmentFactory()
    assert commitment.progress is None
    milestone = MilestoneFactory(commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.progress == 0  # a published milestone with nothing reported: a known 0 %
    milestone.delete()
    commitment.refresh_from_db()
    assert commitment.progress is None
    assert Commitment.objects.for_list().get(pk=commitment.pk).status == Commitment.Status.NO_DATA


def test_progress_summary_averages_known_values_and_counts_them():
    commitments = [Commitment(progress=Decimal(80)), Commitment(progress=None), Commitment(progress=Decimal(25))]
    assert Commitment.progress_summary(commitments) == {"progress": Decimal("52.5"), "known": 2, "total": 3}
    assert Commitment.progress_summary([Commitment()]) == {"progress": None, "known": 0, "total": 1}


@pytest.mark.parametrize(
    ("counts", "progress", "status"),
    [
        ((0, 0, 0), None, Commitment.Status.NO_DATA),
        ((3, 0, 0), 0, Commitment.Status.NOT_STARTED),
        ((3, 1, 0), 40, Commitment.Status.ON_TRACK),
        ((3, 1, 1), 40, Commitment.Status.DELAYED),
        ((3, 3, 0), 100, Commitment.Status.COMPLETE),
    ],
)
def test_commitment_status_from_its_milestones(counts, progress, status):
    assert Commitment.status_from_counts(*counts, progress) == status


def test_commitment_status_without_data_reads_no_data_in_both_languages():
    assert Commitment.status_from_counts(0, 0, 0, None) == Commitment.Status.NO_DATA
    with translation.override("es"):
        assert str(Commitment.Status.NO_DATA.label) == "Sin datos"
    with translation.override("en"):
        assert str(Commitment.Status.NO_DATA.label) == "No data"


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
    no_data = CommitmentFactory(plan=plan)
    expected = {
        Commitment.Status.NO_DATA: no_data,
        Commitment.Status.NOT_STARTED: not_started,
        Commitment.Status.ON_TRACK: on_track,
        Commitment.Status.DELAYED: delayed,
        Commitment.Status.COMPLETE: complete,
    }
    for status, commitment in expected.items():
        assert list(Commitment.objects.with_status(status)) == [commitment], status
        assert Commitment.objects.for_list().get(pk=commitment.pk).status == status


SECOND_PLAN = {
    "starts_on": datetime.date(2022, 1, 1),
    "starts_on_precision": "year",
    "ends_on": datetime.date(2023, 3, 31),
    "ends_on_precision": "month",
}


@pytest.mark.parametrize(
    ("on", "status", "current"),
    [
        (datetime.date(2021, 12, 31), ActionPlan.Status.UPCOMING, False),
        (datetime.date(2022, 1, 1), ActionPlan.Status.IMPLEMENTATION, True),
        (datetime.date(2023, 3, 31), ActionPlan.Status.IMPLEMENTATION, True),
        (datetime.date(2023, 4, 1), ActionPlan.Status.FINISHED, False),
        (datetime.date(2026, 12, 1), ActionPlan.Status.FINISHED, False),
    ],
)
def test_plan_status_and_current_follow_its_period_and_the_day(on, status, current):
    plan = ActionPlan(**SECOND_PLAN)
    assert plan.status_on(on) == status
    assert plan.is_current(on) is current


def test_plan_without_a_sourced_period_is_never_current_and_has_no_data():
    plan = ActionPlan(starts_on=datetime.date(2022, 1, 1))
    assert not plan.is_current(datetime.date(2022, 6, 1))
    assert plan.status_on(datetime.date(2022, 6, 1)) == ActionPlan.Status.NO_DATA
    assert ActionPlan().status_on(datetime.date(2022, 6, 1)) == ActionPlan.Status.NO_DATA


def test_plan_status_follows_today(set_today):
    plan = ActionPlan(**SECOND_PLAN)
    set_today(datetime.date(2026, 12, 1))
    assert plan.status == ActionPlan.Status.FINISHED and not plan.is_current()
    assert str(plan.get_status_display()) == "Finalizado"
    set_today(datetime.date(2023, 2, 14))
    assert plan.status == ActionPlan.Status.IMPLEMENTATION and plan.is_current()


def test_current_plan_is_none_when_no_period_contains_the_day():
    first = ActionPlanFactory(starts_on=datetime.date(2019, 1, 1), ends_on=datetime.date(2021, 12, 31))
    second = ActionPlanFactory(**SECOND_PLAN)
    ActionPlanFactory()  # no sourced period
    assert ActionPlan.objects.current(on=datetime.date(2026, 12, 1)) is None
    assert ActionPlan.objects.current(on=datetime.date(2020, 5, 1)) == first
    assert ActionPlan.objects.current(on=datetime.date(2023, 3, 31)) == second
    assert list(ActionPlan.objects.in_force(on=datetime.date(2023, 3, 31))) == [second]


def test_featured_plan_is_the_current_one_else_the_latest():
    first = ActionPlanFactory(number=1, starts_on=datetime.date(2019, 1, 1), ends_on=datetime.date(2021, 12, 31))
    second = ActionPlanFactory(number=2, **SECOND_PLAN)
    assert ActionPlan.objects.featured(on=datetime.date(2020, 5, 1)) == first
    assert ActionPlan.objects.featured(on=datetime.date(2026, 12, 1)) == second
    assert ActionPlan.objects.none().featured() is None


def test_plan_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlanFactory(starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2022, 1, 1))


def test_undocumented_commitment_says_its_title_is_not_published():
    commitment = Commitment(code="ECQTO0002", title="", title_en="")
    assert not commitment.is_documented()
    with translation.override("es"):
        assert str(commitment.display_title()) == "Título no publicado en las fuentes consultadas"
    assert Commitment(code="ECQTO0001", title="Desarrollar procesos").is_documented()


def test_portal_translations_are_marked_per_field_and_language():
    commitment = Commitment(translated_fields=["problem", "title_en"], sources="seed document\nhttps://example.org/a")
    assert commitment.is_portal_translation("problem", "es")
    assert not commitment.is_portal_translation("problem", "en")
    assert commitment.is_portal_translation("title", "en")
    assert commitment.original_source() == "https://example.org/a"


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


def test_models_describe_themselves():
    milestone = MilestoneFactory(order=2, title="Talleres")
    assert str(milestone) == f"{milestone.commitment.code} · 2. Talleres"
    assert milestone.get_absolute_url().endswith("#hito-2")
    assert milestone.commitment.get_absolute_url() == f"/compromisos/{milestone.commitment.code}/"
    assert milestone.commitment.plan.get_absolute_url() == f"/planes/{milestone.commitment.plan.slug}/"
    assert milestone.responsible.get_absolute_url() == f"/instituciones/{milestone.responsible.slug}/"
