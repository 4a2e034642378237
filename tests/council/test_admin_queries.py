"""The council's admin pages cost O(page): the same number of queries, at most 20, whatever the data size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Agreement
from tests.council.factories import AgendaItemFactory, CouncilMemberFactory, MinutesFactory, held_session
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def build(scale):
    """`2 * scale` held sessions with `3 * scale` members, agenda, agreements and draft minutes."""
    members = CouncilMemberFactory.create_batch(3 * scale)
    sessions = [held_session(members, present=2 * scale) for _ in range(2 * scale)]
    for session in sessions:
        for order in range(1, scale + 1):
            AgendaItemFactory(session=session, order=order)
            Agreement.objects.create(session=session, number=order, text="Acuerdo", due_on=datetime.date(2030, 1, 1))
        MinutesFactory(session=session)
    return sessions


def pages(sessions):
    first, minutes = sessions[0], sessions[0].minutes
    return {
        "session list": reverse("admin:council_session_changelist"),
        "session form": reverse("admin:council_session_change", args=[first.pk]),
        "recording": reverse("admin:council_session_record", args=[first.pk]),
        "minutes list": reverse("admin:council_minutes_changelist"),
        "minutes form": reverse("admin:council_minutes_change", args=[minutes.pk]),
        "approval": reverse("admin:council_minutes_approve", args=[minutes.pk]),
        "agreement list": reverse("admin:council_agreement_changelist"),
    }


def count_queries(client, url):
    client.get(url)  # warm per-process caches (content types, permissions of the session user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("group", [SECRETARIAT_GROUP, COUNCIL_GROUP])
def test_council_admin_pages_run_a_fixed_number_of_queries(client, group):
    client.force_login(staff_user("persona", group))
    counts = []
    for scale in (1, 3):
        sessions = build(scale)
        counts.append({name: count_queries(client, url) for name, url in pages(sessions).items()})
    small, large = counts
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large
