"""The proposals of the demonstration world stay apart from the real record, and go away with purge_demo."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.utils import timezone, translation

from commitments.models import ActionPlan, Commitment
from proposals.loaders import purge_demo
from proposals.models import Call, Parish, Proposal, ProposerContact, StatusEvent
from tests.factories import CommitmentFactory
from tests.proposals.factories import CallFactory, ProposalFactory, ProposerContactFactory, ZonalAdministrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spanish():
    """Requests under /en/ leave English active in the test's thread; the tests after these expect Spanish."""
    yield
    translation.activate("es")


@pytest.fixture
def seeded():
    call_command("load_quito_plan", verbosity=0)
    # What the commitments seed provides: a demo plan with a demo commitment to incorporate proposals into.
    CommitmentFactory(code="DEMOQ0001", is_demo=True, plan__is_demo=True, plan__number=90, lead__is_demo=True)
    call_command("seed_demo", scale=1, verbosity=0)


def test_demo_calls_belong_to_demo_plans_only(seeded):
    calls = Call.objects.filter(is_demo=True)
    assert calls.count() == 3  # a co-creation, the permanent mailbox, the open call of the plan in co-creation
    assert not calls.filter(plan__is_demo=False).exists()
    assert not ActionPlan.objects.filter(is_demo=False, calls__isnull=False).exists()


def test_demo_proposals_shape_only_demo_commitments(seeded):
    demo = Proposal.objects.filter(is_demo=True)
    assert demo.filter(status=Proposal.Status.INCORPORATED, commitments__isnull=False).exists()
    assert not demo.filter(commitments__is_demo=False).exists()
    assert not Commitment.objects.filter(is_demo=False, proposals__isnull=False).exists()
    assert not demo.filter(call__is_demo=False).exists()


def test_demo_proposers_are_fictional(seeded):
    contacts = ProposerContact.objects.filter(proposal__is_demo=True)
    assert contacts.count() == 1000
    assert not contacts.exclude(email__endswith="@example.org").exists()
    assert not contacts.exclude(name__startswith="Persona ficticia").exists()


def test_demo_proposals_use_only_parishes_whose_zone_is_confirmed(seeded):
    demo = Proposal.objects.filter(is_demo=True, parish__isnull=False)
    assert demo.exists()
    assert not demo.filter(parish__zone_uncertain=True).exists()
    assert Parish.objects.filter(zone_uncertain=True).exists()


def test_no_demo_proposal_happens_in_the_future(seeded):
    now = timezone.now()
    demo = Proposal.objects.filter(is_demo=True)
    assert not demo.filter(created_at__gt=now).exists()
    assert not demo.filter(responded_at__gt=now).exists()
    assert not demo.filter(closed_at__gt=now).exists()
    assert not StatusEvent.objects.filter(proposal__is_demo=True, created_at__gt=now).exists()
    assert not ProposerContact.objects.filter(proposal__is_demo=True, consented_at__gt=now).exists()
    assert not Call.objects.filter(is_demo=True, opens_at__gt=now).exists()
    assert Call.objects.filter(is_demo=True).open_now().exists()  # the demo mailbox takes proposals


def test_a_proposal_sent_to_a_demo_call_is_demo_and_to_a_real_call_real():
    for is_demo in (True, False):
        proposal = ProposalFactory.build(call=CallFactory(is_demo=is_demo), zone=ZonalAdministrationFactory())
        proposal.submit(contact=ProposerContactFactory.build(proposal=None))
        assert Proposal.objects.get(pk=proposal.pk).is_demo is is_demo


