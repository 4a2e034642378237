"""The council's demonstration world stays apart from the real council, is labelled, and goes with purge_demo."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from commitments.models import Organization
from council.loaders import purge_demo
from council.models import (
    AgendaItem,
    Agreement,
    Attendance,
    CouncilMember,
    Erratum,
    MilestoneReview,
    Minutes,
    Session,
)
from tests.council.factories import AttendanceFactory, CouncilMemberFactory, SessionFactory, held_session
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

REAL_NAMES = [
    "María Fernanda Orquera",
    "Maritza Balcázar",
    "Daniel Barragán",
    "Marcelo Espinel",
    "Roxana Silva",
    "David Lara",
    "Ernesto Muñoz",
]


def demo_roadmap():
    """What the commitments seed provides: a demo commitment with reported demo milestones."""
    commitment = CommitmentFactory(code="DEMOQ0001", is_demo=True, plan__is_demo=True, lead__is_demo=True)
    for order in range(1, 4):
        milestone = MilestoneFactory(commitment=commitment, order=order, is_demo=True)
        milestone.report(progress=30, reported_on=timezone.localdate() - datetime.timedelta(days=400))


@pytest.fixture
def seeded():
    call_command("load_quito_plan", verbosity=0)
    demo_roadmap()
    call_command("seed_demo", scale=1, verbosity=0)


def member_row(html, member):
    return re.search(rf'<tr id="consejero-{member.pk}">(.*?)</tr>', html, re.S).group(1)


def test_demo_council_rows_never_point_at_real_rows(seeded):
    assert not CouncilMember.objects.filter(is_demo=True, organization__is_demo=False).exists()
    assert not Attendance.objects.filter(session__is_demo=True, member__is_demo=False).exists()
    assert not Attendance.objects.filter(member__is_demo=True, session__is_demo=False).exists()
    demo_agreements = Agreement.objects.filter(session__is_demo=True)
    assert demo_agreements.exists()
    assert not demo_agreements.filter(responsible_organization__is_demo=False).exists()
    assert not demo_agreements.filter(responsible_member__is_demo=False).exists()
    reviews = MilestoneReview.objects.filter(session__is_demo=True)
    assert reviews.exists()
    assert not reviews.filter(milestone__is_demo=False).exists()
    assert not reviews.filter(milestone__commitment__is_demo=False).exists()
    items = AgendaItem.objects.filter(session__is_demo=True)
    assert not items.filter(commitment__is_demo=False).exists()
    assert not items.filter(milestone__is_demo=False).exists()
    assert not Minutes.objects.filter(session__is_demo=True, approved_at__is_demo=False).exists()


def test_real_councillors_get_no_demo_attendance(seeded):
    real = CouncilMember.objects.filter(is_demo=False)
    assert set(real.exclude(name="").values_list("name", flat=True)) == set(REAL_NAMES)
    assert not Attendance.objects.filter(member__in=real).exists()
    assert all(member.attendance_rate is None for member in real.with_attendance_rate())


def test_demo_quorum_counts_only_the_demo_council(seeded):
    for session in Session.objects.filter(is_demo=True).with_quorum():
        assert (
            session.members_in_office
            == CouncilMember.objects.filter(is_demo=True).in_office(session.scheduled_on).count()
        )


def test_no_demo_happened_date_lies_in_the_future(seeded):
    today, now = timezone.localdate(), timezone.now()
    demo = Session.objects.filter(is_demo=True)
    assert not demo.exclude(status=Session.Status.CONVENED).filter(scheduled_on__gt=today).exists()
    assert not demo.filter(convened_on__gt=today).exists()
    assert demo.filter(status=Session.Status.CONVENED, scheduled_on__gt=today).exists()  # a future call is fine
    minutes = Minutes.objects.filter(session__is_demo=True)
    assert not minutes.filter(approved_on__gt=now).exists()
    assert not minutes.filter(published_on__gt=now).exists()
    for entry in minutes.exclude(approved_at=None).select_related("approved_at"):
        assert entry.approved_on.date() >= entry.approved_at.scheduled_on
    for review in MilestoneReview.objects.filter(session__is_demo=True).select_related("update", "session"):
        assert review.update.reported_on <= review.session.scheduled_on <= today


def test_council_page_shows_real_councillors_without_attendance_figures(client, seeded):
    html = client.get("/consejo/").content.decode()
    for member in CouncilMember.objects.filter(is_demo=False):
        row = member_row(html, member)
        assert "Sin datos" in row and "%" not in row and "demostración" not in row
    assert "Consejera Consultiva GA" in member_row(html, CouncilMember.objects.get(name="Roxana Silva"))


def test_council_page_labels_every_figure_derived_from_demo_data(client, seeded):
    html = client.get("/consejo/").content.decode()
    for member in CouncilMember.objects.filter(is_demo=True).with_attendance_rate():
        row = member_row(html, member)
        assert "demostración" in row
        if member.attendance_rate is not None:
            assert "%" in row
    open_demo = Agreement.objects.open().filter(session__is_demo=True).count()
    assert open_demo
    assert f"{open_demo} de ellos son datos de demostración" in html or (
        open_demo == 1 and "1 de ellos es un dato de demostración" in html
    )


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        (
            "/consejo/",
            [
                "Consejo Consultivo de Gobierno Abierto",
                "Organizaciones de la sociedad civil, universidades y el sector productivo",
                "Traducción del portal",
                "Secretaría General de Planificación",
                "sesiones ordinarias mensuales",
                "Regla de quórum",
                "Números de artículo del reglamento del consejo",
                "no publicado en las fuentes consultadas",
                "Fuentes",
                "documento semilla (aval de los actores no gubernamentales)",
                'href="https://opengovpartnership.org/documents/action-plan-quito-ecuador-2022-2023"',
            ],
        ),
        (
            "/en/consejo/",
            [
                "Civil-society organisations, universities and the productive sector",
                "Quorum rule",
                "No data",
                "Sources",
                "seed document (endorsement by non-governmental stakeholders)",
            ],
        ),
    ],
)
def test_council_page_shows_the_sourced_composition_and_its_sources(client, path, texts):
    call_command("load_quito_plan", verbosity=0)
    html = client.get(path).content.decode()
    for text in [*texts, *REAL_NAMES]:
        assert text in html, text


def test_council_page_without_demo_data_has_no_demo_label(client):
    call_command("load_quito_plan", verbosity=0)
    html = client.get("/consejo/").content.decode()
    assert "badge--demo" not in html and "Consejo de demostración" not in html
    assert html.count("Sin datos") >= len(REAL_NAMES) + 1  # the seven, the chair's seat, the unknown rules


def test_purge_demo_removes_the_demo_council_and_leaves_the_real_one_untouched(seeded):
    real_members = list(CouncilMember.objects.filter(is_demo=False).order_by("pk").values())
    real_organizations = list(Organization.objects.filter(is_demo=False).order_by("pk").values())
    # Rows changed through the ORM have history, and approved minutes may carry errata: they go too.
    agreement = Agreement.objects.filter(session__is_demo=True).first()
    agreement.status = Agreement.Status.DROPPED
    agreement.save()
    Erratum.objects.create(minutes=Minutes.objects.filter(session__is_demo=True).exclude(status="draft")[0], text="x")
    summary = purge_demo()
    assert "10 demonstration sessions" in summary
    assert not Session.objects.filter(is_demo=True).exists()
    assert not CouncilMember.objects.filter(is_demo=True).exists()
    assert not Session.history.filter(is_demo=True).exists()
    assert not CouncilMember.history.filter(is_demo=True).exists()
    for model in (Attendance, Agreement, MilestoneReview, AgendaItem, Minutes, Erratum):
        assert not model.objects.exists()
        assert not model.history.exists()
    assert list(CouncilMember.objects.filter(is_demo=False).order_by("pk").values()) == real_members
    assert list(Organization.objects.filter(is_demo=False).order_by("pk").values()) == real_organizations


def test_purge_demo_keeps_real_sessions(seeded):
    real = held_session(list(CouncilMember.objects.filter(is_demo=False)), present=3, number=1)
    purge_demo()
    assert Session.objects.get() == real
    assert real.attendances.count() == CouncilMember.objects.count()
    assert Session.history.filter(id=real.pk).exists()


def test_a_demo_member_cannot_attend_a_real_session():
    attendance = AttendanceFactory.build(session=SessionFactory(), member=CouncilMemberFactory(is_demo=True))
    with pytest.raises(ValidationError) as error:
        attendance.full_clean()
    assert error.value.message_dict["member"] == ["El consejo de demostración y el real nunca se mezclan."]


@pytest.mark.parametrize("is_demo", [True, False])
def test_only_demo_session_pages_ask_search_engines_not_to_index_them(client, is_demo):
    session = SessionFactory(is_demo=is_demo)
    content = client.get(session.get_absolute_url()).content.decode()
    assert ('<meta name="robots" content="noindex">' in content) is is_demo


def test_seeding_again_rebuilds_a_demo_mixed_with_the_real_council_by_an_older_version(seeded):
    real = CouncilMember.objects.get(name="Roxana Silva")
    Attendance.objects.create(session=Session.objects.filter(is_demo=True).last(), member=real, status="present")
    call_command("seed_demo", scale=1, verbosity=0)
    assert not Attendance.objects.filter(member=real).exists()
    assert Session.objects.filter(is_demo=True).count() == 10


def test_feed_and_calendar_entries_of_demo_sessions_say_so(client, seeded):
    feed = client.get("/consejo/actas.atom").content.decode()
    titles = re.findall(r"<title>(.*?)</title>", feed)[1:]
    assert titles and all(title.startswith("[Demostración] ") for title in titles)
    calendar = client.get("/consejo/sesiones/calendario.ics").content.decode().replace("\r\n ", "")
    summaries = [line for line in calendar.split("\r\n") if line.startswith("SUMMARY:")]
    assert len(summaries) == 10 and all(line.startswith("SUMMARY:[Demostración] ") for line in summaries)
