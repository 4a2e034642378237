"""Freshness ("último reporte hace N días") and each institution's punctuality, computed by the database."""

import datetime
from decimal import Decimal

import pytest

from commitments.models import Milestone, Organization, ProgressUpdate, today
from tests.commitments.factories import ProgressUpdateFactory
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ON = datetime.date(2024, 1, 31)


def report(milestone, progress, day):
    ProgressUpdateFactory(milestone=milestone, progress=progress, reported_on=day)


def hand_built(organization, other):
    """Six milestones of `organization` whose figures are worked out by hand in the test, and one of `other`."""
    commitment = CommitmentFactory(lead=organization)
    d = datetime.date

    def milestone(order, starts_on, due_on, revised_due_on=None):
        return MilestoneFactory(
            commitment=commitment, order=order, responsible=organization, starts_on=starts_on, due_on=due_on,
            revised_due_on=revised_due_on,
        )  # fmt: skip

    # 1: complete on 20 June, 10 days early (a later report at 100 % does not move its completion date).
    m1 = milestone(1, d(2023, 3, 1), d(2023, 6, 30))
    report(m1, 100, d(2023, 6, 20))
    report(m1, 100, d(2023, 7, 10))
    # 2: revised to 30 September, complete 15 September: 77 days after the original date, on time for the revised.
    m2 = milestone(2, d(2023, 3, 1), d(2023, 6, 30), d(2023, 9, 30))
    report(m2, 50, d(2023, 5, 1))
    report(m2, 100, d(2023, 9, 15))
    # 3: revised to 31 August, complete 10 October: late for both, 102 days after the original date.
    m3 = milestone(3, d(2023, 3, 1), d(2023, 6, 30), d(2023, 8, 31))
    report(m3, 100, d(2023, 10, 10))
    # 4: open, due 31 December (passed: late for both), reported 15 January (fresh).
    m4 = milestone(4, d(2023, 7, 1), d(2023, 12, 31))
    report(m4, 60, d(2024, 1, 15))
    # 5: open, due in June, last reported 10 September (stale: 143 days before ON).
    m5 = milestone(5, d(2023, 9, 1), d(2024, 6, 30))
    report(m5, 10, d(2023, 9, 10))
    # 6: open, not started yet: counts in no share.
    milestone(6, d(2024, 3, 1), d(2024, 12, 31))
    # Another institution's milestone, complete on time: never counted for `organization`.
    theirs = MilestoneFactory(commitment=CommitmentFactory(lead=other), responsible=other, due_on=d(2023, 6, 30))
    report(theirs, 100, d(2023, 6, 1))


@pytest.fixture
def organizations():
    organization, other = OrganizationFactory(acronym="PUNT"), OrganizationFactory(acronym="OTRA")
    hand_built(organization, other)
    return organization, other


def test_punctuality_figures_on_a_hand_built_case(organizations):
    organization, _other = organizations
    figures = Milestone.objects.filter(responsible=organization).punctuality(on=ON)
    assert figures.milestone_count == 6
    # Decided by the original date: 1, 2, 3 (complete) and 4 (due passed); on time: 1 only.
    assert figures.on_time_original == Decimal("25.0")
    # By the date in force: 1 and 2 of the same four.
    assert figures.on_time_revised == Decimal("50.0")
    # (0 + 77 + 102) / 3 days after the original due dates.
    assert figures.average_delay_days == Decimal("59.7")
    # Open and started: 4 and 5; reported within 90 days: 4.
    assert figures.fresh_reports == Decimal("50.0")
    assert figures.counts["completed_count"] == 3 and figures.counts["delay_days"] == 179


@pytest.mark.usefixtures("organizations")
def test_the_grouped_figures_of_every_institution_agree_with_each_ones():
    rows = {row.acronym: row for row in Organization.objects.with_punctuality_counts(on=ON)}
    assert rows["PUNT"].punctuality_figures().as_dict() == {
        "milestone_count": 6, "on_time_original": Decimal("25.0"), "on_time_revised": Decimal("50.0"),
        "average_delay_days": Decimal("59.7"), "fresh_reports": Decimal("50.0"),
    }  # fmt: skip
    assert rows["OTRA"].punctuality_figures().as_dict() == {
        "milestone_count": 1, "on_time_original": Decimal("100.0"), "on_time_revised": Decimal("100.0"),
        "average_delay_days": Decimal("0.0"), "fresh_reports": None,
    }  # fmt: skip


def test_an_institution_without_milestones_has_no_data_never_zero():
    figures = Milestone.objects.filter(responsible=OrganizationFactory()).punctuality(on=ON)
    assert figures.as_dict() == {
        "milestone_count": 0, "on_time_original": None, "on_time_revised": None, "average_delay_days": None,
        "fresh_reports": None,
    }  # fmt: skip


def test_the_threshold_of_a_fresh_report_is_a_setting(organizations, settings):
    organization, _other = organizations
    settings.PROGRESS_STALE_DAYS = 200
    assert Milestone.objects.filter(responsible=organization).punctuality(on=ON).fresh_reports == Decimal("100.0")


