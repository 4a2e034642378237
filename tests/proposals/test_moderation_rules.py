"""Closing a proposal needs a reasoned response (and a duplicate its original), in the model, the admin and the
public pages; and "Save and continue editing" from the queue of new proposals keeps working after a status change."""

import pytest
from django.core.exceptions import ValidationError

from proposals.models import MODERATION_GROUP, Proposal, StatusEvent
from tests.factories import staff_user
from tests.proposals.factories import ProposalFactory, ProposerContactFactory
from tests.proposals.test_admin import change_url, moderation_post

pytestmark = pytest.mark.django_db

Status = Proposal.Status
RESPONSE = "No es competencia municipal; la remitimos al Ministerio de Educación."


@pytest.fixture
def moderator_client(client):
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    return client


# The rule itself, on unsaved proposals.


@pytest.mark.parametrize("status", Proposal.CLOSED_STATUSES)
def test_every_closing_status_needs_a_reasoned_response(status):
    with pytest.raises(ValidationError) as error:
        Proposal().check_closing(status=status, response="  ", duplicate_of_id=1)
    assert [e.code for e in error.value.error_dict["response"]] == ["closing_needs_response"]


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.UNDER_REVIEW, Status.ACCEPTED])
def test_open_statuses_need_no_response(status):
    Proposal().check_closing(status=status, response="", duplicate_of_id=None)


def test_a_duplicate_needs_its_original_as_well_as_a_response():
    with pytest.raises(ValidationError) as error:
        Proposal().check_closing(status=Status.DUPLICATE, response="", duplicate_of_id=None)
    assert error.value.error_dict["duplicate_of"][0].code == "duplicate_needs_original"
    assert error.value.error_dict["response"][0].code == "closing_needs_response"
    Proposal().check_closing(status=Status.DUPLICATE, response=RESPONSE, duplicate_of_id=7)


def test_a_closed_proposal_without_response_reads_under_review_in_public():
    legacy = Proposal(status=Status.NOT_ACCEPTED, response="")
    assert legacy.public_status() == Status.UNDER_REVIEW and not legacy.shows_closed_status()
    answered = Proposal(status=Status.NOT_ACCEPTED, response=RESPONSE)
    assert answered.public_status() == Status.NOT_ACCEPTED and answered.shows_closed_status()


# The verb methods.


def test_change_status_refuses_to_close_without_a_response_and_saves_nothing():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as error:
        proposal.change_status(status=Status.NOT_ACCEPTED)
    assert "response" in error.value.error_dict
    proposal.refresh_from_db()
    assert proposal.status == Status.RECEIVED and not proposal.events.exists()


def test_answer_with_a_closing_status_publishes_the_response_and_closes():
    proposal = ProposalFactory()
    proposal.answer(text=RESPONSE, status=Status.NOT_ACCEPTED)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response) == (Status.NOT_ACCEPTED, RESPONSE) and proposal.closed_at


def test_a_duplicate_closes_with_its_original_and_a_response():
    proposal, original = ProposalFactory(response=RESPONSE), ProposalFactory()
    with pytest.raises(ValidationError):
        proposal.change_status(status=Status.DUPLICATE)
    proposal.change_status(status=Status.DUPLICATE, duplicate_of=original)
    proposal.refresh_from_db()
    assert proposal.status == Status.DUPLICATE and proposal.duplicate_of == original


# The admin's moderation form.


def test_admin_refuses_not_accepted_without_a_response_and_keeps_the_input(moderator_client):
    proposal = ProposerContactFactory().proposal
    data = moderation_post(proposal, new_status="not_accepted", status_note="Revisada en la mesa zonal.")
    response = moderator_client.post(change_url(proposal), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "No se puede cerrar una propuesta como «No aceptada» sin una respuesta motivada" in content
    assert "Revisada en la mesa zonal." in content  # what the moderator typed is still there
    proposal.refresh_from_db()
    assert proposal.status == Status.RECEIVED and not proposal.events.exists()


def test_admin_closes_with_the_response_written_in_the_same_form(moderator_client):
    proposal = ProposerContactFactory().proposal
    data = moderation_post(proposal, new_status="not_accepted", response_text=RESPONSE)
    assert moderator_client.post(change_url(proposal), data).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.response) == (Status.NOT_ACCEPTED, RESPONSE)


