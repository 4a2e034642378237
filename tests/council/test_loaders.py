import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from council.loaders import load_plan_facts
from council.models import (
    COUNCIL_GROUP,
    SECRETARIAT_GROUP,
    AgendaItem,
    Attendance,
    CouncilMember,
    MilestoneReview,
    Minutes,
    Session,
)
from quito_ga.management.commands.load_quito_plan import DATA_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_loads_the_seven_named_councillors_and_the_chair_seat(data):
    call_command("load_quito_plan", verbosity=0)
    members = CouncilMember.objects.select_related("organization")
    named = {member.name: member for member in members.filter(role=CouncilMember.Role.MEMBER)}
    assert len(named) == 7
    assert named["Roxana Silva"].organization.acronym == "MCD"
    assert named["Roxana Silva"].sector == CouncilMember.Sector.CIVIL_SOCIETY
    assert named["María Fernanda Orquera"].sector == CouncilMember.Sector.ACADEMIA
    chair = members.get(role=CouncilMember.Role.CHAIR)
    assert (chair.name, chair.organization.acronym) == ("", "SGP")
    # Nothing invented: no published terms, no alternates, no accounts.
    assert not members.filter(term_starts_on__isnull=False).exists()
    assert not members.exclude(alternate_name="").exists()
    assert not members.filter(is_demo=True).exists()


def test_loading_twice_changes_nothing(data):
    call_command("load_quito_plan", verbosity=0)
    before = list(CouncilMember.objects.values_list("pk", "name", "organization_id", "role"))
    load_plan_facts(data)
    assert list(CouncilMember.objects.values_list("pk", "name", "organization_id", "role")) == before


def test_seed_demo_adds_sessions_in_every_state_and_the_demo_accounts():
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    sessions = Session.objects.all()
    assert sessions.count() == 10 and not sessions.filter(is_demo=False).exists()
    assert set(sessions.values_list("status", flat=True)) == {"held", "convened", "suspended"}
    assert set(Minutes.objects.values_list("status", flat=True)) == {"draft", "approved", "published"}
    assert Attendance.objects.exists() and MilestoneReview.objects.exists()
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.FOLLOW_UP, agreements__isnull=False).exists()
    for review in MilestoneReview.objects.select_related("session", "update"):
        assert review.update.reported_on <= review.session.scheduled_on
        assert review.update.milestone_id == review.milestone_id
    for minutes in Minutes.objects.exclude(status="draft").select_related("session", "approved_at"):
        assert minutes.session.is_before(minutes.approved_at) and minutes.approved_at.quorum().reached
    users = get_user_model().objects
    assert users.get(username="secretaria").groups.filter(name=SECRETARIAT_GROUP).exists()
    consejero = users.get(username="consejero")
    assert consejero.groups.filter(name=COUNCIL_GROUP).exists()
    assert consejero.council_member.is_demo
    assert consejero.check_password("demo-test-password")


def test_seed_demo_twice_neither_fails_nor_duplicates():
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    counts = [model.objects.count() for model in (Session, Attendance, Minutes, MilestoneReview, CouncilMember)]
    call_command("seed_demo", scale=1, verbosity=0)
    assert [model.objects.count() for model in (Session, Attendance, Minutes, MilestoneReview, CouncilMember)] == counts


def test_seed_demo_scales_the_number_of_sessions():
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=3, verbosity=0)
    assert Session.objects.count() == 30
    assert Session.objects.filter(kind=Session.Kind.EXTRAORDINARY).exists()


def test_seed_demo_restores_the_role_groups_of_a_flushed_database():
    call_command("load_quito_plan", verbosity=0)
    Group.objects.filter(name__in=[SECRETARIAT_GROUP, COUNCIL_GROUP]).delete()
    call_command("seed_demo", scale=1, verbosity=0)
    secretariat = Group.objects.get(name=SECRETARIAT_GROUP)
    assert secretariat.permissions.filter(codename="publish_minutes").exists()
