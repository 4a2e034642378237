"""Each role opens the admin on its own pending work ("Mi trabajo"), most urgent first, in Spanish."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP, Milestone, Organization
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, AgendaItem, Agreement, Minutes, Session
from proposals.models import MODERATION_GROUP
from tests.council.factories import AgreementFactory, AttendanceFactory, MinutesFactory, SessionFactory
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, UserFactory, staff_user
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def milestone(commitment, title, *, due_in, started=-200, **kwargs):
    return MilestoneFactory(commitment=commitment, title=title, starts_on=days(started), due_on=days(due_in), **kwargs)


def complete(item, on):
    Milestone.objects.filter(pk=item.pk).update(status=Milestone.Status.COMPLETE, progress=100, completed_on=on)


def home(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response


def section_keys(response):
    return [section.key for section in response.context["work_sections"]]


def section(response, key):
    return next(section for section in response.context["work_sections"] if section.key == key)


@pytest.fixture
def roadmaps():
    own, other, partner = (OrganizationFactory(acronym=acronym) for acronym in ("PROPIA", "AJENA", "SOCIA"))
    led = CommitmentFactory(code="ECQTO0101", lead=own)
    shared = CommitmentFactory(code="ECQTO0102", lead=partner)
    shared.co_responsible.add(own)
    foreign = CommitmentFactory(code="ECQTO0103", lead=other)
    return {
        "own": own,
        "other": other,
        "long_overdue": milestone(led, "Vencido hace mucho", due_in=-40, order=1),
        "recently_overdue": milestone(led, "Vencido hace poco", due_in=-3, order=2),
        "due_soon": milestone(shared, "Vence pronto", due_in=10, order=1, responsible=own),
        "due_later": milestone(led, "Vence más adelante", due_in=45, order=3),
        "foreign_overdue": milestone(foreign, "Vencido de otra institución", due_in=-20, order=1),
        "foreign_due_soon": milestone(foreign, "Vence pronto en otra institución", due_in=5, order=2),
    }


def test_editor_sees_own_institutions_overdue_due_soon_and_unreported_milestones_with_report_links(client, roadmaps):
    editor = staff_user("editora", EDITOR_GROUP, roadmaps["own"])
    response = home(client, editor)
    assert section_keys(response) == ["overdue", "due_soon", "no_report"]
    overdue = section(response, "overdue").rows
    assert overdue == [roadmaps["long_overdue"], roadmaps["recently_overdue"]]  # the longest overdue first
    assert section(response, "due_soon").rows == [roadmaps["due_soon"]]  # a co-responsible commitment counts
    content = response.content.decode()
    assert "Mi trabajo" in content and "Hitos vencidos" in content
    assert "Hitos que vencen en los próximos 30 días" in content
    assert "Hitos sin reporte de avance en 60 días" in content
    assert "40 días de retraso" in content
    assert f'/admin/commitments/progressupdate/add/?milestone={roadmaps["long_overdue"].pk}"' in content
    assert "Reportar avance" in content


def test_editor_never_sees_another_institutions_milestones(client, roadmaps):
    editor = staff_user("editora", EDITOR_GROUP, roadmaps["own"])
    response = home(client, editor)
    shown = {row for work in response.context["work_sections"] for row in work.rows}
    assert roadmaps["foreign_overdue"] not in shown and roadmaps["foreign_due_soon"] not in shown
    assert "otra institución" not in response.content.decode()


def test_editor_home_shows_no_council_or_moderation_work(client, roadmaps):
    SessionFactory(scheduled_on=days(-5))
    ProposalFactory()
    response = home(client, staff_user("editora", EDITOR_GROUP, roadmaps["own"]))
    content = response.content.decode()
    assert "Sesiones por registrar" not in content and "Propuestas pendientes de respuesta" not in content


def test_unreported_list_holds_started_milestones_without_a_report_for_60_days(roadmaps):
    reported = roadmaps["recently_overdue"]
    Milestone.objects.filter(pk=reported.pk).update(last_reported_on=days(-10))
    fresh = milestone(roadmaps["long_overdue"].commitment, "Recién iniciado", due_in=90, started=-20, order=9)
    unreported = set(Milestone.objects.without_report_for(60))
    assert roadmaps["long_overdue"] in unreported
    assert reported not in unreported and fresh not in unreported


def test_coordinator_sees_every_institution_and_their_punctuality(client, roadmaps):
    complete(roadmaps["long_overdue"], on=days(-45))  # done before its due date
    complete(roadmaps["recently_overdue"], on=days(-1))  # done, but late
    idle = OrganizationFactory(acronym="SINDATOS")
    milestone(CommitmentFactory(code="ECQTO0104", lead=idle), "Aún no vence", due_in=100, order=1)
    response = home(client, staff_user("coordinadora", COORDINATION_GROUP))
    assert section_keys(response) == ["overdue", "due_soon", "no_report", "punctuality"]
    assert roadmaps["foreign_overdue"] in section(response, "overdue").rows
    assert roadmaps["long_overdue"] not in section(response, "overdue").rows  # complete
    punctuality = {organization.acronym: organization for organization in section(response, "punctuality").rows}
    assert list(punctuality) == ["AJENA", "PROPIA", "SINDATOS"]  # the least punctual first, unknown last
    assert punctuality["PROPIA"].punctuality() == 50  # one of its two due milestones on time
    assert punctuality["AJENA"].punctuality() == 0
    assert punctuality["SINDATOS"].punctuality() is None
    content = response.content.decode()
    assert "Puntualidad por institución" in content and "Sin datos" in content and "50 %" in content


def test_punctuality_is_unknown_not_zero_without_due_milestones():
    organization = OrganizationFactory()
    milestone(CommitmentFactory(lead=organization), "Futuro", due_in=30, order=1)
    assert Organization.objects.with_punctuality().get(pk=organization.pk).punctuality() is None


@pytest.fixture
def council_work():
    unrecorded = SessionFactory(scheduled_on=days(-7), status=Session.Status.CONVENED)
    recorded = SessionFactory(scheduled_on=days(-60), status=Session.Status.HELD)
    AttendanceFactory(session=recorded)
    draft = MinutesFactory(session=recorded)
    approved_session = SessionFactory(scheduled_on=days(-90), status=Session.Status.HELD)
    AttendanceFactory(session=approved_session)
    to_publish = MinutesFactory(session=approved_session)
    Minutes.objects.filter(pk=to_publish.pk).update(
        status=Minutes.Status.APPROVED, approved_at=recorded, approved_on=timezone.now()
    )
    overdue = AgreementFactory(session=recorded, due_on=days(-2), text="Enviar el informe de avance.")
    AgreementFactory(session=recorded, due_on=days(20), text="Acuerdo que aún no vence.")
    AgreementFactory(session=recorded, due_on=days(-2), status=Agreement.Status.DONE, text="Acuerdo cumplido.")
    upcoming = SessionFactory(scheduled_on=days(8), is_demo=True)
    AgendaItem.objects.create(session=upcoming, order=1, title="Revisión del avance del plan")
    return {
        "unrecorded": unrecorded,
        "recorded": recorded,
        "draft": draft,
        "to_publish": to_publish,
        "overdue": overdue,
        "upcoming": upcoming,
    }


def test_secretary_sees_sessions_to_record_minutes_to_approve_and_publish_and_overdue_agreements(client, council_work):
    response = home(client, staff_user("secretaria", SECRETARIAT_GROUP))
    assert section_keys(response) == ["to_record", "minutes_to_approve", "minutes_to_publish", "agreements_overdue"]
    assert section(response, "to_record").rows == [council_work["unrecorded"]]
    assert section(response, "minutes_to_approve").rows == [council_work["draft"]]
    assert section(response, "minutes_to_publish").rows == [council_work["to_publish"]]
    assert section(response, "agreements_overdue").rows == [council_work["overdue"]]
    content = response.content.decode()
    for text in ["Sesiones por registrar", "Actas pendientes de aprobación", "Actas pendientes de publicación"]:
        assert text in content
    assert "Acuerdos vencidos" in content and "Acuerdo cumplido." not in content
    assert "Hitos vencidos" not in content


def test_council_member_sees_next_session_with_its_agenda_and_drafts_to_review(client, council_work):
    response = home(client, staff_user("consejera", COUNCIL_GROUP))
    assert section_keys(response) == ["next_session", "drafts_to_review"]
    assert section(response, "next_session").rows == [council_work["upcoming"]]
    assert section(response, "drafts_to_review").rows == [council_work["draft"]]
    content = response.content.decode()
    assert "Próxima sesión" in content and "Revisión del avance del plan" in content
    assert 'class="badge badge--demo"' in content  # the upcoming session is demonstration data
    assert "Acuerdos vencidos" not in content


def test_moderator_sees_proposals_awaiting_an_answer_oldest_first_against_the_target(client, settings):
    settings.PROPOSALS_RESPONSE_TARGET_DAYS = 30
    now = timezone.now()
    recent = ProposalFactory(title="Propuesta reciente", created_at=now - datetime.timedelta(days=3))
    oldest = ProposalFactory(title="Propuesta antigua", created_at=now - datetime.timedelta(days=45))
    middle = ProposalFactory(
        title="Propuesta en revisión", created_at=now - datetime.timedelta(days=20), status="under_review"
    )
    ProposalFactory(title="Propuesta respondida", created_at=now - datetime.timedelta(days=60), response="Sí.")
    ProposalFactory(title="Propuesta cerrada", created_at=now - datetime.timedelta(days=70), status="withdrawn")
    response = home(client, staff_user("moderadora", MODERATION_GROUP))
    assert section_keys(response) == ["awaiting_answer"]
    rows = section(response, "awaiting_answer").rows
    assert rows == [oldest, middle, recent]
    assert [row.past_target for row in rows] == [True, False, False]
    content = response.content.decode()
    assert "Propuestas pendientes de respuesta" in content and "Espera (meta: 30 días)" in content
    assert "45 días" in content and "fuera de plazo" in content
    assert "Propuesta respondida" not in content and "Propuesta cerrada" not in content


def test_the_response_target_is_a_setting(client, settings):
    settings.PROPOSALS_RESPONSE_TARGET_DAYS = 2
    ProposalFactory(created_at=timezone.now() - datetime.timedelta(days=3))
    response = home(client, staff_user("moderadora", MODERATION_GROUP))
    assert [row.past_target for row in section(response, "awaiting_answer").rows] == [True]
    assert "Espera (meta: 2 días)" in response.content.decode()


def test_superuser_sees_every_section(client, roadmaps, council_work):
    response = home(client, UserFactory(username="raiz", is_staff=True, is_superuser=True))
    assert section_keys(response) == [
        "overdue", "due_soon", "no_report", "punctuality", "to_record", "minutes_to_approve",
        "minutes_to_publish", "agreements_overdue", "next_session", "awaiting_answer",
    ]  # fmt: skip


def test_lists_are_bounded_with_a_link_to_the_filtered_change_list(client, roadmaps):
    commitment = roadmaps["long_overdue"].commitment
    for order in range(10, 22):
        milestone(commitment, f"Vencido {order}", due_in=-order, order=order)
    response = home(client, staff_user("editora", EDITOR_GROUP, roadmaps["own"]))
    overdue = section(response, "overdue")
    assert len(overdue.rows) == 10 and overdue.has_more
    assert overdue.more_url == "/admin/commitments/milestone/?pendiente=vencidos"
    assert "Ver todos" in response.content.decode()
    full_list = client.get(overdue.more_url)
    assert full_list.status_code == 200
    assert full_list.context["cl"].result_count == 14  # 12 + the two overdue of the fixture, none foreign


def test_every_see_all_link_opens_its_filtered_change_list(client, roadmaps, council_work):
    ProposalFactory(title="Sin respuesta")
    ProposalFactory(title="Con respuesta", response="Se incorporó.")
    response = home(client, UserFactory(username="raiz", is_staff=True, is_superuser=True))
    links = {work.key: work.more_url for work in response.context["work_sections"] if work.more_url}
    assert len(links) == 9
    for key, url in links.items():
        page = client.get(url)
        assert page.status_code == 200 and "?e=1" not in page.get("Location", ""), key
    proposals = client.get(links["awaiting_answer"]).context["cl"].result_list
    assert [proposal.title for proposal in proposals] == ["Sin respuesta"]


def test_milestone_list_sorts_by_urgency_overdue_first_complete_last(client, roadmaps):
    complete(roadmaps["long_overdue"], on=days(-45))
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    rows = list(client.get("/admin/commitments/milestone/").context["cl"].result_list)
    assert rows == [
        roadmaps["foreign_overdue"],  # 20 days late
        roadmaps["recently_overdue"],  # 3 days late
        roadmaps["foreign_due_soon"],
        roadmaps["due_soon"],
        roadmaps["due_later"],
        roadmaps["long_overdue"],  # complete
    ]


def home_query_counts(client, usernames):
    counts = {}
    for username in usernames:
        client.force_login(get_user_model().objects.get(username=username))
        client.get("/admin/")  # writes the session's activity stamp, renewed every few minutes, not per request
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        counts[username] = len(queries)
    return counts


def test_role_homes_run_a_fixed_number_of_queries_whatever_the_data_size(client):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    UserFactory(username="raiz", is_staff=True, is_superuser=True)
    usernames = ["editor", "coordinador", "secretaria", "consejero", "moderador", "raiz"]
    small = home_query_counts(client, usernames)
    call_command("seed_demo", scale=3)
    large = home_query_counts(client, usernames)
    assert large == small
    assert max(small.values()) <= 25, small