def test_the_completion_date_is_the_first_complete_report_since_the_last_incomplete_one():
    milestone = MilestoneFactory()
    report(milestone, 100, datetime.date(2023, 6, 1))
    report(milestone, 100, datetime.date(2023, 6, 15))  # more evidence: still complete since 1 June
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2023, 6, 1)
    report(milestone, 80, datetime.date(2023, 7, 1))  # reopened
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    report(milestone, 100, datetime.date(2023, 7, 20))
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2023, 7, 20)
    ProgressUpdate.objects.get(reported_on=datetime.date(2023, 7, 20)).delete()
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_the_institution_page_shows_its_punctuality_and_no_data_when_nothing_counts(client):
    organization = OrganizationFactory(acronym="PAGINA")
    commitment = CommitmentFactory(lead=organization)
    day = today() - datetime.timedelta(days=10)
    done = MilestoneFactory(
        commitment=commitment, responsible=organization, starts_on=day - datetime.timedelta(days=30), due_on=day
    )
    report(done, 100, day - datetime.timedelta(days=2))
    content = client.get(organization.get_absolute_url()).content.decode()
    assert "Cumplidos a la fecha de vencimiento original" in content
    assert "100 % (1 de 1)" in content and "0 días (1 cumplidos)" in content
    assert "Hitos abiertos con un reporte reciente" in content and "Sin datos" in content
    english = client.get(f"/en{organization.get_absolute_url()}").content.decode()
    assert "Completed by the original due date" in english and "100 % (1 of 1)" in english


@pytest.mark.parametrize("size", [1, 8])
def test_the_institution_page_runs_the_same_queries_whatever_the_number_of_milestones(
    client, django_assert_num_queries, size
):
    organization = OrganizationFactory(slug="institucion-medida")
    for _index in range(size):
        commitment = CommitmentFactory(lead=organization)
        for order in (1, 2):
            milestone = MilestoneFactory(commitment=commitment, order=order, responsible=organization)
            report(milestone, 100 if order == 1 else 40, datetime.date(2023, 6, 1))
    client.get("/instituciones/institucion-medida/")  # warm the per-process caches
    with django_assert_num_queries(ORGANIZATION_PAGE_QUERIES):
        assert client.get("/instituciones/institucion-medida/").status_code == 200


# The institution with its plans, its led and co-led commitments, its delayed milestones, its punctuality.
ORGANIZATION_PAGE_QUERIES = 6


# Freshness -----------------------------------------------------------------------------------------------------


def test_a_milestone_says_how_old_its_last_report_is_and_warns_past_the_threshold(client, settings):
    settings.PROGRESS_STALE_DAYS = 90
    commitment = CommitmentFactory(code="ECQTO0301")
    start = today() - datetime.timedelta(days=400)
    fresh = MilestoneFactory(commitment=commitment, order=1, starts_on=start, due_on=today())
    report(fresh, 30, today() - datetime.timedelta(days=5))
    stale = MilestoneFactory(commitment=commitment, order=2, starts_on=start, due_on=today())
    report(stale, 30, today() - datetime.timedelta(days=120))
    never = MilestoneFactory(commitment=commitment, order=3, starts_on=today(), due_on=today())
    assert (fresh.days_since_report(), stale.days_since_report(), never.days_since_report()) == (5, 120, None)
    stale.refresh_from_db()
    assert stale.report_is_stale() and not never.report_is_stale()
    content = client.get(commitment.get_absolute_url()).content.decode()
    assert "Último reporte hace 5 días" in content
    assert "Último reporte hace 120 días" in content and "Sin reporte reciente: más de 90 días" in content
    assert "Sin reportes" in content and "hace 0 días" not in content
    english = client.get(f"/en{commitment.get_absolute_url()}").content.decode()
    assert "Last report 5 days ago" in english and "No reports" in english


def test_a_commitment_keeps_its_latest_report_date(settings):
    commitment = CommitmentFactory()
    first = MilestoneFactory(commitment=commitment, order=1)
    second = MilestoneFactory(commitment=commitment, order=2)
    commitment.refresh_from_db()
    assert commitment.last_reported_on is None and commitment.days_since_report() is None
    report(first, 20, datetime.date(2023, 4, 1))
    report(second, 20, datetime.date(2023, 5, 1))
    commitment.refresh_from_db()
    assert commitment.last_reported_on == datetime.date(2023, 5, 1)
    assert commitment.days_since_report(on=datetime.date(2023, 5, 11)) == 10
    settings.PROGRESS_STALE_DAYS = 5
    assert commitment.report_is_stale(on=datetime.date(2023, 5, 11))
    report(first, 100, datetime.date(2023, 5, 2))
    report(second, 100, datetime.date(2023, 5, 3))
    commitment.refresh_from_db()
    assert not commitment.report_is_stale(on=datetime.date(2024, 1, 1))  # complete: nothing more to report
