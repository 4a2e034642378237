"""The members' attendance figures are read from stored running totals (`AttendanceTotal`), kept by the model
layer: they always equal the count over the attendance rows of the held sessions of the 12 months to a date."""

import datetime

import pytest
from django.core.management import call_command

from council.models import Attendance, AttendanceTotal, CouncilMember, Session
from tests.council.factories import AttendanceFactory, CouncilMemberFactory, SessionFactory, held_session

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def counted_from_rows(on):
    """The figures as the council page computed them before they were stored: per member, the attendance rows of
    held sessions dated after `on` minus 365 days and up to `on`, and those that counted for the quorum."""
    window = Attendance.objects.filter(
        session__status=Session.Status.HELD,
        session__scheduled_on__gt=on - datetime.timedelta(days=365),
        session__scheduled_on__lte=on,
    )
    figures = {}
    for member in CouncilMember.objects.all():
        rows = window.filter(member=member)
        recorded, attended = rows.count(), rows.filter(status__in=Attendance.COUNTS_FOR_QUORUM).count()
        figures[member.pk] = (recorded, attended, attended * 100.0 / recorded if recorded else None)
    return figures


def stored(on):
    return {
        member.pk: (member.sessions_recorded, member.sessions_attended, member.attendance_rate)
        for member in CouncilMember.objects.with_attendance_rate(on=on)
    }


def assert_matches_rows(*dates):
    for on in dates or [TODAY]:
        expected = {
            pk: (recorded, attended, None if rate is None else pytest.approx(rate))
            for pk, (recorded, attended, rate) in counted_from_rows(on).items()
        }
        assert stored(on) == expected, on


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(3)


@pytest.fixture
def history(members):
    """Held sessions inside, at the edges of and outside the window; one convened; two on the same day."""
    first, second, third = members
    statuses = {
        days_ago(400): ["present", "absent", "present"],
        days_ago(365): ["present", "present", "absent"],  # exactly a year before today: outside the window
        days_ago(364): ["absent", "alternate", "excused"],
        days_ago(100): ["present", "excused", None],
        days_ago(0): ["alternate", "absent", "present"],  # today: inside
    }
    for day, row in statuses.items():
        session = SessionFactory(scheduled_on=day)
        for member, status in zip(members, row, strict=True):
            if status:
                Attendance.objects.create(session=session, member=member, status=status)
        session.mark_held()
    same_day = SessionFactory(scheduled_on=days_ago(100), kind=Session.Kind.EXTRAORDINARY)
    Attendance.objects.create(session=same_day, member=first, status="present")
    Attendance.objects.create(session=same_day, member=third, status="absent")
    same_day.mark_held()
    convened = SessionFactory(scheduled_on=days_ago(5))  # recorded but not held: it does not count
    Attendance.objects.create(session=convened, member=second, status="present")
    return first, second, third


def test_a_hand_built_case_gives_the_figures_the_rows_give(history):
    first, second, third = history
    figures = stored(TODAY)
    assert figures[first.pk] == (4, 3, 75.0)  # 364: absent; 100: present twice; today: alternate
    assert figures[second.pk] == (3, 1, pytest.approx(100 / 3))  # the convened session is left out
    assert figures[third.pk] == (3, 1, pytest.approx(100 / 3))
    assert_matches_rows(TODAY, days_ago(1), days_ago(100), days_ago(101), days_ago(365), days_ago(366), days_ago(800))


def test_a_member_without_held_sessions_in_the_window_has_no_rate_never_zero(history, members):
    newcomer = CouncilMemberFactory()
    assert stored(TODAY)[newcomer.pk] == (0, 0, None)
    assert stored(days_ago(800))[history[0].pk] == (0, 0, None)  # before any session


def test_changing_an_attendance_updates_the_figures(history):
    first = history[0]
    row = Attendance.objects.get(member=first, session__scheduled_on=days_ago(364))
    row.status = Attendance.Status.PRESENT
    row.save(update_fields=["status"])
    assert stored(TODAY)[first.pk] == (4, 4, 100.0)
    assert_matches_rows(TODAY, days_ago(200))


