"""The public pages run a fixed number of queries whatever the amount of data (seed_demo at scale 1 and 3:
1,000 and 3,000 proposals, already paginated, so a count that grew with the rows would differ)."""

import pytest
from django.core.management import call_command

from proposals.models import Proposal

pytestmark = pytest.mark.django_db

# After a warm-up request has cached the demo-notice flag. List: the open call, the count, the page and the
# call, zone and parish choices of the filters (a zone filter adds the lookup of the chosen zone).
# Detail: the proposal, its timeline, its commitments and the council sessions that discussed it.
LIST_QUERIES = 6
FILTERED_LIST_QUERIES = 7
SEARCH_QUERIES = 5  # the capped results are read once, without a count
DETAIL_QUERIES = 4
# Form: the open call, the zones and the parishes with their zones. Tracking: the rate-limit counter (one upsert
# of one row, in the database when there is no Redis) and the code lookup.
FORM_QUERIES = 3
TRACK_QUERIES = 2


@pytest.fixture(params=[1, 3], ids=["scale-1", "scale-3"])
def seeded(request):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=request.param)
    return request.param


def answered_proposal():
    return (
        Proposal.objects.filter(status=Proposal.Status.INCORPORATED, commitments__isnull=False).order_by("pk").first()
    )


def test_public_pages_run_a_fixed_number_of_queries(client, seeded, django_assert_num_queries):
    proposal = answered_proposal()
    assert proposal is not None and proposal.events.count() == 3
    client.get("/propuestas/")  # warms the cached demo-notice flag
    client.get("/propuestas/seguimiento/", {"code": "QGA-222-222-222"})  # starts this client's rate-limit window
    for language in ("", "/en"):
        with django_assert_num_queries(LIST_QUERIES):
            assert client.get(f"{language}/propuestas/").status_code == 200
        with django_assert_num_queries(FILTERED_LIST_QUERIES):
            response = client.get(f"{language}/propuestas/", {"status": "incorporated", "zone": proposal.zone_id})
        assert proposal in response.context["object_list"] or response.context["paginator"].count > 20
        with django_assert_num_queries(SEARCH_QUERIES):
            response = client.get(f"{language}/propuestas/", {"q": "participacion ciudadana"})
        assert response.context["paginator"].count > 0
        with django_assert_num_queries(DETAIL_QUERIES):
            assert client.get(f"{language}/propuestas/{proposal.code}/").status_code == 200
        with django_assert_num_queries(FORM_QUERIES):
            assert client.get(f"{language}/propuestas/nueva/").status_code == 200
        with django_assert_num_queries(TRACK_QUERIES):
            assert client.get(f"{language}/propuestas/seguimiento/", {"code": "QGA-222-222-222"}).status_code == 200
