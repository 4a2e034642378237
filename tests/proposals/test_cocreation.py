"""The co-creation of a plan: its phases, its public meetings (counts only, validated against their total), the
plan page's co-creation section, the meetings' pages and the territorial view, in a fixed number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commitments.models import ActionPlan
from proposals.models import Proposal, PublicMeeting
from proposals.territory import territory_counts
from tests.factories import ActionPlanFactory
from tests.proposals.factories import CallFactory, ParishFactory, ProposalFactory, ZonalAdministrationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def meeting(**fields):
    values = {"held_on": TODAY, "place": "Casa barrial", "participants": 40}
    values.update(fields)
    return PublicMeeting(**values)


def messages(error):
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# Phases ----------------------------------------------------------------------------------------------------------


def test_the_phase_follows_the_dates_and_is_unknown_without_them():
    day = datetime.date(2026, 12, 1)
    plan = ActionPlan(
        cocreation_starts_on=datetime.date(2026, 11, 1),
        cocreation_ends_on=datetime.date(2026, 12, 31),
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )
    assert plan.phase_on(day) == ActionPlan.Phase.COCREATION
    assert plan.phase_on(datetime.date(2027, 6, 1)) == ActionPlan.Phase.IMPLEMENTATION
    assert plan.phase_on(datetime.date(2029, 1, 1)) == ActionPlan.Phase.CLOSED
    assert plan.phase_on(datetime.date(2026, 1, 1)) == ActionPlan.Phase.NO_DATA
    assert ActionPlan().phase_on(day) == ActionPlan.Phase.NO_DATA
    assert str(ActionPlan.Phase.NO_DATA.label) == "Sin datos"


def test_co_creation_cannot_end_before_it_starts():
    plan = ActionPlanFactory.build(cocreation_starts_on=TODAY, cocreation_ends_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        plan.clean()
    assert messages(error.value) == {"cocreation_ends_on": ["cocreation_ends_before_start"]}


# The meeting's rules -----------------------------------------------------------------------------------------


def test_breakdowns_may_not_exceed_the_total_with_a_clear_message():
    record = meeting(participants=40, participants_women=30, participants_men=15, participants_18_29=41)
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert messages(error.value) == {
        "participants_women": ["breakdown_over_total"],
        "participants_under_18": ["breakdown_over_total"],
    }
    text = " ".join(error.value.message_dict["participants_women"])
    assert "suman 45, más que las 40 personas" in text


def test_a_breakdown_needs_the_total_and_a_partial_one_within_it_is_fine():
    with pytest.raises(ValidationError) as error:
        meeting(participants=None, participants_women=3).clean()
    assert messages(error.value) == {"participants_women": ["breakdown_without_total"]}
    meeting(participants=40, participants_women=25).clean()  # men and other identities not recorded
    meeting(participants=None).clean()  # nobody counted: "Sin datos", not zero


def test_the_database_refuses_a_breakdown_over_the_total():
    plan = ActionPlanFactory()
    zone = ZonalAdministrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting(plan=plan, zone=zone, participants=10, participants_women=6, participants_men=5).save()
    meeting(plan=plan, zone=zone, participants=10, participants_women=6, participants_men=4).save()


def test_the_call_and_the_parish_must_fit_the_plan_and_zone():
    plan, other = ActionPlanFactory(), ActionPlanFactory()
    zone = ZonalAdministrationFactory()
    record = meeting(plan=plan, call=CallFactory(plan=other), zone=zone, parish=ParishFactory())
    with pytest.raises(ValidationError) as error:
        record.clean()
    assert messages(error.value) == {"call": ["call_of_another_plan"], "parish": ["parish_outside_zone"]}


def test_a_proposal_links_only_a_meeting_of_its_calls_plan():
    plan = ActionPlanFactory()
    held = meeting(plan=plan, zone=ZonalAdministrationFactory())
    held.save()
    proposal = ProposalFactory.build(call=CallFactory(plan=ActionPlanFactory()), meeting=held)
    with pytest.raises(ValidationError) as error:
        proposal.clean()
    assert messages(error.value) == {"meeting": ["meeting_of_another_plan"]}


# Pages --------------------------------------------------------------------------------------------------------


@pytest.fixture
def cocreation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the calls' stored counts follow their proposals
        return _cocreation()


def _cocreation():
    plan = ActionPlanFactory(
        slug="plan-en-co-creacion",
        is_demo=True,
        cocreation_starts_on=TODAY - datetime.timedelta(days=10),
        cocreation_ends_on=TODAY + datetime.timedelta(days=10),
    )
    call = CallFactory(plan=plan, title="Convocatoria abierta", is_demo=True)
    norte = ZonalAdministrationFactory(name="Eugenio Espejo")
    parish = ParishFactory(name="Cotocollao", zone=norte)
    ParishFactory(name="Nono", zone=norte)
    held = PublicMeeting.objects.create(
        plan=plan, call=call, zone=norte, parish=parish, held_on=TODAY, place="Casa barrial de prueba",
        participants=40, participants_women=22, participants_men=18, is_demo=True,
    )  # fmt: skip
    ProposalFactory(call=call, zone=norte, parish=parish, meeting=held, title="Luminarias en el parque", is_demo=True)
    hidden = ProposalFactory(call=call, zone=norte, parish=parish, meeting=held, title="Publicidad", is_demo=True)
    hidden.hide(reason="Contenido publicitario.")
    return {"plan": plan, "meeting": held, "zone": norte, "parish": parish}


def test_a_plan_in_co_creation_shows_its_open_calls_meetings_and_proposals(client, cocreation):
    content = client.get("/planes/plan-en-co-creacion/").content.decode()
    assert "Co-creación en curso" in content and "Convocatoria abierta" in content
    assert "1 reunión" in content and "40 participantes contados" in content
    assert "1 propuesta" in content and "1 de ellas recogida en una reunión pública" in content
    assert 'href="/planes/plan-en-co-creacion/respuestas/"' in content
    assert 'href="/planes/plan-en-co-creacion/territorio/"' in content
    assert cocreation["meeting"].get_absolute_url() in content


def test_the_real_plan_shows_the_sourced_totals_and_no_invented_meetings(client):
    from django.core.management import call_command

    call_command("load_quito_plan", verbosity=0)
    plan = ActionPlan.objects.get(number=2)
    assert plan.cocreation_starts_on is None and plan.cocreation_ends_on is None
    assert plan.phase == ActionPlan.Phase.CLOSED
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "Cómo se cocreó el plan" in content and "<dd>34</dd>" in content and "<dd>3</dd>" in content
    assert "https://opengovpartnership.org/documents/action-plan-quito-ecuador-2022-2023" in content
    assert "El portal no guarda registros de reuniones individuales de este plan." in content
    meetings = client.get(f"/planes/{plan.slug}/reuniones/").content.decode()
    assert "Totales publicados" in meetings and "<dd>34</dd>" in meetings and "<tbody>" not in meetings
    assert "opengovpartnership.org" in meetings
    assert not PublicMeeting.objects.exists()


def test_the_meeting_page_shows_counts_and_the_public_proposals_gathered(client, cocreation):
    content = client.get(cocreation["meeting"].get_absolute_url()).content.decode()
    assert "Casa barrial de prueba" in content and "Luminarias en el parque" in content
    assert "Publicidad" not in content
    assert "Participantes por género" in content and "Sin datos" in content  # another identity: not recorded
    assert "Datos ficticios de demostración" in content


def test_the_meeting_list_of_a_plan(client, cocreation):
    content = client.get("/planes/plan-en-co-creacion/reuniones/").content.decode()
    assert "1 reunión registrada" in content and "Casa barrial de prueba" in content
    assert "demostración" in content
    assert client.get("/propuestas/reuniones/").status_code == 200
    assert client.get("/planes/no-existe/reuniones/").status_code == 404
    assert client.get("/propuestas/reuniones/999999/").status_code == 404


def test_the_territorial_view_counts_per_zone_and_parish_without_hidden_proposals(client, cocreation):
    counts = territory_counts(None, cocreation["plan"])
    zone = next(row for row in counts["zones"] if row["place"] == cocreation["zone"])
    assert (zone["proposals"], zone["meetings"], zone["participants"]) == (1, 1, 40)
    assert [parish.name for parish in counts["parishes_without_proposals"]] == ["Nono"]
    content = client.get("/planes/plan-en-co-creacion/territorio/").content.decode()
    assert "no dan la población" in content
    assert '<svg role="img"' in content and "<title id=" in content and "<desc id=" in content
    assert '<th scope="col">' in content and "<caption>" in content
    assert "Nono" in content and "Datos ficticios de demostración" in content
    assert "<script" not in content.split("<main", 1)[1]


def test_a_moderator_counts_the_hidden_proposal_in_the_territorial_view(cocreation):
    from proposals.models import MODERATION_GROUP
    from tests.factories import staff_user

    moderator = staff_user("moderadora", MODERATION_GROUP)
    zone = next(row for row in territory_counts(moderator)["zones"] if row["place"] == cocreation["zone"])
    assert zone["proposals"] == 2


def grow(plan, size, capture):
    """`size` more meetings and proposals, each in a new zone and parish."""
    call = plan.calls.first()
    with capture(execute=True):
        _grow(plan, call, size)


def _grow(plan, call, size):
    for _index in range(size):
        zone = ZonalAdministrationFactory()
        parish = ParishFactory(zone=zone)
        held = PublicMeeting.objects.create(plan=plan, call=call, zone=zone, held_on=TODAY, place="Sala", is_demo=True)
        ProposalFactory(call=call, zone=zone, parish=parish, meeting=held, is_demo=True)


@pytest.mark.parametrize("size", [0, 8])
def test_the_new_pages_run_a_fixed_number_of_queries(
    client, cocreation, size, django_assert_num_queries, django_capture_on_commit_callbacks
):
    grow(cocreation["plan"], size, django_capture_on_commit_callbacks)
    paths = {
        # The plan page: its own queries (no commitment to list: its stored count says so) plus the co-creation
        # section's three (calls with their stored proposal counts, meeting totals, the latest meetings).
        "/planes/plan-en-co-creacion/": 6,
        # Plan, totals, the page of meetings.
        "/planes/plan-en-co-creacion/reuniones/": 3,
        "/propuestas/reuniones/": 2,
        # The meeting and its proposals.
        cocreation["meeting"].get_absolute_url(): 2,
        # Plan, proposals and meetings grouped by zone and parish, zones, parishes.
        "/planes/plan-en-co-creacion/territorio/": 5,
        "/propuestas/territorio/": 4,
    }
    for path in paths:
        client.get(path)  # warms the cached demo-notice flag
    for path, count in paths.items():
        for prefix in ("", "/en"):
            with django_assert_num_queries(count):
                assert client.get(prefix + path).status_code == 200, path


def test_english_pages(client, cocreation):
    assert "Participation by territory" in client.get("/en/propuestas/territorio/").content.decode()
    assert "Public co-creation meetings" in client.get("/en/propuestas/reuniones/").content.decode()
    assert "Co-creation in progress" in client.get("/en/planes/plan-en-co-creacion/").content.decode()


def test_proposals_gathered_count_only_public_ones_for_the_public(client, cocreation):
    response = client.get("/propuestas/reuniones/")
    assert [row.gathered for row in response.context["meetings"]] == [1]
    assert Proposal.objects.filter(meeting=cocreation["meeting"]).count() == 2


def test_a_meeting_or_a_proposal_puts_its_plans_page_out_of_date(cocreation):
    from quito_ga import page_versions

    assert set(page_versions.names_for(cocreation["meeting"])) == {
        "proposals",
        "records:proposals",
        "plan:plan-en-co-creacion",
    }
    proposal = Proposal.objects.filter(meeting=cocreation["meeting"]).first()
    assert "plan:plan-en-co-creacion" in page_versions.names_for(proposal)
