"""The public forms' limits, through the views, on the shared counters (the database here, as without Redis)."""

import pytest

from proposals.models import Proposal
from tests.proposals.test_views import CREATE_URL, TRACK_URL, call, form_data, submit, zone  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_counters(settings):
    settings.RATELIMIT_REDIS_URL = ""


def test_a_form_sent_back_with_mistakes_does_not_use_up_the_limit(client, call, zone, settings):  # noqa: F811
    settings.PROPOSALS_SUBMISSIONS_PER_HOUR = 2
    for _ in range(4):
        assert submit(client, {**form_data(zone), "problem": ""}).status_code == 200
    for _ in range(2):
        assert submit(client, form_data(zone)).status_code == 302
    assert submit(client, form_data(zone)).status_code == 429
    assert Proposal.objects.count() == 2


def test_one_ipv6_network_shares_the_submission_limit(client, call, zone, settings):  # noqa: F811
    settings.PROPOSALS_SUBMISSIONS_PER_HOUR = 1
    assert submit(client, form_data(zone), REMOTE_ADDR="2001:db8:5:6::1").status_code == 302
    assert submit(client, form_data(zone), REMOTE_ADDR="2001:db8:5:6::2").status_code == 429
    assert submit(client, form_data(zone), REMOTE_ADDR="2001:db8:5:7::1").status_code == 302


def test_lookups_are_counted_in_the_shared_store(client, settings):
    settings.PROPOSALS_LOOKUPS_PER_HOUR = 2
    for _ in range(2):
        assert client.get(TRACK_URL, {"code": "QGA-222-222-222"}).status_code == 200
    assert client.get(TRACK_URL, {"code": "QGA-222-222-222"}).status_code == 429
