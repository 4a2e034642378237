"""The back office stays fast with a lot of data: its busiest lists and forms run under 20 queries."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import Milestone
from council.models import Session
from proposals.models import Proposal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def latest_objects():
    return Milestone.objects.last(), Proposal.objects.last(), Session.objects.filter(status="held").last()


def admin_query_counts(client, milestone, proposal, session):
    urls = [
        "/admin/commitments/milestone/",
        f"/admin/commitments/milestone/{milestone.pk}/change/",
        "/admin/proposals/proposal/",
        f"/admin/proposals/proposal/{proposal.pk}/change/",
        "/admin/council/session/",
        f"/admin/council/session/{session.pk}/change/",
    ]
    counts = {}
    client.get("/admin/")  # writes the session's activity stamp, renewed every few minutes, not per request
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url.split("/")[3] + (" change" if "change" in url else " list")] = len(queries)
    return counts


def test_busiest_admin_pages_run_under_20_queries_at_any_size(client):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    small = admin_query_counts(client, *latest_objects())
    call_command("seed_demo", scale=3)  # the demo data is made anew: compare lists, bound the forms
    large = admin_query_counts(client, *latest_objects())
    # The session form lists one session's agenda, attendance, agreements and verifications: its count follows
    # that session's rows (about 35 for a full demo session), never the size of the database.
    for counts in (small, large):
        assert max(count for page, count in counts.items() if page != "session change") < 20, str(counts)
        assert counts["session change"] < 40, str(counts)
    lists = [page for page in small if page.endswith("list")]
    assert {page: large[page] for page in lists} == {page: small[page] for page in lists}


@pytest.mark.parametrize("role", ["secretaria", "consejero"])
def test_council_roles_pick_milestones_by_search_but_cannot_edit_them(client, role):
    from django.contrib.auth import get_user_model

    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    client.force_login(get_user_model().objects.get(username=role))
    milestone = Milestone.objects.select_related("commitment").filter(commitment__code="DEMOQ0003").first()
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "council", "model_name": "milestonereview", "field_name": "milestone", "term": "DEMOQ0003"},
    )
    assert response.status_code == 200
    assert str(milestone.pk) in {item["id"] for item in response.json()["results"]}
    change = client.post(f"/admin/commitments/milestone/{milestone.pk}/change/", {"title": "Cambiado"})
    assert change.status_code == 403
    milestone.refresh_from_db()
    assert milestone.title != "Cambiado"


def role_pages(username):
    """The admin pages each role works in, with the object its home points to first."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    milestone = Milestone.objects.editable_by(user).by_urgency().first()
    proposal = Proposal.objects.awaiting_answer().first()
    milestone_pages = [
        "/admin/commitments/milestone/",
        "/admin/commitments/milestone/?pendiente=vencidos",
        f"/admin/commitments/milestone/{milestone.pk}/change/" if milestone else None,
        f"/admin/commitments/progressupdate/add/?milestone={milestone.pk}" if milestone else None,
        "/admin/commitments/progressupdate/",
    ]
    pages = {
        "editor": milestone_pages,
        "coordinador": milestone_pages,
        "moderador": ["/admin/proposals/proposal/", f"/admin/proposals/proposal/{proposal.pk}/change/"],
        "secretaria": ["/admin/council/agreement/", "/admin/council/minutes/"],
        "consejero": ["/admin/council/agreement/", "/admin/council/minutes/"],
    }
    return user, ["/admin/", *filter(None, pages[username])]


def role_query_counts(client):
    counts = {}
    for username in ["editor", "coordinador", "moderador", "secretaria", "consejero"]:
        user, urls = role_pages(username)
        client.force_login(user)
        client.get("/admin/")  # the session's activity stamp
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, (username, url)
            page = url.split("?")[0].rstrip("/").split("/")
            kind = "change" if page[-1] in ("change", "add") else "list"
            counts[(username, "/".join(page[2:4]) or "index", kind, "?" in url)] = len(queries)
    return counts


def test_each_roles_admin_pages_run_a_fixed_number_of_queries_under_20(client):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    small = role_query_counts(client)
    call_command("seed_demo", scale=3)  # three times the demo world, made anew
    large = role_query_counts(client)
    assert max(small.values()) <= 20 and max(large.values()) <= 20, (small, large)
    # Lists and homes cost the same at any size; a form follows its own object's rows (its reports), bounded above.
    fixed = [page for page in small if page[2] == "list"]
    assert {page: large[page] for page in fixed} == {page: small[page] for page in fixed}


def test_a_change_list_row_checkbox_is_the_stock_markup_written_directly(client):
    from commitments.models import COORDINATION_GROUP
    from tests.factories import MilestoneFactory, staff_user

    milestone = MilestoneFactory()
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    content = client.get("/admin/commitments/milestone/").content.decode()
    assert (
        f'<input type="checkbox" name="_selected_action" value="{milestone.pk}" class="action-select" '
        f'aria-label="Seleccione este objeto para una acción - {milestone.commitment.code}'
    ) in content


def test_proposal_list_has_no_date_drill_down_and_no_full_count(client):
    from proposals.models import MODERATION_GROUP
    from tests.factories import staff_user
    from tests.proposals.factories import ProposalFactory

    ProposalFactory()
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/proposals/proposal/")
    sql = " ".join(query["sql"] for query in queries)
    assert "DISTINCT" not in sql.upper() or "created_at" not in sql  # no year list built from every proposal
    assert sum("COUNT(" in query["sql"].upper() for query in queries) == 1
    assert "xfull" not in response.content.decode()


def test_editable_status_column_is_written_directly_and_named(client):
    from council.models import SECRETARIAT_GROUP, Agreement
    from tests.council.factories import AgreementFactory
    from tests.factories import staff_user

    agreement = AgreementFactory(status=Agreement.Status.IN_PROGRESS)
    client.force_login(staff_user("secretaria", SECRETARIAT_GROUP))
    content = client.get("/admin/council/agreement/").content.decode()
    assert (
        '<select name="form-0-status" aria-label="Estado" id="id_form-0-status">'
        '<option value="pending">Pendiente</option><option value="in_progress" selected>En curso</option>'
    ) in content
    assert f'name="form-0-id" value="{agreement.pk}"' in content


def test_proposal_form_lists_are_written_directly_with_the_stock_markup(client):
    from proposals.models import MODERATION_GROUP
    from tests.factories import staff_user
    from tests.proposals.factories import ProposalFactory

    proposal = ProposalFactory()
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    content = client.get(f"/admin/proposals/proposal/{proposal.pk}/change/").content.decode()
    assert f'<option value="{proposal.topic}" selected>' in content
    assert '<select name="topic" id="id_topic" required><option value="">- Elija una opción -</option>' in content
    assert f'<option value="{proposal.zone_id}" selected>{proposal.zone}</option>' in content
