import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from council.models import AgendaItem, Agreement, Attendance, CouncilMember, Erratum, MilestoneReview, Minutes, Session
from tests.council.factories import (
    AgreementFactory,
    AttendanceFactory,
    CouncilMemberFactory,
    MinutesFactory,
    SessionFactory,
    held_session,
)
from tests.factories import MilestoneFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(4)


def test_quorum_needs_more_than_half_of_the_members_in_office(members):
    assert not held_session(members, present=2).quorum().reached
    quorum = held_session(members, present=3).quorum()
    assert quorum.reached
    assert (quorum.members_in_office, quorum.attending, quorum.required) == (4, 3, 3)


def test_an_alternate_attending_in_a_members_place_counts_for_quorum(members):
    session = held_session(members, present=2)
    Attendance.objects.filter(session=session, member=members[3]).update(status=Attendance.Status.ALTERNATE)
    assert session.quorum().reached


def test_quorum_counts_only_members_in_office_on_the_session_date(members):
    CouncilMemberFactory(term_starts_on=datetime.date(2020, 1, 1), term_ends_on=datetime.date(2021, 12, 31))
    CouncilMemberFactory(term_starts_on=datetime.date(2029, 1, 1), term_ends_on=None)
    session = held_session(members, present=3, scheduled_on=datetime.date(2023, 5, 10))
    assert session.quorum().members_in_office == 4


def test_a_member_with_unknown_term_counts_as_in_office(members):
    CouncilMemberFactory(term_starts_on=None, term_ends_on=None)
    assert held_session(members, present=3).quorum().members_in_office == 5


def test_quorum_annotation_matches_the_model_method(members):
    session = held_session(members, present=3)
    annotated = Session.objects.with_quorum().get(pk=session.pk)
    assert (annotated.members_in_office, annotated.attending) == (4, 3)
    assert annotated.quorum() == Session.objects.get(pk=session.pk).quorum()


def test_a_session_cannot_be_marked_held_without_attendance():
    session = SessionFactory()
    with pytest.raises(ValidationError) as error:
        session.mark_held()
    assert error.value.code == "no_attendance"
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


def test_a_session_cannot_be_marked_held_before_its_date(members):
    session = SessionFactory(scheduled_on=datetime.date.today() + datetime.timedelta(days=1))
    AttendanceFactory(session=session, member=members[0])
    with pytest.raises(ValidationError) as error:
        session.mark_held()
    assert error.value.code == "held_before_date"


def test_a_held_session_cannot_be_suspended(members):
    with pytest.raises(ValidationError):
        held_session(members, present=3).suspend()


def test_a_member_out_of_office_cannot_be_recorded_as_attending():
    member = CouncilMemberFactory(term_ends_on=datetime.date(2022, 6, 30))
    attendance = Attendance(
        session=SessionFactory(scheduled_on=datetime.date(2023, 1, 5)), member=member, status="present"
    )
    with pytest.raises(ValidationError) as error:
        attendance.full_clean()
    assert "member" in error.value.message_dict


def test_minutes_are_approved_at_a_later_held_session_with_quorum(members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    later = held_session(members, present=3)
    user = UserFactory()
    minutes.approve(at=later, by=user)
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_at, minutes.approved_by) == (Minutes.Status.APPROVED, later, user)
    assert minutes.approved_on is not None


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("same", "approving_not_later"),
        ("earlier", "approving_not_later"),
        ("not_held", "approving_not_held"),
        ("no_quorum", "approving_without_quorum"),
    ],
)
def test_minutes_cannot_be_approved_elsewhere(members, case, code):
    earlier = held_session(members, present=3)
    minutes = MinutesFactory(session=held_session(members, present=3))
    at = {
        "same": lambda: minutes.session,
        "earlier": lambda: earlier,
        "not_held": lambda: SessionFactory(),
        "no_quorum": lambda: held_session(members, present=2),
    }[case]()
    with pytest.raises(ValidationError) as error:
        minutes.approve(at=at, by=None)
    assert error.value.code == code
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT


