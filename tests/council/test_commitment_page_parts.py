"""What the council and the proposals add to the commitment page through commitments/extensions.py: how many
milestones the council verified, and the public proposals that shaped the commitment; and the roadmap as a list
for phones beside the chart for wider screens."""

import datetime

import pytest

from tests.council.factories import MilestoneReviewFactory, held_session
from tests.council.test_views import members  # noqa: F401 (a fixture)
from tests.factories import MilestoneFactory
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_the_header_says_how_many_milestones_the_council_verified(client, members):  # noqa: F811
    verified = MilestoneFactory(title="Mesa técnica instalada", order=1)
    commitment = verified.commitment
    not_verified = MilestoneFactory(commitment=commitment, order=2)
    MilestoneFactory(commitment=commitment, order=3)  # never reviewed
    session = held_session(members, present=3, number=51, scheduled_on=datetime.date(2023, 3, 1))
    for milestone, outcome in [(verified, "verified"), (not_verified, "not_verified")]:
        update = milestone.report(progress=40, reported_on=datetime.date(2023, 2, 1))
        MilestoneReviewFactory(session=session, milestone=milestone, update=update, outcome=outcome)
    html = client.get(commitment.get_absolute_url()).content.decode()
    i = html.find("council-verified-count")
    assert "1 de 3 hitos verificados por el Consejo" in html, html[i : i + 120]


def test_the_public_proposals_that_shaped_it_are_listed_with_links(client):
    milestone = MilestoneFactory()
    commitment = milestone.commitment
    shaped = ProposalFactory(title="Datos abiertos de movilidad")
    hidden = ProposalFactory(title="Propuesta oculta", is_hidden=True, hidden_reason="Datos personales.")
    for proposal in (shaped, hidden):
        proposal.commitments.add(commitment)
    html = client.get(commitment.get_absolute_url()).content.decode()
    assert "Propuestas ciudadanas que le dieron forma" in html
    assert f'href="{shaped.get_absolute_url()}"' in html and "Datos abiertos de movilidad" in html
    assert "Propuesta oculta" not in html


def test_the_roadmap_is_a_list_on_phones_and_a_keyboard_scrollable_chart_wider(client):
    milestone = MilestoneFactory(title="Diagnóstico participativo")
    html = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert 'class="roadmap-list"' in html and 'class="roadmap-wide"' in html
    assert 'class="timeline-scroll" role="region" aria-labelledby="timeline-title" tabindex="0"' in html


def test_cards_say_how_many_milestones_the_council_verified_at_its_latest_review(client, members):  # noqa: F811
    first = MilestoneFactory(order=1)
    commitment = first.commitment
    second = MilestoneFactory(commitment=commitment, order=2)
    MilestoneFactory(commitment=commitment, order=3)  # never reviewed
    commitment.refresh_summary()
    earlier = held_session(members, present=3, number=61, scheduled_on=datetime.date(2023, 3, 1))
    later = held_session(members, present=3, number=62, scheduled_on=datetime.date(2023, 4, 1))
    for milestone in (first, second):
        update = milestone.report(progress=40, reported_on=datetime.date(2023, 2, 1))
        MilestoneReviewFactory(session=earlier, milestone=milestone, update=update, outcome="verified")
    # The second milestone's latest review withdraws the verification; the first keeps it, with observations.
    MilestoneReviewFactory(session=later, milestone=second, update=second.updates.first(), outcome="not_verified")
    MilestoneReviewFactory(session=later, milestone=first, update=first.updates.first(), outcome="observations")
    for url in ("/compromisos/", commitment.plan.get_absolute_url(), commitment.lead.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "1 de 3 hitos verificados por el Consejo" in html, url
    assert "1 of 3 milestones verified by the Council" in client.get("/en/compromisos/").content.decode()
