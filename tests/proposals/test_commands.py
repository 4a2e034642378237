import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from proposals.loaders import load_plan_facts
from proposals.models import Call, Parish, Proposal, ProposerContact, StatusEvent, ZonalAdministration
from quito_ga.management.commands.load_quito_plan import DATA_FILE, PARISHES_FILE
from tests.factories import CommitmentFactory
from tests.proposals.factories import ProposerContactFactory

pytestmark = pytest.mark.django_db


def closed_contact(days_ago):
    contact = ProposerContactFactory(proposal__response="No es competencia municipal.")
    contact.proposal.change_status(status=Proposal.Status.NOT_ACCEPTED)
    Proposal.objects.filter(pk=contact.proposal_id).update(closed_at=timezone.now() - datetime.timedelta(days=days_ago))
    return contact


def test_purge_anonymises_contacts_of_proposals_closed_longer_than_the_retention(capsys, settings):
    settings.PROPOSALS_RETENTION_DAYS = 365
    old, recent, open_one = closed_contact(400), closed_contact(10), ProposerContactFactory()
    call_command("purge_personal_data")
    assert "1 proposals" in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    open_one.refresh_from_db()
    assert old.is_anonymised() and old.email == "" and old.name == ""
    assert not recent.is_anonymised() and not open_one.is_anonymised()
    assert Proposal.objects.count() == 3


def test_purge_takes_the_number_of_days(capsys):
    closed_contact(400)
    closed_contact(10)
    call_command("purge_personal_data", "--older-than", "5")
    assert "2 proposals" in capsys.readouterr().out
    assert ProposerContact.objects.filter(anonymised_at__isnull=True).count() == 0


def test_load_plan_facts_loads_the_nine_zones_and_all_65_parishes():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    parishes = json.loads(PARISHES_FILE.read_text(encoding="utf-8"))
    summary = load_plan_facts(data, parishes)
    load_plan_facts(data, parishes)  # idempotent
    assert ZonalAdministration.objects.count() == 9
    assert Parish.objects.count() == 65
    assert Parish.objects.get(name="Conocoto").zone.name == "Los Chillos"
    assert Parish.objects.get(name="Cumbayá").zone.name == "Tumbaco"
    nono = Parish.objects.get(name="Nono")  # placed by an old list only: kept, and flagged
    assert (nono.zone.name, nono.zone_uncertain) == ("La Delicia", True)
    assert Parish.objects.get(name="Calderón").kind == Parish.Kind.RURAL
    assert ZonalAdministration.objects.get(name="La Mariscal").note
    assert "9 zonal administrations" in summary


def test_seed_demo_creates_proposals_an_open_call_and_the_moderator(django_user_model):
    call_command("load_quito_plan")
    # What the commitments seed provides to incorporate proposals into.
    CommitmentFactory(code="DEMOQ0001", is_demo=True, plan__is_demo=True, lead__is_demo=True)
    call_command("seed_demo", scale=1)
    call_command("seed_demo", scale=1)  # a second run neither fails nor duplicates
    assert Proposal.objects.filter(is_demo=True).count() == 1000
    assert Call.objects.open_now().exists()
    assert Call.objects.filter(closes_at__lt=timezone.now()).exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    assert Proposal.objects.values("zone").distinct().count() == 9
    assert StatusEvent.objects.count() > 1000
    moderator = django_user_model.objects.get(username="moderador")
    assert moderator.check_password("demo-test-password")
    assert moderator.has_perm("proposals.view_proposercontact")
    codes = list(Proposal.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes)
    assert Proposal.objects.search("participacion").exists()
