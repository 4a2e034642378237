"""The same proposal form sent twice (double click, Back and send again) is stored and emailed once."""

import re
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from proposals.models import Proposal, ProposalQuerySet
from tests.proposals.factories import CallFactory, ZonalAdministrationFactory, form_data

pytestmark = pytest.mark.django_db

CREATE_URL = "/propuestas/nueva/"
TOKEN_INPUT = re.compile(r'<input type="hidden" name="submission_token" value="([^"]*)"')
ALREADY_SENT = "Este formulario ya se había enviado: tu propuesta quedó guardada una sola vez, con este código."


@pytest.fixture
def zone():
    CallFactory()
    return ZonalAdministrationFactory(name="Los Chillos")


def shown_token(client):
    return TOKEN_INPUT.search(client.get(CREATE_URL).content.decode()).group(1)


def shown_code(client, response):
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"]).content.decode()
    return re.search(r'<output id="tracking-code"[^>]*>([A-Z0-9-]+)</output>', page).group(1), page


def test_each_showing_of_the_form_carries_a_new_random_token(client, zone):
    first, second = shown_token(client), shown_token(Client())
    assert first != second
    assert uuid.UUID(first).version == 4 and uuid.UUID(second).version == 4


def test_the_form_with_its_token_is_never_served_from_the_page_cache(client, zone, settings):
    settings.PAGE_CACHE_SECONDS = 300
    response = client.get(CREATE_URL)
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert shown_token(Client()) != shown_token(Client())


def test_sending_the_same_form_twice_stores_and_emails_once_and_shows_the_same_code(
    client, zone, django_capture_on_commit_callbacks
):
    data = form_data(zone, submission_token=shown_token(client))
    with django_capture_on_commit_callbacks(execute=True):
        first_code, first_page = shown_code(client, client.post(CREATE_URL, data))
        second_code, page = shown_code(client, client.post(CREATE_URL, data))
    assert ALREADY_SENT not in first_page
    assert first_code == second_code == Proposal.objects.get().code
    assert ALREADY_SENT in page
    assert len(mail.outbox) == 1


def test_a_resent_form_is_not_counted_against_the_submission_limit(client, zone, settings):
    settings.PROPOSALS_SUBMISSIONS_PER_HOUR = 1
    data = form_data(zone, submission_token=str(uuid.uuid4()))
    client.post(CREATE_URL, data)
    again = client.post(CREATE_URL, data)
    assert again.status_code == 302
    assert Proposal.objects.count() == 1


def test_forms_with_different_tokens_are_different_proposals(client, zone):
    client.post(CREATE_URL, form_data(zone, submission_token=str(uuid.uuid4())))
    client.post(CREATE_URL, form_data(zone, submission_token=str(uuid.uuid4())))
    assert Proposal.objects.count() == 2


def test_a_form_without_a_valid_token_is_still_accepted_and_keeps_the_token_it_was_given(client, zone):
    response = client.post(CREATE_URL, form_data(zone, submission_token="not-a-token", email="no-es-correo"))
    kept = TOKEN_INPUT.search(response.content.decode()).group(1)
    assert uuid.UUID(kept)
    client.post(CREATE_URL, form_data(zone, submission_token=kept))
    client.post(CREATE_URL, form_data(zone, submission_token=kept))
    assert Proposal.objects.get().submission_token == uuid.UUID(kept)


def test_when_the_other_request_stores_the_form_first_this_one_shows_its_code(
    client, zone, monkeypatch, django_capture_on_commit_callbacks
):
    """The race: both requests find no proposal for the token, the other one commits first."""
    data = form_data(zone, submission_token=str(uuid.uuid4()))
    with django_capture_on_commit_callbacks(execute=True):
        first_code, _page = shown_code(client, client.post(CREATE_URL, data))
    real_sent_with, calls = ProposalQuerySet.sent_with, []

    def first_lookup_misses(self, token):
        calls.append(token)
        return self.none() if len(calls) == 1 else real_sent_with(self, token)

    monkeypatch.setattr(ProposalQuerySet, "sent_with", first_lookup_misses)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(CREATE_URL, data)
    assert len(calls) == 2  # the early lookup, then the one after the database refused the duplicate
    second_code, page = shown_code(client, second)
    assert second_code == first_code and ALREADY_SENT in page
    assert Proposal.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads share SQLite's in-memory test database")
def test_two_identical_submissions_at_the_same_moment_store_one_proposal(zone):
    """On SQLite the same race runs against a real server: test_concurrent_submissions.py."""
    data = form_data(zone, submission_token=str(uuid.uuid4()))
    barrier, answers = threading.Barrier(2), []

    def send():
        client = Client()
        barrier.wait()
        response = client.post(CREATE_URL, data)
        answers.append(shown_code(client, response)[0])
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2 and answers[0] == answers[1] == Proposal.objects.get().code
    assert len(mail.outbox) == 1
