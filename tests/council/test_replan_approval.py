"""The council's approval of a change of dates: recorded in the council's admin, shown on the public ledger and in
the open data, never for a session that was not held."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.models import EDITOR_GROUP
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, ReplanApproval, Session
from tests.council.factories import AgreementFactory, SessionFactory
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def change():
    commitment = CommitmentFactory(code="ECQTO0007", roadmap_validated_on=datetime.date(2023, 3, 15))
    milestone = MilestoneFactory(commitment=commitment, order=1)
    return milestone.replan(due_on=datetime.date(2023, 9, 30), reason="Lo pidió el Consejo.", by=None)


@pytest.fixture
def session():
    return SessionFactory(number=41, status=Session.Status.HELD, scheduled_on=datetime.date(2023, 6, 20))


def test_an_approval_is_recorded_only_at_a_held_session_with_one_of_its_agreements(change, session):
    agreement = AgreementFactory(session=session, number=3)
    ReplanApproval(replanning=change, session=session, agreement=agreement).full_clean()
    with pytest.raises(ValidationError) as error:
        ReplanApproval(replanning=change, session=SessionFactory(status=Session.Status.CONVENED)).full_clean()
    assert "session" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ReplanApproval(replanning=change, session=session, agreement=AgreementFactory(number=4)).full_clean()
    assert "agreement" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ReplanApproval(replanning=change, session=SessionFactory(status=Session.Status.HELD, is_demo=True)).full_clean()
    assert "session" in error.value.message_dict


def test_the_public_ledger_and_the_dataset_name_the_approving_session(client, change, session):
    ReplanApproval.objects.create(
        replanning=change, session=session, agreement=AgreementFactory(session=session, number=3)
    )
    content = client.get("/compromisos/ECQTO0007/cambios/").content.decode()
    assert "Aprobado por" in content and "el Consejo en la sesión 41 (20 de junio de 2023)" in content
    assert "acuerdo 3" in content and session.get_absolute_url() in content
    record = client.get(f"/api/v1/cambios-de-fechas/{change.pk}/").json()
    assert (record["approved_at_session"], record["approved_by_agreement"]) == (41, 3)


def test_an_approval_at_a_session_no_longer_held_is_not_shown(client, change, session):
    ReplanApproval.objects.create(replanning=change, session=session)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.SUSPENDED)
    assert "Aprobado por" not in client.get("/compromisos/ECQTO0007/cambios/").content.decode()
    assert client.get(f"/api/v1/cambios-de-fechas/{change.pk}/").json()["approved_at_session"] is None


@pytest.mark.parametrize(
    ("group", "may_add"), [(SECRETARIAT_GROUP, True), (COUNCIL_GROUP, True), (EDITOR_GROUP, False)]
)
def test_who_records_approvals_role_by_role(client, change, session, group, may_add):
    organization = OrganizationFactory() if group == EDITOR_GROUP else None
    client.force_login(staff_user("persona", group, organization))
    response = client.post(
        "/admin/council/replanapproval/add/", {"replanning": change.pk, "session": session.pk, "agreement": ""}
    )
    assert (response.status_code == 302) is may_add
    assert ReplanApproval.objects.filter(replanning=change).exists() is may_add
    if may_add:  # the council's roles read the ledger to pick the change, never change it
        assert client.get("/admin/commitments/replanning/").status_code == 200
        assert client.get(f"/admin/commitments/replanning/{change.pk}/change/").status_code == 200
        assert client.get("/admin/commitments/replanning/add/").status_code == 403


def test_the_demo_council_approves_demo_changes_only_and_purge_takes_them_away():
    from django.core.management import call_command

    from commitments.models import Replanning

    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    approvals = ReplanApproval.objects.select_related("session", "replanning__milestone")
    assert approvals.exists() and Replanning.objects.filter(milestone__is_demo=False).count() == 0
    assert all(a.session.is_demo and a.replanning.milestone.is_demo and a.session.is_held() for a in approvals)
    assert all(timezone.localdate(a.replanning.changed_at) <= a.session.scheduled_on for a in approvals)
    call_command("purge_demo", verbosity=0)
    assert not ReplanApproval.objects.exists() and not Replanning.objects.exists()
