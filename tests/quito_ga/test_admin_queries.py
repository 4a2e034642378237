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
