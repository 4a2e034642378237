"""A commitment's page lists the public proposals that shaped it: the 10 most recent, whatever their number, in
one query, saying when more are linked (a demo commitment at 100x data is linked to hundreds)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CommitmentFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def proposal_section(client, commitment):
    html = client.get(commitment.get_absolute_url()).content.decode()
    start = html.index('aria-labelledby="proposals-heading"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("linked", [3, 12])
def test_the_most_recent_ten_are_listed_in_one_query(client, linked):
    commitment = CommitmentFactory()
    proposals = ProposalFactory.create_batch(linked)
    for proposal in proposals:
        proposal.commitments.add(commitment)
    client.get(commitment.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        section = proposal_section(client, commitment)
    listed = [proposal for proposal in proposals if proposal.code in section]
    assert listed == proposals[-10:]  # the most recent first, at most 10
    assert ("más propuestas vinculadas" in section) == (linked > 10)
    assert len([sql for sql in queries.captured_queries if "proposals_proposal" in sql["sql"]]) == 1