def test_moving_an_attendance_to_another_member_updates_both(history):
    first = history[0]
    row = Attendance.objects.get(member=first, session__scheduled_on=days_ago(0))
    row.member = CouncilMemberFactory()
    row.save()
    assert stored(TODAY)[first.pk] == (3, 2, pytest.approx(200 / 3))
    assert stored(TODAY)[row.member_id] == (1, 1, 100.0)
    assert_matches_rows(TODAY)


def test_deleting_an_attendance_or_a_session_updates_the_figures(history):
    first = history[0]
    Attendance.objects.get(member=first, session__scheduled_on=days_ago(364)).delete()
    assert stored(TODAY)[first.pk] == (3, 3, 100.0)
    Session.objects.get(scheduled_on=days_ago(0)).delete()  # its attendance rows go with it
    assert stored(TODAY)[first.pk] == (2, 2, 100.0)
    assert_matches_rows(TODAY, days_ago(50))
    Attendance.objects.filter(member=history[1]).delete()  # a queryset delete sends a signal per row too
    assert stored(TODAY)[history[1].pk] == (0, 0, None)
    assert_matches_rows(TODAY)


def test_holding_moving_or_unholding_a_session_updates_the_figures(history):
    second = history[1]
    convened = Session.objects.get(status=Session.Status.CONVENED)
    convened.mark_held()
    assert stored(TODAY)[second.pk] == (4, 2, 50.0)
    held = Session.objects.get(scheduled_on=days_ago(364))
    held.scheduled_on = days_ago(370)  # out of the window
    held.save()
    assert stored(TODAY)[second.pk] == (3, 1, pytest.approx(100 / 3))
    assert_matches_rows(TODAY, days_ago(6), days_ago(369))
    convened.status = Session.Status.CONVENED  # a correction: it was not held after all
    convened.save()
    assert_matches_rows(TODAY, days_ago(6))


def test_the_quorum_test_helper_path_keeps_the_figures(members):
    held_session(members, present=2, scheduled_on=days_ago(3))
    held_session(members, present=1, scheduled_on=days_ago(30))
    assert stored(TODAY)[members[1].pk] == (2, 1, 50.0)
    assert_matches_rows(TODAY)


def test_rebuild_recomputes_what_bulk_writes_left_out(history):
    session = SessionFactory(scheduled_on=days_ago(20), status=Session.Status.HELD)
    Attendance.objects.bulk_create([Attendance(session=session, member=member, status="present") for member in history])
    assert stored(TODAY) != counted_from_rows(TODAY)  # bulk_create sends no signals: what rebuild() is for
    AttendanceTotal.objects.rebuild(CouncilMember.objects.values("pk"))
    assert_matches_rows(TODAY, days_ago(30))
    AttendanceTotal.objects.all().delete()
    AttendanceTotal.objects.rebuild()
    assert_matches_rows(TODAY, days_ago(30))


@pytest.mark.parametrize("scale", [1, 2])
def test_the_demo_seeder_and_the_purge_keep_the_totals(scale):
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=scale, verbosity=0)
    assert AttendanceTotal.objects.filter(member__is_demo=True).exists()
    assert_matches_rows(TODAY, days_ago(200), days_ago(500))
    call_command("purge_demo", verbosity=0)
    assert not AttendanceTotal.objects.exists()


def test_the_council_page_and_the_councillor_page_show_the_stored_figures(client, history):
    first = history[0]
    assert "75 % (3 de 4 sesiones)" in client.get(first.get_absolute_url()).content.decode()
    assert "75 % (3 de 4 sesiones)" in client.get("/consejo/").content.decode()
    AttendanceFactory(session=SessionFactory(scheduled_on=days_ago(2), status=Session.Status.HELD), member=first,
                      status="absent")  # fmt: skip
    assert "60 % (3 de 5 sesiones)" in client.get(first.get_absolute_url()).content.decode()