def test_purge_demo_removes_every_demo_proposal_and_only_those(seeded):
    real = ProposerContactFactory(proposal__call=CallFactory(is_demo=False))
    real_proposal = Proposal.objects.filter(pk=real.proposal_id).values().get()
    real_contact = ProposerContact.objects.filter(pk=real.pk).values().get()
    summary = purge_demo()
    assert "1000 demonstration proposals" in summary and "1000 proposers' contact data" in summary
    assert not Proposal.objects.filter(is_demo=True).exists()
    assert not Proposal.history.filter(is_demo=True).exists()
    assert not Call.objects.filter(is_demo=True).exists()
    assert not ProposerContact.objects.exclude(pk=real.pk).exists()
    assert not StatusEvent.objects.exclude(proposal=real.proposal).exists()
    assert not get_user_model().objects.filter(username="moderador").exists()
    assert Proposal.objects.filter(pk=real.proposal_id).values().get() == real_proposal
    assert ProposerContact.objects.filter(pk=real.pk).values().get() == real_contact
    # The shared vocabularies stay.
    assert Parish.objects.count() == 65


def test_purge_demo_keeps_a_real_account_that_happens_to_be_called_moderador(seeded):
    get_user_model().objects.filter(username="moderador").update(email="moderacion@quito.gob.ec")
    purge_demo()
    assert get_user_model().objects.filter(username="moderador").exists()


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/busca-tu-propuesta/", "/propuestas/seguimiento/"),
        ("/en/busca-tu-propuesta/", "/en/propuestas/seguimiento/"),
        ("/busca-tu-propuesta/?code=QGA-7K4-M2P-9XH", "/propuestas/seguimiento/?code=QGA-7K4-M2P-9XH"),
        ("/en/busca-tu-propuesta/?code=QGA-7K4-M2P-9XH", "/en/propuestas/seguimiento/?code=QGA-7K4-M2P-9XH"),
    ],
)
def test_the_published_lookup_address_redirects_permanently(client, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == target


def test_the_form_of_a_demo_call_says_so(client):
    CallFactory(is_demo=True)
    content = client.get("/propuestas/nueva/").content.decode()
    assert "Esta es una convocatoria de demostración" in content


def test_a_real_call_form_carries_no_demo_notice(client):
    CallFactory(is_demo=False)
    assert "convocatoria de demostración" not in client.get("/propuestas/nueva/").content.decode()


@pytest.mark.parametrize("is_demo", [True, False])
def test_only_demo_proposal_pages_ask_search_engines_not_to_index_them(client, is_demo):
    proposal = ProposalFactory(is_demo=is_demo)
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert ('<meta name="robots" content="noindex">' in content) is is_demo


def test_seeding_again_rebuilds_demo_proposals_an_older_version_linked_to_real_commitments(seeded):
    real = Commitment.objects.filter(is_demo=False).first()
    Proposal.objects.filter(is_demo=True).first().commitments.add(real)
    call_command("seed_demo", scale=1, verbosity=0)
    assert not real.proposals.exists()
    assert Proposal.objects.filter(is_demo=True).count() == 1000


def test_answer_feed_entries_of_demo_proposals_say_so(client):
    for is_demo in (True, False):
        proposal = ProposalFactory(is_demo=is_demo, title=f"Propuesta demo={is_demo}")
        proposal.answer(text="Respuesta motivada.")
    feed = client.get("/propuestas/respuestas.atom").content.decode()
    assert re.search(r"<title>\[Demostración\] QGA-[^<]*: Propuesta demo=True \(Recibida\)</title>", feed)
    assert re.search(r"<title>QGA-[^<]*: Propuesta demo=False \(Recibida\)</title>", feed)


def test_demo_proposals_follow_the_moderation_rules(seeded):
    closed = Proposal.objects.filter(is_demo=True, status__in=Proposal.CLOSED_STATUSES)
    assert closed.exists()
    assert not closed.filter(response="").exists()
    duplicates = Proposal.objects.filter(is_demo=True, status=Proposal.Status.DUPLICATE)
    assert duplicates.exists() and not duplicates.filter(duplicate_of__isnull=True).exists()
    assert not duplicates.exclude(duplicate_of__call=models.F("call")).exists()
