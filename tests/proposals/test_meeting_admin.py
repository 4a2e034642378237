"""Public meetings in the admin, role by role: the coordination records them (with history), moderators read them
and link the paper proposals gathered there, other roles are refused; breakdowns over the total are refused with
a clear message and nothing is saved."""

import datetime

import pytest

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP
from council.models.roles import COUNCIL_GROUP, SECRETARIAT_GROUP
from proposals.models import MODERATION_GROUP, Proposal, PublicMeeting
from tests.factories import ActionPlanFactory, OrganizationFactory, staff_user
from tests.proposals.factories import CallFactory, ZonalAdministrationFactory

pytestmark = pytest.mark.django_db

LIST, ADD = "/admin/proposals/publicmeeting/", "/admin/proposals/publicmeeting/add/"


@pytest.fixture
def plan():
    plan = ActionPlanFactory(is_demo=True)
    CallFactory(plan=plan, is_demo=True)
    return plan


@pytest.fixture
def zone():
    return ZonalAdministrationFactory(name="Quitumbe")


def meeting_data(plan, zone, **changes):
    data = {
        "plan": plan.pk,
        "call": plan.calls.get().pk,
        "zone": zone.pk,
        "parish": "",
        "held_on": "2026-11-20",
        "place": "Casa comunal de prueba",
        "format": "in_person",
        "participants": "40",
        "participants_women": "22",
        "participants_men": "18",
        "summary": "Debate sobre el parque del barrio.",
        "is_demo": "on",
    }
    return data | changes


def as_role(client, group, username="persona"):
    organization = OrganizationFactory() if group == EDITOR_GROUP else None
    client.force_login(staff_user(username, group, organization))
    return client


def test_the_coordination_records_a_meeting_with_its_history(client, plan, zone):
    client = as_role(client, COORDINATION_GROUP)
    response = client.post(ADD, meeting_data(plan, zone))
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = PublicMeeting.objects.get()
    assert (meeting.participants, meeting.participants_women, meeting.participants_other_gender) == (40, 22, None)
    assert client.get(f"{LIST}{meeting.pk}/history/").status_code == 200
    assert meeting.history.count() == 1


def test_a_breakdown_over_the_total_is_refused_with_a_spanish_message_and_nothing_saved(client, plan, zone):
    client = as_role(client, COORDINATION_GROUP)
    response = client.post(ADD, meeting_data(plan, zone, participants_women="30", participants_men="15"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Los participantes por género suman 45, más que las 40 personas que participaron." in content
    assert 'value="Casa comunal de prueba"' in content  # what was typed is kept
    assert not PublicMeeting.objects.exists()


def test_moderators_read_meetings_but_do_not_record_them(client, plan, zone):
    meeting = PublicMeeting.objects.create(plan=plan, zone=zone, held_on=datetime.date(2026, 11, 20), place="Sala")
    client = as_role(client, MODERATION_GROUP)
    assert client.get(LIST).status_code == 200
    assert client.get(f"{LIST}{meeting.pk}/change/").status_code == 200  # read-only view
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, meeting_data(plan, zone)).status_code == 403
    response = client.post(f"{LIST}{meeting.pk}/change/", meeting_data(plan, zone, place="Otra"))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.place == "Sala" and PublicMeeting.objects.count() == 1


@pytest.mark.parametrize("group", [EDITOR_GROUP, SECRETARIAT_GROUP, COUNCIL_GROUP])
def test_other_roles_are_refused(client, plan, zone, group):
    meeting = PublicMeeting.objects.create(plan=plan, zone=zone, held_on=datetime.date(2026, 11, 20), place="Sala")
    client = as_role(client, group)
    for url in (LIST, ADD, f"{LIST}{meeting.pk}/change/", f"{LIST}{meeting.pk}/history/"):
        assert client.get(url).status_code == 403, (group, url)
    assert client.post(ADD, meeting_data(plan, zone)).status_code == 403
    assert PublicMeeting.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(client):
    for url in (LIST, ADD):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_moderator_enters_a_paper_proposal_linked_to_its_meeting(client, plan, zone):
    meeting = PublicMeeting.objects.create(
        plan=plan, call=plan.calls.get(), zone=zone, held_on=datetime.date(2026, 11, 20), place="Sala", is_demo=True
    )
    client = as_role(client, MODERATION_GROUP)
    data = {
        "call": plan.calls.get().pk,
        "meeting": meeting.pk,
        "title": "Parque con luminarias",
        "problem": "El parque está oscuro.",
        "solution": "Instalar luminarias.",
        "topic": "civic_participation",
        "zone": zone.pk,
        "new_status": "",
        "contact-TOTAL_FORMS": "1",
        "contact-INITIAL_FORMS": "0",
        "contact-MIN_NUM_FORMS": "0",
        "contact-MAX_NUM_FORMS": "1",
        "contact-0-name": "Vecina del barrio",
        "contact-0-email": "vecina@example.org",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/admin/proposals/proposal/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = Proposal.objects.get()
    assert proposal.meeting == meeting and proposal.entered_by_staff and proposal.is_demo
    other_plan_meeting = PublicMeeting.objects.create(
        plan=ActionPlanFactory(), zone=zone, held_on=datetime.date(2026, 11, 21), place="Otra sala"
    )
    response = client.post("/admin/proposals/proposal/add/", data | {"meeting": other_plan_meeting.pk})
    assert "La reunión fue de otro plan que la convocatoria de esta propuesta." in response.content.decode()
    assert Proposal.objects.count() == 1


def test_the_change_form_asks_for_counts_only_and_lists_the_public_proposals_gathered(client, plan, zone):
    meeting = PublicMeeting.objects.create(plan=plan, zone=zone, held_on=datetime.date(2026, 11, 20), place="Sala")
    call = plan.calls.get()
    Proposal(
        call=call, meeting=meeting, zone=zone, title="Visible", problem="p", solution="s", topic="civic_participation"
    ).submit()
    hidden = Proposal(
        call=call, meeting=meeting, zone=zone, title="Oculta", problem="p", solution="s", topic="civic_participation"
    ).submit()
    hidden.hide(reason="Publicidad.")
    content = as_role(client, COORDINATION_GROUP).get(f"{LIST}{meeting.pk}/change/").content.decode()
    assert "Participantes (solo cifras, nunca nombres)" in content
    assert "Visible" in content and "Oculta" not in content
