"""The proposal change list never counts the whole table: its count stops at a cap (a LIMITed subquery) and past
it the list says "more than"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.admin import CappedCountPaginator
from proposals.models import MODERATION_GROUP
from tests.factories import staff_user
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db
URL = "/admin/proposals/proposal/"


@pytest.fixture
def moderator_client(client):
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    return client


def test_past_the_cap_the_list_says_more_than_and_counts_no_further(moderator_client, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        ProposalFactory()
    with CaptureQueriesContext(connection) as queries:
        content = moderator_client.get(URL).content.decode()
    assert "Más de 3 propuestas ciudadanas" in content
    counts = [
        query["sql"] for query in queries if "COUNT(" in query["sql"].upper() and "proposals_proposal" in query["sql"]
    ]
    assert counts and all("LIMIT 3" in sql.upper() for sql in counts), counts


def test_under_the_cap_the_list_gives_the_exact_count(moderator_client):
    for _ in range(2):
        ProposalFactory()
    content = moderator_client.get(URL).content.decode()
    assert "2 propuestas ciudadanas" in content and "Más de" not in content
