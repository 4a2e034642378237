"""The milestone figures stored on Commitment stay right after every kind of change, and lists read them."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from commitments.models import Commitment, Milestone, ProgressUpdate, today
from tests.commitments.factories import ProgressUpdateFactory
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2023, 6, 30)


def stored(commitment):
    return Commitment.objects.values(*Commitment.SUMMARY_FIELDS).get(pk=commitment.pk)


def recomputed(commitment):
    rows = Milestone.objects.filter(commitment=commitment).values_list(
        "status", "progress", "weight", "effective_due_on", "last_reported_on"
    )
    return Commitment.summarise(rows)


def test_a_commitment_without_milestones_has_unknown_progress_never_zero():
    commitment = CommitmentFactory()
    assert stored(commitment) == {
        "milestone_count": 0, "complete_count": 0, "open_due_dates": [], "next_due_on": None, "progress": None,
        "last_reported_on": None,
    }  # fmt: skip
    assert commitment.status == Commitment.Status.NO_DATA


def test_saving_a_milestone_updates_the_counts_and_due_dates():
    commitment = CommitmentFactory()
    MilestoneFactory(commitment=commitment, due_on=PAST, weight=1)
    milestone = MilestoneFactory(commitment=commitment, due_on=PAST, weight=3)
    assert stored(commitment) == {
        "milestone_count": 2, "complete_count": 0, "open_due_dates": ["2023-06-30", "2023-06-30"],
        "next_due_on": PAST, "progress": Decimal("0.0"), "last_reported_on": None,
    }  # fmt: skip
    milestone.revised_due_on = today() + datetime.timedelta(days=30)
    milestone.save()
    assert stored(commitment)["next_due_on"] == PAST
    assert stored(commitment)["open_due_dates"] == ["2023-06-30", milestone.revised_due_on.isoformat()]
    assert Commitment.objects.get(pk=commitment.pk).delayed_count == 1


def test_a_report_updates_progress_and_completion():
    commitment = CommitmentFactory()
    first = MilestoneFactory(commitment=commitment, due_on=PAST, weight=1)
    second = MilestoneFactory(commitment=commitment, due_on=PAST, weight=3)
    ProgressUpdateFactory(milestone=first, progress=100)
    ProgressUpdateFactory(milestone=second, progress=40)
    summary = stored(commitment)
    assert summary["complete_count"] == 1
    assert summary["progress"] == Decimal("55.0")  # (100 * 1 + 40 * 3) / 4
    assert summary["open_due_dates"] == ["2023-06-30"]
    assert summary == recomputed(commitment)
    loaded = Commitment.objects.for_list().get(pk=commitment.pk)
    assert loaded.status == Commitment.Status.DELAYED and loaded.delayed_count == 1


def test_deleting_a_report_or_a_milestone_updates_the_figures():
    commitment = CommitmentFactory()
    first = MilestoneFactory(commitment=commitment, due_on=PAST)
    second = MilestoneFactory(commitment=commitment, due_on=PAST)
    update = ProgressUpdateFactory(milestone=first, progress=100)
    ProgressUpdateFactory(milestone=second, progress=100)
    assert stored(commitment)["complete_count"] == 2
    assert Commitment.objects.get(pk=commitment.pk).status == Commitment.Status.COMPLETE
    update.delete()
    assert stored(commitment)["complete_count"] == 1
    assert stored(commitment)["progress"] == Decimal("50.0")
    Milestone.objects.get(pk=second.pk).delete()
    assert stored(commitment) == recomputed(commitment)
    assert stored(commitment)["milestone_count"] == 1
    Milestone.objects.get(pk=first.pk).delete()
    assert stored(commitment)["progress"] is None  # no milestones left: unknown again, never 0


def test_bulk_refresh_brings_bulk_loaded_milestones_into_the_figures():
    commitments = [CommitmentFactory(), CommitmentFactory()]
    complete, in_progress = Milestone.Status.COMPLETE, Milestone.Status.IN_PROGRESS
    milestones = Milestone.objects.bulk_create(
        Milestone(
            commitment=commitment,
            order=order,
            title="Hito",
            responsible=commitment.lead,
            starts_on=PAST,
            due_on=PAST,
            effective_due_on=PAST,
            progress=100 if order == 1 else 20,
            status=complete if order == 1 else in_progress,
        )
        for commitment in commitments
        for order in (1, 2)
    )
    assert len(milestones) == 4
    assert stored(commitments[0])["milestone_count"] == 0  # bulk inserts bypass save()
    Commitment.objects.filter(pk__in=[commitment.pk for commitment in commitments]).refresh_summaries()
    for commitment in commitments:
        assert stored(commitment) == recomputed(commitment)
        assert stored(commitment)["progress"] == Decimal("60.0")


def test_the_demo_seeder_leaves_every_figure_right():
    call_command("seed_demo", scale=1)
    commitments = Commitment.objects.filter(is_demo=True)
    assert commitments.exists()
    for commitment in commitments:
        assert stored(commitment) == recomputed(commitment), commitment.code
    assert ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Commitment.Status.DELAYED, {"delayed"}),
        (Commitment.Status.COMPLETE, {"complete"}),
        (Commitment.Status.NO_DATA, {"empty"}),
        (Commitment.Status.NOT_STARTED, {"upcoming"}),
        (Commitment.Status.ON_TRACK, {"on_track"}),
    ],
)
def test_status_filter_reads_the_stored_figures(status, expected):
    future = today() + datetime.timedelta(days=60)
    made = {name: CommitmentFactory(title=name) for name in ("delayed", "complete", "empty", "upcoming", "on_track")}
    MilestoneFactory(commitment=made["delayed"], due_on=PAST)
    ProgressUpdateFactory(milestone=MilestoneFactory(commitment=made["complete"], due_on=PAST), progress=100)
    MilestoneFactory(commitment=made["upcoming"], due_on=future)
    ProgressUpdateFactory(milestone=MilestoneFactory(commitment=made["on_track"], due_on=future), progress=30)
    found = set(Commitment.objects.with_status(status).values_list("title", flat=True))
    assert found == expected
    for commitment in Commitment.objects.filter(title__in=expected):
        assert commitment.status == status
