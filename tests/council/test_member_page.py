"""A page per councillor: sector, role, organization, term, alternate, attendance and the agreements in their
charge; for real councillors only what the sources give ("Sin datos" otherwise), demo ones labelled."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.models import Agreement, CouncilMember, Session
from tests.council.factories import AgreementFactory, AttendanceFactory, CouncilMemberFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_a_real_councillor_shows_only_sourced_facts(client):
    call_command("load_quito_plan", verbosity=0)
    member = CouncilMember.objects.filter(is_demo=False).exclude(name="").first()
    content = client.get(member.get_absolute_url()).content.decode()
    assert member.name in content and member.organization.name in content
    assert "Sin datos" in content  # no term, alternate or attendance is published
    assert "Fuentes" in content
    assert "badge--demo" not in content
    assert f'href="{member.get_absolute_url()}"' in client.get("/consejo/").content.decode()


def test_a_demo_councillor_is_labelled_with_attendance_and_agreements(client):
    member = CouncilMemberFactory(is_demo=True, name="Persona ficticia 3", alternate_name="Persona ficticia 4",
                                  organization__is_demo=True)  # fmt: skip
    today = datetime.date.today()
    for days, status in [(10, "present"), (40, "absent")]:
        session = SessionFactory(is_demo=True, status=Session.Status.HELD,
                                 scheduled_on=today - datetime.timedelta(days=days), number=9000 + days)  # fmt: skip
        AttendanceFactory(session=session, member=member, status=status)
    AgreementFactory(session=session, responsible_member=member, text="Revisar el informe ficticio",
                     due_on=session.scheduled_on, status=Agreement.Status.PENDING)  # fmt: skip
    content = client.get(member.get_absolute_url()).content.decode()
    assert "badge--demo" in content and "Un integrante ficticio" in content
    assert "Persona ficticia 4" in content  # the alternate
    assert "50 % (1 de 2 sesiones)" in content
    assert "Revisar el informe ficticio" in content and "Vencido" in content
    assert "Fuentes" not in content  # a demo member cites no real source


def test_english_and_unknown_member(client):
    member = CouncilMemberFactory()
    assert client.get("/en" + member.get_absolute_url()).status_code == 200
    assert client.get("/consejo/consejeros/999999/").status_code == 404


@pytest.mark.parametrize("agreements", [1, 4])
def test_a_fixed_number_of_queries(client, agreements):
    member = CouncilMemberFactory()
    for number in range(agreements):
        session = SessionFactory(status=Session.Status.HELD)
        AttendanceFactory(session=session, member=member)
        AgreementFactory(session=session, responsible_member=member, number=number + 1)
    client.get(member.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(member.get_absolute_url()).status_code == 200
    assert len(queries) == 2, [query["sql"] for query in queries]  # the member with attendance, the agreements
