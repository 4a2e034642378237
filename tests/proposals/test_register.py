"""The register of responses of a plan (/planes/<slug>/respuestas/ and its CSV): every proposal of the plan's
calls with what became of it, counts per outcome, zone and topic, closings only beside their response, hidden
proposals counted not shown, no personal data, a fixed number of queries."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.models import Proposal
from tests.factories import ActionPlanFactory, CommitmentFactory
from tests.proposals.factories import CallFactory, ProposalFactory, ProposerContactFactory, ZonalAdministrationFactory

pytestmark = pytest.mark.django_db
Status = Proposal.Status
REASON = "No es competencia municipal; la remitimos al Ministerio de Educación."


@pytest.fixture
def plan():
    plan = ActionPlanFactory(slug="segundo-plan")
    call = CallFactory(plan=plan)
    norte = ZonalAdministrationFactory(name="Eugenio Espejo")
    commitment = CommitmentFactory(plan=plan, code="ECQTO0001")
    incorporated = ProposalFactory(call=call, zone=norte, title="Datos de movilidad", response="La incorporamos.")
    incorporated.commitments.add(commitment)
    incorporated.change_status(status=Status.INCORPORATED)
    refused = ProposalFactory(call=call, zone=norte, title="Escuela nueva", response=REASON)
    refused.change_status(status=Status.NOT_ACCEPTED)
    ProposalFactory(call=call, title="Mercado abierto")  # pending
    closed_unanswered = ProposalFactory(call=call, title="Cierre sin respuesta")
    Proposal.objects.filter(pk=closed_unanswered.pk).update(status=Status.NOT_ACCEPTED)  # an old row, before the rule
    hidden = ProposalFactory(call=call, title="Publicidad")
    hidden.hide(reason="Contenido publicitario.")
    ProposerContactFactory(proposal=refused, email="secreto@example.org")
    ProposalFactory(title="De otro plan")
    return plan


def test_every_proposal_with_what_became_of_it(client, plan):
    content = client.get("/planes/segundo-plan/respuestas/").content.decode()
    assert "Registro de respuestas" in content
    for title in ["Datos de movilidad", "Escuela nueva", "Mercado abierto", "Cierre sin respuesta"]:
        assert title in content
    assert "De otro plan" not in content and "Publicidad" not in content
    assert 'href="/compromisos/ECQTO0001/"' in content
    assert REASON in content
    assert "Además, 1 propuesta fue ocultada por la moderación" in content
    assert "secreto@example.org" not in content


def test_counts_per_outcome_read_closings_only_beside_their_response(client, plan):
    response = client.get("/planes/segundo-plan/respuestas/")
    by_outcome = dict((row["key"], row["total"]) for row in response.context["counts"][0][1])
    # The closing without a response reads "under review", like on its own page.
    assert by_outcome == {"incorporated": 1, "not_accepted": 1, "received": 1, "under_review": 1}
    by_zone = {row["label"]: row["total"] for row in response.context["counts"][1][1]}
    assert by_zone["Eugenio Espejo"] == 2


def test_the_csv_has_one_row_per_public_proposal_and_no_personal_data(client, plan):
    response = client.get("/planes/segundo-plan/respuestas.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["title"] for row in rows} == {
        "Datos de movilidad",
        "Escuela nueva",
        "Mercado abierto",
        "Cierre sin respuesta",
    }
    refused = next(row for row in rows if row["title"] == "Escuela nueva")
    assert (refused["outcome"], refused["response"]) == ("not_accepted", REASON)
    assert next(row for row in rows if row["title"] == "Datos de movilidad")["commitments"] == "ECQTO0001"
    assert next(row for row in rows if row["title"] == "Cierre sin respuesta")["outcome"] == "under_review"
    assert "secreto@example.org" not in text and "email" not in rows[0]


def test_unknown_plan_and_english(client, plan):
    assert client.get("/planes/no-existe/respuestas/").status_code == 404
    assert "Register of responses" in client.get("/en/planes/segundo-plan/respuestas/").content.decode()


@pytest.mark.parametrize("extra", [0, 6])
def test_a_fixed_number_of_queries(client, plan, extra):
    call = plan.calls.get()
    for _ in range(extra):
        ProposalFactory(call=call, zone=ZonalAdministrationFactory()).commitments.add(CommitmentFactory(plan=plan))
    client.get("/planes/segundo-plan/respuestas/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/planes/segundo-plan/respuestas/").status_code == 200
    # plan, count, page, commitments of the page, outcome, zone and topic counts, hidden count
    assert len(queries) == 8, [query["sql"] for query in queries]


def test_the_plan_page_links_to_its_register(client, plan):
    assert 'href="/planes/segundo-plan/respuestas/"' in client.get(plan.get_absolute_url()).content.decode()


def test_a_moderator_sees_the_hidden_proposal_in_the_list_and_no_separate_count(client, plan):
    from proposals.models import MODERATION_GROUP
    from tests.factories import staff_user

    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    content = client.get("/planes/segundo-plan/respuestas/").content.decode()
    assert "Publicidad" in content
    assert "ocultada por la moderación" not in content
