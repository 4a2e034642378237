import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP
from proposals.models import MODERATION_GROUP, Proposal, ProposerContact
from tests.factories import OrganizationFactory, UserFactory, staff_user
from tests.proposals.factories import CallFactory, ProposalFactory, ProposerContactFactory, ZonalAdministrationFactory

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Rosa Sentinela Quishpe", "rosa.sentinela@example.org", "0998887766"


@pytest.fixture
def contact():
    return ProposerContactFactory(name=NAME, email=EMAIL, phone=PHONE)


def change_url(proposal):
    return f"/admin/proposals/proposal/{proposal.pk}/change/"


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def moderator():
    return staff_user("moderadora", MODERATION_GROUP)


@pytest.fixture
def coordinator():
    return staff_user("coordinadora", COORDINATION_GROUP)


def assert_no_personal_data(content):
    for value in (NAME, EMAIL, PHONE):
        assert value not in content


def test_moderator_sees_the_contact_data(client, moderator, contact):
    content = logged_in(client, moderator).get(change_url(contact.proposal)).content.decode()
    assert NAME in content and EMAIL in content and PHONE in content


def test_superuser_sees_the_contact_data(client, contact):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    content = logged_in(client, admin).get(change_url(contact.proposal)).content.decode()
    assert EMAIL in content


def test_coordinator_reads_proposals_without_contact_data(client, coordinator, contact):
    client = logged_in(client, coordinator)
    response = client.get(change_url(contact.proposal))
    assert response.status_code == 200
    content = response.content.decode()
    assert contact.proposal.title in content
    assert_no_personal_data(content)
    listing = client.get("/admin/proposals/proposal/").content.decode()
    assert contact.proposal.code in listing
    assert_no_personal_data(listing)


def test_coordinator_cannot_search_by_personal_data(client, coordinator, contact):
    content = logged_in(client, coordinator).get("/admin/proposals/proposal/", {"q": EMAIL}).content.decode()
    assert contact.proposal.code not in content


def test_moderator_can_search_by_email(client, moderator, contact):
    content = logged_in(client, moderator).get("/admin/proposals/proposal/", {"q": EMAIL}).content.decode()
    assert contact.proposal.code in content


def test_coordinator_cannot_change_a_proposal_by_direct_post(client, coordinator, contact):
    response = logged_in(client, coordinator).post(change_url(contact.proposal), {"title": "Cambiado"})
    assert response.status_code == 403
    assert Proposal.objects.get().title != "Cambiado"


def test_editor_has_no_access_to_proposals(client, contact):
    editor = staff_user("editora", EDITOR_GROUP, OrganizationFactory())
    client = logged_in(client, editor)
    assert client.get("/admin/proposals/proposal/").status_code == 403
    assert client.get(change_url(contact.proposal)).status_code == 403
    assert_no_personal_data(client.get("/admin/").content.decode())


def test_contact_data_has_no_admin_of_its_own(client, coordinator, moderator, contact):
    for user in (coordinator, moderator):
        assert logged_in(client, user).get("/admin/proposals/proposercontact/").status_code == 404