def test_admin_duplicate_without_original_or_response_names_both_fields(moderator_client):
    proposal = ProposerContactFactory().proposal
    response = moderator_client.post(change_url(proposal), moderation_post(proposal, new_status="duplicate"))
    content = response.content.decode()
    assert "Indica qué propuesta repite esta." in content
    assert "sin una respuesta motivada" in content
    form = response.context["adminform"].form
    assert {"duplicate_of", "response_text"} <= set(form.errors)


def test_save_and_continue_from_the_queue_after_a_status_change_opens_the_proposal(moderator_client):
    proposal = ProposerContactFactory().proposal
    queue_url = f"/admin/proposals/proposalqueue/{proposal.pk}/change/"
    assert moderator_client.get(queue_url).status_code == 200
    data = moderation_post(proposal, new_status="under_review", _continue="1")
    response = moderator_client.post(queue_url, data, follow=True)
    assert response.redirect_chain[-1][0] == change_url(proposal)
    content = response.content.decode()
    assert "no existe" not in content
    assert "La propuesta salió de la cola de propuestas nuevas." in content
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_REVIEW


def test_save_and_continue_in_the_queue_without_a_status_change_stays_in_the_queue(moderator_client):
    proposal = ProposerContactFactory().proposal
    queue_url = f"/admin/proposals/proposalqueue/{proposal.pk}/change/"
    response = moderator_client.post(queue_url, moderation_post(proposal, title="Título corregido", _continue="1"))
    assert response.status_code == 302 and response["Location"].startswith(queue_url)


# The public pages.


def legacy_closed_without_response():
    """A row closed before the rule existed: the model no longer lets anyone make one."""
    proposal = ProposalFactory(status=Status.NOT_ACCEPTED, response="")
    StatusEvent.objects.create(proposal=proposal, status=Status.RECEIVED)
    StatusEvent.objects.create(proposal=proposal, status=Status.NOT_ACCEPTED)
    return proposal


def test_public_page_never_shows_a_closing_without_its_response(client):
    proposal = legacy_closed_without_response()
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "El municipio aún no ha respondido" in content
    assert "No aceptada" not in content
    assert "En revisión" in content
    listing = client.get("/propuestas/").content.decode()
    assert proposal.title in listing
    assert 'badge--proposal-under_review">En revisión<' in listing and "badge--proposal-not_accepted" not in listing


def test_public_page_shows_the_closing_with_its_response(client):
    proposal = ProposalFactory()
    proposal.answer(text=RESPONSE, status=Status.NOT_ACCEPTED)
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "No aceptada" in content and RESPONSE in content


def test_editing_a_legacy_closed_proposal_without_response_asks_for_the_response(moderator_client):
    proposal = legacy_closed_without_response()
    ProposerContactFactory(proposal=proposal)
    response = moderator_client.post(change_url(proposal), moderation_post(proposal, title="Título corregido"))
    assert response.status_code == 200
    assert "response_text" in response.context["adminform"].form.errors
    data = moderation_post(proposal, title="Título corregido", response_text=RESPONSE)
    assert moderator_client.post(change_url(proposal), data).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.title, proposal.response, proposal.status) == ("Título corregido", RESPONSE, Status.NOT_ACCEPTED)


def test_the_public_status_filter_agrees_with_the_badges(client):
    legacy = legacy_closed_without_response()
    answered = ProposalFactory()
    answered.answer(text=RESPONSE, status=Status.NOT_ACCEPTED)
    not_accepted = client.get("/propuestas/", {"status": "not_accepted"}).content.decode()
    assert answered.title in not_accepted and legacy.title not in not_accepted
    under_review = client.get("/propuestas/", {"status": "under_review"}).content.decode()
    assert legacy.title in under_review and answered.title not in under_review


def test_a_public_duplicate_never_shows_the_code_of_a_hidden_original(client):
    original = ProposalFactory(is_hidden=True, hidden_reason="Contiene datos personales.")
    proposal = ProposalFactory(response=RESPONSE)
    proposal.change_status(status=Status.DUPLICATE, duplicate_of=original)
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert "Duplica una propuesta que no es pública." in content
    assert original.code not in content
    assert original.get_absolute_url() not in content
