import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP
from council.models import (
    COUNCIL_GROUP,
    SECRETARIAT_GROUP,
    Agreement,
    Attendance,
    CouncilMember,
    Erratum,
    Minutes,
    Session,
)
from proposals.models import MODERATION_GROUP
from tests.council.factories import (
    AgreementFactory,
    CouncilMemberFactory,
    MilestoneReviewFactory,
    MinutesFactory,
    SessionFactory,
    held_session,
)
from tests.factories import MilestoneFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(3)


@pytest.fixture
def published(members):
    """Session 1 with published minutes (approved at session 2), an agreement and a review."""
    session = held_session(members, present=3, number=1, scheduled_on=datetime.date(2023, 3, 10))
    minutes = MinutesFactory(session=session, text="## Desarrollo\n\nSe aprobó **todo**.<script>alert(1)</script>")
    minutes.approve(at=held_session(members, present=2, number=2, scheduled_on=datetime.date(2023, 4, 10)), by=None)
    minutes.publish()
    AgreementFactory(session=session, number=1, text="Pedir el informe trimestral.")
    milestone = MilestoneFactory(title="Mesa técnica instalada")
    update = milestone.report(progress=40, reported_on=datetime.date(2023, 3, 1))
    MilestoneReviewFactory(session=session, milestone=milestone, update=update, outcome="observations")
    return session