def test_a_user_with_only_proposal_permissions_never_sees_contact_data(client, contact):
    user = UserFactory(username="curioso", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_proposal", "change_proposal"]))
    client = logged_in(client, user)
    assert_no_personal_data(client.get(change_url(contact.proposal)).content.decode())
    assert_no_personal_data(client.get(f"/admin/proposals/proposal/{contact.proposal.pk}/history/").content.decode())
    assert_no_personal_data(client.get("/admin/").content.decode())


def test_anonymous_visitors_are_sent_to_the_login(client, contact):
    response = client.get(change_url(contact.proposal))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def moderation_post(proposal, **changes):
    data = {
        "call": proposal.call_id,
        "title": proposal.title,
        "problem": proposal.problem,
        "solution": proposal.solution,
        "topic": proposal.topic,
        "zone": proposal.zone_id,
        "parish": "",
        "duplicate_of": "",
        "new_status": "",
        "status_note": "",
        "response_text": proposal.response,
        "hide_reason": "",
        "contact-TOTAL_FORMS": "1",
        "contact-INITIAL_FORMS": "1",
        "contact-MIN_NUM_FORMS": "0",
        "contact-MAX_NUM_FORMS": "1",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    contact = proposal.contact
    data.update(
        {
            "contact-0-id": contact.pk,
            "contact-0-proposal": proposal.pk,
            "contact-0-name": contact.name,
            "contact-0-email": contact.email,
            "contact-0-phone": contact.phone,
            "contact-0-organization": "",
            "contact-0-age_range": "",
            "contact-0-gender": "",
        }
    )
    data.update(changes)
    return data


def test_moderator_answers_with_a_status_and_a_public_note(
    client, moderator, contact, django_capture_on_commit_callbacks
):
    proposal = contact.proposal
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(client, moderator).post(
            change_url(proposal),
            moderation_post(
                proposal,
                new_status="accepted",
                status_note="Se revisó en la mesa zonal.",
                response_text="Tu propuesta se tomará en cuenta.",
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.response == "Tu propuesta se tomará en cuenta."
    event = proposal.events.get()
    assert (event.status, event.note, event.by) == ("accepted", "Se revisó en la mesa zonal.", moderator)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]


def test_moderator_hides_with_a_reason(client, moderator, contact):
    proposal = contact.proposal
    client = logged_in(client, moderator)
    response = client.post(change_url(proposal), moderation_post(proposal, hide="on", hide_reason=""))
    assert response.status_code == 200
    assert "Indica el motivo público para ocultarla." in response.content.decode()
    client.post(change_url(proposal), moderation_post(proposal, hide="on", hide_reason="Spam publicitario."))
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Spam publicitario."


def test_duplicate_needs_the_original_in_the_admin(client, moderator, contact):
    proposal, original = contact.proposal, ProposalFactory()
    client = logged_in(client, moderator)
    response = client.post(change_url(proposal), moderation_post(proposal, new_status="duplicate"))
    assert "Indica qué propuesta repite esta." in response.content.decode()
    data = moderation_post(
        proposal, new_status="duplicate", duplicate_of=original.pk, response_text="Coincide con otra propuesta."
    )
    client.post(change_url(proposal), data)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DUPLICATE and proposal.duplicate_of == original


def test_moderator_enters_a_proposal_for_a_citizen(client, moderator, django_capture_on_commit_callbacks):
    call, zone = CallFactory(), ZonalAdministrationFactory()
    data = {
        "call": call.pk,
        "title": "Propuesta en papel del taller zonal",
        "problem": "Problema escrito a mano.",
        "solution": "Solución escrita a mano.",
        "topic": "civic_participation",
        "zone": zone.pk,
        "contact-TOTAL_FORMS": "1",
        "contact-INITIAL_FORMS": "0",
        "contact-MIN_NUM_FORMS": "0",
        "contact-MAX_NUM_FORMS": "1",
        "contact-0-name": "Luis Taller",
        "contact-0-email": "luis.taller@example.org",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(client, moderator).post("/admin/proposals/proposal/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = Proposal.objects.get()
    assert proposal.entered_by_staff and proposal.code
    assert proposal.events.get().status == Proposal.Status.RECEIVED
    contact = ProposerContact.objects.get()
    assert contact.email == "luis.taller@example.org" and contact.consent_version.endswith("-paper")
    assert proposal.code in mail.outbox[0].body


def test_the_queue_lists_only_new_proposals(client, moderator):
    new = ProposalFactory(title="Nueva en cola")
    reviewed = ProposalFactory(title="Ya revisada")
    reviewed.change_status(status=Proposal.Status.UNDER_REVIEW)
    content = logged_in(client, moderator).get("/admin/proposals/proposalqueue/").content.decode()
    assert new.title in content and reviewed.title not in content


def test_start_review_action_records_the_status(client, moderator):
    proposal = ProposalFactory()
    logged_in(client, moderator).post(
        "/admin/proposals/proposal/", {"action": "start_review", "_selected_action": [proposal.pk]}
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_REVIEW
    assert proposal.events.get().by == moderator


def test_proposal_history_is_kept(client, moderator, contact):
    proposal = contact.proposal
    logged_in(client, moderator).post(change_url(proposal), moderation_post(proposal, title="Título corregido"))
    assert proposal.history.count() >= 2
    content = client.get(f"/admin/proposals/proposal/{proposal.pk}/history/").content.decode()
    assert "Título corregido" in content or "title" in content.lower()
    assert not hasattr(ProposerContact, "history")


def test_moderator_sees_the_contact_data_from_the_queue(client, moderator, contact):
    content = logged_in(client, moderator).get(f"/admin/proposals/proposalqueue/{contact.proposal.pk}/change/")
    assert EMAIL in content.content.decode()


def test_coordinator_cannot_enter_or_answer_proposals_by_direct_post(client, coordinator, contact):
    client = logged_in(client, coordinator)
    assert client.post("/admin/proposals/proposal/add/", {"title": "Nueva"}).status_code == 403
    proposal = contact.proposal
    response = client.post(change_url(proposal), moderation_post(proposal, new_status="accepted", response_text="No"))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECEIVED and proposal.response == ""
    assert not proposal.events.exists()


def test_moderator_can_still_moderate_after_the_contact_data_was_erased(client, moderator, contact):
    contact.anonymise()
    proposal = contact.proposal
    data = moderation_post(proposal, new_status="under_review")
    personal = ("name", "email", "phone", "organization", "age_range", "gender")
    data = {key: value for key, value in data.items() if key.removeprefix("contact-0-") not in personal}
    response = logged_in(client, moderator).post(change_url(proposal), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_REVIEW


def test_moderator_finds_any_commitment_to_link(client, moderator):
    from tests.factories import CommitmentFactory

    CommitmentFactory(code="ECQTO0001", short_title="Capacitación en participación ciudadana")
    CommitmentFactory(code="ECQTO0005", short_title="Portal de gobierno abierto")
    client = logged_in(client, moderator)
    results = client.get("/admin/proposals/proposal/commitment-autocomplete/", {"term": "capacitaci"}).json()["results"]
    assert [result["text"] for result in results] == ["ECQTO0001 · Capacitación en participación ciudadana"]
    content = client.get("/admin/proposals/proposal/add/").content.decode()
    assert "/admin/proposals/proposal/commitment-autocomplete/" in content


def test_only_those_who_may_change_proposals_search_commitments_there(client, coordinator):
    response = logged_in(client, coordinator).get("/admin/proposals/proposal/commitment-autocomplete/")
    assert response.status_code == 403
