"""Property-based tests: arbitrary input on every public form and query parameter never breaks the portal.

Whatever a visitor or a bot sends (any Unicode, control characters, huge or empty values, wrong types), the
answer is a page with a clear message or the unfiltered list, never a server error, and a rejected form
stores nothing.
"""

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.models import Proposal, ProposerContact

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
# Any text, including control characters, surrogates-free Unicode, NUL and very long values.
anything = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000),
    st.sampled_from(["", " ", "\x00", "0", "-1", "99999999999999999999", "1e309", "NaN", "[]", "{}", "%", "'; --"]),
    st.integers().map(str),
)

LISTS = {
    "/compromisos/": ["q", "plan", "lead", "value", "status", "page"],
    "/consejo/sesiones/": ["year", "status", "page"],
    "/propuestas/": ["q", "call", "zone", "parish", "status", "topic", "page"],
    "/api/v1/compromisos/": ["plan__slug", "lead__slug", "ogp_values__key", "page", "page_size"],
    "/api/v1/propuestas/": ["status", "topic", "zone__slug", "call__id", "page", "page_size"],
    "/api/v1/sesiones/": ["status", "kind", "scheduled_on__gte", "scheduled_on__lte", "page"],
}


@pytest.fixture
def portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def client_without_limits(settings):
    settings.PROPOSALS_LOOKUPS_PER_HOUR = 10**9
    settings.PROPOSALS_SUBMISSIONS_PER_HOUR = 10**9
    return Client()


@pytest.mark.parametrize("url", LISTS)
def test_list_filters_never_break(portal, settings, url):
    client = client_without_limits(settings)

    @FUZZ
    @given(values=st.fixed_dictionaries({}, optional={name: anything for name in LISTS[url]}))
    def check(values):
        response = client.get(url, values)
        assert response.status_code in {200, 400, 404}, (url, values, response.status_code)

    check()


@FUZZ
@given(code=anything)
def test_tracking_lookup_answers_clearly(portal, settings, code):
    client = client_without_limits(settings)
    response = client.get("/propuestas/seguimiento/", {"code": code})
    assert response.status_code in {200, 302}
    if response.status_code == 200 and code.strip():
        assert "errorlist" in response.content.decode() or "código" in response.content.decode().lower()


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            name: anything
            for name in [
                "title",
                "problem",
                "solution",
                "topic",
                "zone",
                "parish",
                "name",
                "email",
                "phone",
                "organization",
                "age_range",
                "gender",
                "consent",
                "started",
                "website",
            ]
        },
    )
)
def test_a_rejected_proposal_form_stores_nothing_and_explains_why(portal, settings, fields):
    client = client_without_limits(settings)
    before = Proposal.objects.count(), ProposerContact.objects.count()
    response = client.post("/propuestas/nueva/", fields)
    assert response.status_code in {200, 302, 429}
    if response.status_code == 200:
        assert "errorlist" in response.content.decode()
        assert (Proposal.objects.count(), ProposerContact.objects.count()) == before