def test_council_home_lists_members_by_sector_with_attendance_rate(client, members):
    held_session(members, present=2, scheduled_on=datetime.date.today() - datetime.timedelta(days=5))
    response = client.get(reverse("council:council-home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert members[0].name in html and members[0].organization.name in html
    assert "Sociedad civil" in html
    assert "100 % (1 de 1 sesión)" in html
    assert "0 % (0 de 1 sesión)" in html


def test_council_home_shows_the_next_session_and_open_agreements(client, members):
    session = held_session(members, present=3, scheduled_on=datetime.date.today() - datetime.timedelta(days=20))
    AgreementFactory(session=session, text="Acuerdo abierto visible", status=Agreement.Status.PENDING)
    AgreementFactory(session=session, text="Acuerdo cumplido oculto", status=Agreement.Status.DONE)
    upcoming = SessionFactory(number=77, scheduled_on=datetime.date.today() + datetime.timedelta(days=3))
    html = client.get(reverse("council:council-home")).content.decode()
    assert upcoming.get_absolute_url() in html
    assert "Acuerdo abierto visible" in html
    assert "Acuerdo cumplido oculto" not in html


def test_session_page_shows_agenda_attendance_quorum_minutes_agreements_and_reviews(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    assert "Quórum alcanzado" in html
    assert "<strong>todo</strong>" in html and "<script>alert" not in html
    assert "Pedir el informe trimestral." in html
    review = published.reviews.get()
    assert review.milestone.commitment.get_absolute_url() in html
    assert "Verificado con observaciones" in html
    assert reverse("council:session-detail", kwargs={"number": 2}) in html


@pytest.mark.parametrize("status", [Minutes.Status.DRAFT, Minutes.Status.APPROVED])
def test_unpublished_minutes_never_appear_publicly(client, members, status):
    minutes = MinutesFactory(session=held_session(members, present=3), text="Texto secreto del borrador")
    if status == Minutes.Status.APPROVED:
        minutes.approve(at=held_session(members, present=3), by=None)
    html = client.get(minutes.session.get_absolute_url()).content.decode()
    assert "Texto secreto del borrador" not in html
    assert client.get(reverse("council:minutes-download", kwargs={"number": minutes.session.number})).status_code == 404


@pytest.mark.parametrize(
    ("group", "sees_it"),
    [
        (COUNCIL_GROUP, True),
        (SECRETARIAT_GROUP, True),
        (COORDINATION_GROUP, False),
        (EDITOR_GROUP, False),
        (MODERATION_GROUP, False),
    ],
)
def test_unpublished_minutes_show_labelled_only_to_the_councils_roles(client, members, group, sees_it):
    minutes = MinutesFactory(session=held_session(members, present=3), text="Texto del borrador para el consejo")
    client.force_login(staff_user("persona-del-rol", group))
    html = client.get(minutes.session.get_absolute_url()).content.decode()
    assert ("Texto del borrador para el consejo" in html) is sees_it
    assert ("Acta no pública (Borrador): la ves por tu función en el consejo." in html) is sees_it
    assert "Aprobada por el consejo" not in html  # a draft was approved at no session


def test_unknown_session_is_not_found(client):
    assert client.get(reverse("council:session-detail", kwargs={"number": 999})).status_code == 404


def test_session_list_filters_by_year_and_status(client, members):
    held_session(members, present=3, number=11, scheduled_on=datetime.date(2022, 5, 5))
    SessionFactory(number=12, scheduled_on=datetime.date(2023, 5, 5))
    SessionFactory(number=13, scheduled_on=datetime.date(2023, 6, 5), status=Session.Status.SUSPENDED)
    url = reverse("council:session-list")
    sessions = lambda query: [s.number for s in client.get(url, query).context["sessions"]]  # noqa: E731
    assert sessions({}) == [13, 12, 11]
    assert sessions({"year": "2023"}) == [13, 12]
    assert sessions({"status": "held"}) == [11]
    assert sessions({"year": "2023", "status": "suspended"}) == [13]
    assert client.get(url, {"year": "1999"}).context["filter"].errors


def test_session_list_is_paginated(client):
    SessionFactory.create_batch(25)
    response = client.get(reverse("council:session-list"), {"page": 2})
    assert len(response.context["sessions"]) == 5
    assert "Página 2 de 2" in response.content.decode()


def test_calendar_is_valid_icalendar(client, members):
    session = SessionFactory(number=5, place="Sala 1; piso 2, Quito", scheduled_on=datetime.date(2023, 7, 4))
    SessionFactory(number=6, status=Session.Status.SUSPENDED)
    response = client.get(reverse("council:session-calendar"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert f"UID:consejo-sesion-{session.number}@127.0.0.1" in unfolded  # the host of PORTAL_URL
    assert "DTSTART:20230704T150000Z" in unfolded  # 10:00 in Quito (UTC-5)
    assert "LOCATION:Sala 1\\; piso 2\\, Quito" in unfolded
    assert "STATUS:CANCELLED" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 2 and "DTSTAMP:" in unfolded


def test_calendar_folds_long_lines_without_splitting_characters():
    from council.feeds import fold

    line = "SUMMARY:" + "ñ" * 100
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_english_pages_are_served_under_en(client, published):
    html = client.get("/en" + published.get_absolute_url()).content.decode()
    assert "Quorum reached" in html


def test_public_pages_refuse_posts(client, published):
    assert client.post(reverse("council:council-home")).status_code == 405
    assert client.post(reverse("council:session-calendar")).status_code == 405


def test_attendance_table_lists_alternates(client, members):
    session = held_session(members, present=2)
    Attendance.objects.filter(session=session, member=members[2]).update(status=Attendance.Status.ALTERNATE)
    assert "Representado por el alterno" in client.get(session.get_absolute_url()).content.decode()


def public_pages():
    session = Session.objects.filter(minutes__status=Minutes.Status.PUBLISHED).order_by("number").first()
    return [
        reverse("council:council-home"),
        reverse("council:session-list"),
        reverse("council:session-list") + "?status=held",
        session.get_absolute_url(),
        reverse("council:session-calendar"),
        CouncilMember.objects.filter(is_demo=True, role=CouncilMember.Role.MEMBER)
        .order_by("pk")
        .first()
        .get_absolute_url(),
    ]


# Queries per public page, whatever the amount of data: home (with the latest verifications), list, filtered list,
# session, calendar (sessions and their agenda, for each event's DESCRIPTION), a demo councillor (with attendance
# figures and agreements). The session page reads its agenda items' proposal codes in one query (and their proposals
# in one more when there are any).
EXPECTED_QUERIES = [5, 3, 3, 10, 2, 2]


@pytest.mark.parametrize("scale", [1, 3])
def test_public_pages_run_a_fixed_number_of_queries(client, scale):
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=scale, verbosity=0)
    counts = []
    for url in public_pages():
        client.get(url)  # warm the demo-data flag cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == EXPECTED_QUERIES


def test_commitment_page_shows_each_milestones_latest_council_review(client, members):
    milestone = MilestoneFactory(title="Mesa técnica instalada")
    update = milestone.report(progress=40, reported_on=datetime.date(2023, 2, 1))
    first = held_session(members, present=3, number=31, scheduled_on=datetime.date(2023, 3, 1))
    latest = held_session(members, present=3, number=32, scheduled_on=datetime.date(2023, 4, 5))
    MilestoneReviewFactory(session=first, milestone=milestone, update=update, outcome="not_verified")
    MilestoneReviewFactory(session=latest, milestone=milestone, update=update, outcome="verified")
    html = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert "Verificado por el Consejo en la sesión 32 (5 de abril de 2023)" in html
    assert f'href="{latest.get_absolute_url()}"' in html
    assert "sesión 31" not in html


def test_commitment_page_says_when_the_council_did_not_verify(client, members):
    milestone = MilestoneFactory()
    update = milestone.report(progress=40, reported_on=datetime.date(2023, 2, 1))
    session = held_session(members, present=3, number=41, scheduled_on=datetime.date(2023, 3, 1))
    MilestoneReviewFactory(session=session, milestone=milestone, update=update, outcome="not_verified")
    html = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert "No verificado por el Consejo en la sesión 41" in html


def test_published_minutes_show_their_errata(client, published):
    Erratum.objects.create(minutes=published.minutes, text="Donde dice tres, debe decir cuatro.")
    html = client.get(published.get_absolute_url()).content.decode()
    assert "Fe de erratas" in html and "Donde dice tres, debe decir cuatro." in html


@pytest.mark.parametrize("open_count", [2, 30])
def test_council_home_runs_the_same_queries_whatever_the_number_of_open_agreements(
    client, django_assert_num_queries, open_count
):
    """The open agreements are counted and the first 20 listed in a fixed number of queries, in the page's order:
    the closest due date first, those without one last, then the session's date, the number and the session's
    number (two sessions may share a date)."""
    today = datetime.date.today()
    for number in range(1, open_count + 1):
        session = SessionFactory(number=number, status=Session.Status.HELD, is_demo=number % 3 == 0,
                                 scheduled_on=today - datetime.timedelta(days=number))  # fmt: skip
        due_on = None if number % 5 == 0 else today + datetime.timedelta(days=open_count - number)
        AgreementFactory(session=session, number=1, due_on=due_on, text=f"Acuerdo abierto {number:03}")
        AgreementFactory(session=session, number=2, status=Agreement.Status.DONE, text=f"Acuerdo cumplido {number:03}")
    long_ago = today - datetime.timedelta(days=400)
    for number in (901, 900):  # the same date, due date and agreement number: the session's number decides
        session = SessionFactory(number=number, status=Session.Status.HELD, scheduled_on=long_ago)
        AgreementFactory(session=session, number=1, due_on=long_ago, text=f"Acuerdo abierto {number}")
    open_count += 2
    SessionFactory(number=999, status=Session.Status.CONVENED, scheduled_on=today - datetime.timedelta(days=1))
    client.get("/")  # caches the demo-notice flag
    # the open agreements' counts, the members, the next session, the latest verifications, the open agreements
    with django_assert_num_queries(5):
        html = client.get(reverse("council:council-home")).content.decode()
    shown = min(open_count, 20)
    assert f"{shown} de {open_count} acuerdos abiertos" in html
    demo = Agreement.objects.open().filter(session__is_demo=True).count()
    assert (f"{demo} de ellos son datos de demostración" in html) if demo else ("de ellos" not in html)

    def page_order(agreement):
        due_on, session = agreement.due_on, agreement.session
        return (due_on is None, due_on, session.scheduled_on, agreement.number, session.number)

    expected = sorted(Agreement.objects.open().select_related("session"), key=page_order)[:shown]
    listed = re.findall(r"Acuerdo (?:abierto|cumplido) \d{3}", html)
    assert listed == [agreement.text for agreement in expected]
