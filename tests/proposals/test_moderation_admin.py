"""The admin moderates through the model: `Proposal.submit` for proposals staff enter, `change_status` for the rest."""

from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

import proposals.admin
import proposals.views
from proposals.models import CONSENT_VERSION, MODERATION_GROUP, Proposal, ProposerContact, StatusEvent
from tests.factories import staff_user
from tests.proposals.factories import (
    CallFactory,
    ProposalFactory,
    ProposerContactFactory,
    ZonalAdministrationFactory,
    form_data,
)
from tests.proposals.test_admin import change_url, moderation_post

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/proposals/proposal/add/"


@pytest.fixture
def moderator(client):
    user = staff_user("moderadora", MODERATION_GROUP)
    client.force_login(user)
    return user


@pytest.fixture
def queued():
    """The email task's queue, seen through a stand-in for the task (the model imports it when it notifies)."""
    with mock.patch("proposals.emails.send_proposal_email") as task:
        yield task.enqueue


def add_data(**changes):
    data = {
        "call": CallFactory().pk,
        "title": "Propuesta en papel del taller zonal",
        "problem": "Problema escrito a mano.",
        "solution": "Solución escrita a mano.",
        "topic": "civic_participation",
        "zone": ZonalAdministrationFactory().pk,
        "new_status": "",
        "status_note": "",
        "response_text": "",
        "hide_reason": "",
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
    return data | changes


def spy(method_name):
    original = getattr(Proposal, method_name)
    return mock.patch.object(Proposal, method_name, autospec=True, side_effect=original)


def test_a_proposal_entered_in_the_admin_goes_through_submit(
    client, moderator, queued, django_capture_on_commit_callbacks
):
    with spy("submit") as submit, spy("add_contact") as add_contact:
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(ADD_URL, add_data())
        assert response.status_code == 302, response.content.decode()[:2000]
        queued.assert_not_called()  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    proposal = Proposal.objects.get()
    submit.assert_called_once()
    assert submit.call_args.kwargs["by"] == moderator
    add_contact.assert_called_once()  # the consent is stamped once, by the model
    assert proposal.entered_by_staff and proposal.code
    assert list(proposal.events.values_list("status", "by")) == [(Proposal.Status.RECEIVED, moderator.pk)]
    queued.assert_called_once_with(proposal.pk, "received")
    contact = ProposerContact.objects.get()
    assert contact.consent_version == f"{CONSENT_VERSION}-paper" and contact.consented_at is not None


def test_a_proposal_entered_with_a_status_and_a_response_is_received_then_answered(
    client, moderator, queued, django_capture_on_commit_callbacks
):
    data = add_data(new_status="accepted", response_text="Se incluirá en la cocreación del plan.")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ADD_URL, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.response
    assert list(proposal.events.values_list("status", flat=True)) == ["received", "accepted"]
    assert [call.args for call in queued.call_args_list] == [(proposal.pk, "received"), (proposal.pk, "status")]


def test_a_proposal_entered_without_contact_data_is_still_received(
    client, moderator, queued, django_capture_on_commit_callbacks
):
    data = add_data(**{"contact-0-name": "", "contact-0-email": ""})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ADD_URL, data).status_code == 302
    proposal = Proposal.objects.get()
    assert not ProposerContact.objects.exists() and proposal.events.count() == 1
    queued.assert_called_once_with(proposal.pk, "received")  # the task finds no recipient and sends nothing


def test_the_public_form_stamps_the_web_consent_through_the_model(client, django_capture_on_commit_callbacks):
    CallFactory()
    with spy("add_contact") as add_contact, django_capture_on_commit_callbacks(execute=True):
        assert client.post("/propuestas/nueva/", form_data(ZonalAdministrationFactory())).status_code == 302
    add_contact.assert_called_once()
    assert add_contact.call_args.kwargs == {"on_paper": False}
    assert ProposerContact.objects.get().consent_version == CONSENT_VERSION


def test_a_status_change_in_the_admin_goes_through_change_status(
    client, moderator, queued, django_capture_on_commit_callbacks
):
    proposal = ProposerContactFactory().proposal
    with spy("change_status") as change_status:
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(change_url(proposal), moderation_post(proposal, new_status="under_review"))
        assert response.status_code == 302, response.content.decode()[:2000]
        queued.assert_not_called()
        for callback in callbacks:
            callback()
    change_status.assert_called_once()
    assert change_status.call_args.kwargs["by"] == moderator
    event = StatusEvent.objects.get(proposal=proposal)
    assert (event.status, event.by) == (Proposal.Status.UNDER_REVIEW, moderator)
    queued.assert_called_once_with(proposal.pk, "status")


def test_a_response_without_a_new_status_records_no_event_and_sends_the_answer(
    client, moderator, queued, django_capture_on_commit_callbacks
):
    proposal = ProposerContactFactory().proposal
    data = moderation_post(proposal, response_text="La revisaremos en la mesa zonal de marzo.")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(proposal), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.response == "La revisaremos en la mesa zonal de marzo." and proposal.responded_at
    assert not StatusEvent.objects.filter(proposal=proposal).exists()
    queued.assert_called_once_with(proposal.pk, "answer")


@pytest.mark.parametrize("new_status", ["", "received"])
def test_an_edit_that_keeps_the_status_records_and_sends_nothing(
    client, moderator, queued, django_capture_on_commit_callbacks, new_status
):
    proposal = ProposerContactFactory().proposal
    data = moderation_post(proposal, title="Título corregido por la moderación", new_status=new_status)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(proposal), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Título corregido por la moderación" and proposal.status == Proposal.Status.RECEIVED
    assert not StatusEvent.objects.filter(proposal=proposal).exists()
    queued.assert_not_called()


def test_the_admin_refuses_a_closing_without_response_in_spanish(
    client, moderator, queued, django_capture_on_commit_callbacks
):
    proposal = ProposerContactFactory().proposal
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(proposal), moderation_post(proposal, new_status="not_accepted"))
    assert response.status_code == 200
    assert "No se puede cerrar una propuesta como «No aceptada» sin una respuesta" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECEIVED and not proposal.events.exists()
    queued.assert_not_called()


def test_change_status_checks_the_closing_rules_itself():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError) as error:
        proposal.change_status(Proposal.Status.NOT_ACCEPTED)
    assert error.value.error_dict["response"][0].code == "closing_needs_response"
    with pytest.raises(ValidationError) as error:
        proposal.change_status(Proposal.Status.DUPLICATE, response="Ya fue propuesta.")
    assert error.value.error_dict["duplicate_of"][0].code == "duplicate_needs_original"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RECEIVED and not proposal.events.exists()


def test_change_status_to_the_same_status_is_a_no_op(queued, django_capture_on_commit_callbacks):
    proposal = ProposalFactory(status=Proposal.Status.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        assert proposal.change_status(Proposal.Status.UNDER_REVIEW) is None
    assert not proposal.events.exists()
    queued.assert_not_called()


@pytest.mark.parametrize("module", [proposals.admin, proposals.views])
def test_admin_and_views_repeat_no_step_of_the_model(module):
    text = Path(module.__file__).read_text(encoding="utf-8")
    for step in ("._notify(", "StatusEvent.objects.create", "consented_at =", ".entered_by_staff ="):
        assert step not in text, step
