"""commitments/extensions.py: how another app adds to the commitment page without commitments importing it."""

import datetime

import pytest
from django.db.models import Prefetch

from commitments import extensions
from commitments.models import Commitment
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_the_council_registers_the_one_extension_there_is():
    prefetches = extensions.milestone_prefetches()
    assert [(prefetch.prefetch_through, prefetch.to_attr) for prefetch in prefetches] == [
        ("council_reviews", "council_reviews_shown")
    ]


def test_a_prefetch_needs_the_name_the_template_reads_and_registering_it_again_replaces_it(monkeypatch):
    monkeypatch.setattr(extensions, "_milestone_prefetches", {})
    with pytest.raises(ValueError):
        extensions.add_milestone_prefetch(Prefetch("responsible"))
    first = Prefetch("responsible__staff", to_attr="staff_shown")
    again = Prefetch("responsible__staff", to_attr="staff_shown")
    extensions.add_milestone_prefetch(first)
    extensions.add_milestone_prefetch(again)
    assert extensions.milestone_prefetches() == [again]


def test_each_registered_prefetch_costs_one_query_whatever_the_number_of_milestones(django_assert_num_queries):
    milestone = MilestoneFactory()
    MilestoneFactory.create_batch(2, commitment=milestone.commitment)
    extra = [Prefetch("responsible__staff", to_attr="staff_shown")]
    with django_assert_num_queries(6):  # commitment, values, co-responsible, milestones, updates, the extension
        commitment = Commitment.objects.for_page(milestone_prefetches=extra).get(pk=milestone.commitment.pk)
        assert all(item.responsible.staff_shown == [] for item in commitment.milestones.all())


def test_the_commitment_page_works_with_no_extension_registered(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(extensions, "_milestone_prefetches", {})
    monkeypatch.setattr(extensions, "_commitment_attributes", {})
    milestone = MilestoneFactory(title="Mesa técnica instalada")
    milestone.report(progress=40, reported_on=datetime.date(2023, 2, 1))
    client.get("/")  # caches the demo-notice flag
    with django_assert_num_queries(6):  # the page's own queries, without the council's reviews or the proposals
        response = client.get(milestone.commitment.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mesa técnica instalada" in html
    assert 'class="verification"' not in html


def test_a_commitment_attribute_is_fetched_for_the_one_commitment_the_page_shows(client, monkeypatch):
    monkeypatch.setattr(extensions, "_milestone_prefetches", {})
    monkeypatch.setattr(extensions, "_commitment_attributes", {})
    seen = []
    extensions.add_commitment_attribute("proposals_shown", lambda commitment: seen.append(commitment.pk) or ["x"])
    extensions.add_commitment_attribute("proposals_shown", lambda commitment: seen.append(-commitment.pk) or [])
    commitment = MilestoneFactory().commitment
    assert client.get(commitment.get_absolute_url()).status_code == 200
    assert seen == [-commitment.pk]  # registered again: the later function replaced the earlier one
