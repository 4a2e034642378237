"""Lists of the council name the plan in force when the council met; /consejo/ shows the latest verifications and
flags the overdue open agreements."""

import datetime

import pytest

from council.models import Agreement
from tests.council.factories import AgreementFactory, CouncilMemberFactory, MilestoneReviewFactory, held_session
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(3)


@pytest.fixture
def plan():
    return ActionPlanFactory(
        number=2, period="2022-2023", slug="segundo-plan",
        starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2023, 3, 31),
    )  # fmt: skip


def test_agreement_and_session_lists_name_the_plan_in_force_on_the_sessions_date(client, members, plan):
    during = held_session(members, present=3, number=5, scheduled_on=datetime.date(2023, 2, 9))
    after = held_session(members, present=3, number=6, scheduled_on=datetime.date(2024, 6, 6))
    AgreementFactory(session=during, number=1, text="Acuerdo durante el plan", due_on=datetime.date(2023, 3, 1))
    AgreementFactory(session=after, number=1, text="Acuerdo sin plan vigente", due_on=datetime.date(2024, 7, 1))
    for url in ("/consejo/acuerdos/", "/consejo/sesiones/", "/consejo/"):
        html = client.get(url).content.decode()
        assert "Plan vigente" in html, url
        assert 'href="/planes/segundo-plan/">Plan 2 (2022-2023)</a>' in html, url
        assert "Ningún plan vigente" in html, url
    english = client.get("/en/consejo/acuerdos/").content.decode()
    assert "Plan in force" in english and "No plan in force" in english


def test_a_demo_session_never_names_a_real_plan(client, members, plan):
    demo_members = CouncilMemberFactory.create_batch(2, is_demo=True, organization__is_demo=True)
    session = held_session(demo_members, present=2, number=90, scheduled_on=datetime.date(2023, 2, 9), is_demo=True)
    AgreementFactory(session=session, number=1, text="Acuerdo de demostración")
    html = client.get("/consejo/acuerdos/").content.decode()
    assert "Acuerdo de demostración" in html and "Plan 2 (2022-2023)" not in html


def test_council_page_shows_the_latest_verifications_newest_session_first(client, members, plan):
    commitment = CommitmentFactory(plan=plan, code="ECQTO0042")
    milestone = MilestoneFactory(commitment=commitment, order=3, title="Portal de datos publicado")
    update = milestone.report(progress=60, reported_on=datetime.date(2023, 1, 10))
    older = held_session(members, present=3, number=7, scheduled_on=datetime.date(2023, 2, 1))
    newer = held_session(members, present=3, number=8, scheduled_on=datetime.date(2023, 3, 1))
    MilestoneReviewFactory(session=older, milestone=milestone, update=update, outcome="not_verified")
    MilestoneReviewFactory(session=newer, milestone=milestone, update=update, outcome="verified")
    html = client.get("/consejo/").content.decode()
    section = html.split('id="latest-verifications"')[1].split("</section>")[0]
    assert "3. Portal de datos publicado" in section and "ECQTO0042" in section and "Plan 2 (2022-2023)" in section
    assert section.index("Sesión 8") < section.index("Sesión 7")
    assert "Verificado" in section and "No verificado" in section
    assert 'href="/consejo/sesiones/8/#verificaciones"' in section


def test_council_page_without_verifications_says_so(client):
    assert "El consejo todavía no ha verificado ningún hito." in client.get("/consejo/").content.decode()


def test_council_page_flags_overdue_open_agreements(client, members):
    session = held_session(members, present=3, number=9, scheduled_on=datetime.date(2023, 2, 1))
    AgreementFactory(session=session, number=1, text="Entregar el informe", due_on=datetime.date(2023, 3, 1))
    AgreementFactory(session=session, number=2, text="Convocar la mesa", due_on=datetime.date(2099, 1, 1),
                     status=Agreement.Status.IN_PROGRESS)  # fmt: skip
    section = client.get("/consejo/").content.decode().split('id="open-agreements"')[1]
    assert section.count(">Vencido<") == 1
    assert section.index("Entregar el informe") < section.index("Convocar la mesa")