def test_minutes_are_published_only_once_approved(members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    with pytest.raises(ValidationError):
        minutes.publish()
    minutes.approve(at=held_session(members, present=3), by=None)
    minutes.publish()
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED and minutes.published_on
    assert list(Minutes.objects.visible_to(None)) == [minutes]


def test_approved_minutes_are_read_only_and_corrected_by_erratum(members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    minutes.approve(at=held_session(members, present=3), by=None)
    minutes = Minutes.objects.get(pk=minutes.pk)
    minutes.text = "Texto cambiado"
    with pytest.raises(ValidationError) as error:
        minutes.save()
    assert error.value.code == "minutes_locked"
    erratum = Erratum(minutes=Minutes.objects.get(pk=minutes.pk), text="Donde dice 3, debe decir 4.")
    erratum.full_clean()
    erratum.save()
    assert Minutes.objects.get(pk=minutes.pk).text != "Texto cambiado"


def test_draft_minutes_take_no_erratum(members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    with pytest.raises(ValidationError):
        Erratum(minutes=minutes, text="x").full_clean()


def test_the_database_refuses_approved_minutes_without_the_approving_session(members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(status=Minutes.Status.APPROVED)


def test_the_database_refuses_minutes_approved_at_their_own_session(members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(
            status="approved", approved_at=minutes.session, approved_on=datetime.datetime.now(datetime.UTC)
        )


def test_minutes_are_recorded_only_for_a_held_session():
    with pytest.raises(ValidationError) as error:
        Minutes(session=SessionFactory(), text="x").full_clean()
    assert error.value.error_dict["__all__"][0].code == "session_not_held"
    with pytest.raises(ValidationError):
        Agreement(session=SessionFactory(), number=1, text="x").full_clean()


def test_minutes_markdown_is_rendered_and_sanitised():
    minutes = Minutes(
        text="# Título\n\n**Acuerdo** [enlace](https://quito.gob.ec)\n\n<script>alert(1)</script>"
        '<a href="javascript:alert(1)" onclick="x()">mal</a><img src=x onerror=alert(1)>'
    )
    html = minutes.text_html()
    assert "<h3>Título</h3>" in html
    assert "<strong>Acuerdo</strong>" in html
    assert 'href="https://quito.gob.ec"' in html
    for forbidden in ("<script", "onclick", "javascript:", "<img", "onerror", "<h1", "<h2"):
        assert forbidden not in html


def test_open_agreements_of_earlier_sessions_come_back_as_follow_up(members):
    first = held_session(members, present=3)
    open_agreement = AgreementFactory(session=first, status=Agreement.Status.IN_PROGRESS)
    AgreementFactory(session=first, status=Agreement.Status.DONE)
    next_session = SessionFactory()
    later_agreement_session = held_session(members, present=3)
    AgreementFactory(session=later_agreement_session)
    item = next_session.add_agreements_follow_up()
    assert item.kind == AgendaItem.Kind.FOLLOW_UP
    assert item.title == "Seguimiento de acuerdos"
    assert list(item.agreements.all()) == [open_agreement]
    assert next_session.add_agreements_follow_up() == item
    assert next_session.agenda_items.count() == 1


def test_no_follow_up_item_without_open_agreements():
    assert SessionFactory().add_agreements_follow_up() is None


def test_a_review_cites_only_an_update_that_existed_on_the_session_date(members):
    milestone = MilestoneFactory()
    before = milestone.report(progress=40, reported_on=datetime.date(2023, 2, 1))
    after = milestone.report(progress=60, reported_on=datetime.date(2023, 4, 1))
    session = held_session(members, present=3, scheduled_on=datetime.date(2023, 3, 1))
    review = MilestoneReview(session=session, milestone=milestone, update=after, outcome="verified")
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert error.value.error_dict["update"][0].code == "update_after_session"
    review.update = None
    review.full_clean()
    assert review.update == before


def test_a_review_cites_an_update_of_its_own_milestone(members):
    milestone, other = MilestoneFactory(), MilestoneFactory()
    update = other.report(progress=10, reported_on=datetime.date(2023, 1, 1))
    session = held_session(members, present=3, scheduled_on=datetime.date(2023, 3, 1))
    with pytest.raises(ValidationError):
        MilestoneReview(session=session, milestone=milestone, update=update, outcome="verified").full_clean()


def test_a_review_needs_a_report_before_the_session(members):
    session = held_session(members, present=3, scheduled_on=datetime.date(2023, 3, 1))
    with pytest.raises(ValidationError) as error:
        MilestoneReview(session=session, milestone=MilestoneFactory(), outcome="verified").full_clean()
    assert error.value.error_dict["milestone"][0].code == "no_update"


def test_only_the_chair_seat_may_be_recorded_without_a_person(members):
    organization = members[0].organization
    with pytest.raises(IntegrityError), transaction.atomic():
        CouncilMember.objects.create(name="", organization=organization, sector="civil_society", role="member")
    chair = CouncilMember.objects.create(name="", organization=organization, sector="civil_society", role="chair")
    assert str(chair.display_name()) == "Presidencia (persona no publicada)"


def test_attendance_rate_over_the_last_twelve_months_is_computed_in_the_database(members):
    today = datetime.date.today()
    held_session(members, present=1, scheduled_on=today - datetime.timedelta(days=10))
    held_session(members, present=4, scheduled_on=today - datetime.timedelta(days=40))
    held_session(members, present=4, scheduled_on=today - datetime.timedelta(days=400))
    rates = {m.pk: m for m in CouncilMember.objects.with_attendance_rate(on=today)}
    assert rates[members[0].pk].attendance_rate == 100
    assert rates[members[1].pk].attendance_rate == 50
    assert (rates[members[1].pk].sessions_attended, rates[members[1].pk].sessions_recorded) == (1, 2)


def test_a_member_without_sessions_has_no_rate(members):
    assert CouncilMember.objects.with_attendance_rate().get(pk=members[0].pk).attendance_rate is None


def test_attendance_is_unique_per_member_and_session(members):
    attendance = AttendanceFactory(member=members[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=attendance.session, member=members[0], status="absent")


def test_the_open_agreements_index_covers_exactly_the_open_statuses():
    """The council page's counts and list read the partial index only while its condition is `open()`'s filter."""
    (index,) = [index for index in Agreement._meta.indexes if index.name == "agreement_open_by_due_date"]
    (lookup, statuses) = index.condition.children[0]
    assert lookup == "status__in" and set(statuses) == set(Agreement.OPEN_STATUSES)
