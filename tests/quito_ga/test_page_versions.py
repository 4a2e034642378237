"""The anonymous page cache keyed on the versions of what each page shows (quito_ga/page_versions.py).

Runs against the locmem cache of tests/conftest.py, and the tests marked `redis` again against Redis DB 7 (the
real backend's MGET and `add` lock); those are skipped without Redis, except in CI, which has it.
"""

import datetime
import os
import threading
import time
import uuid

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from commitments.models import Evidence, Milestone
from quito_ga import page_versions
from quito_ga.middleware import AnonymousPageCacheMiddleware
from tests.council.factories import AgendaItemFactory, MilestoneReviewFactory
from tests.factories import CommitmentFactory, MilestoneFactory
from tests.proposals.factories import ProposalFactory, ProposerContactFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("PAGE_CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache on, over locmem and over Redis DB 7. On Redis each test writes under a key prefix of its
    own and deletes only those keys afterwards: test runs sharing the database never see each other's entries."""
    settings.PAGE_CACHE_SECONDS = 300
    if request.param == "locmem":
        yield request.param
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI must provide it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": "quito_ga.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    try:
        yield request.param
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        # Back to locmem before tests/conftest.py clears "the" cache: on Redis that would flush the whole database.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _spanish():
    """get_absolute_url() follows the active language, which an earlier test's English request may have left."""
    with translation.override("es"):
        yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as a committed transaction: the test's own transaction never commits, so on_commit
    callbacks are run at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def outcome(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response["X-Cache"], response.content.decode()


def slot(path):
    return AnonymousPageCacheMiddleware(None)._slot(RequestFactory().get(path))[0]


@pytest.fixture
def two_commitments():
    first = MilestoneFactory(title="Hito primero original").commitment
    second = MilestoneFactory(title="Hito segundo original").commitment
    return first, second


def test_a_page_is_rendered_once_then_served_from_the_cache(client, page_cache, two_commitments):
    path = two_commitments[0].get_absolute_url()
    assert outcome(client, path)[0] == "miss"
    assert outcome(client, path)[0] == "hit"


def test_a_copy_stored_between_a_staff_save_and_its_commit_is_not_served_after_the_commit(
    client, page_cache, commit, two_commitments
):
    path = two_commitments[0].get_absolute_url()
    with commit():
        milestone = Milestone.objects.get(commitment=two_commitments[0])
        milestone.title = "Hito primero corregido"
        milestone.save()
        # A request inside the transaction stores the page under the versions before the commit: the bump
        # comes only with the commit, so nothing is bumped yet.
        assert outcome(client, path)[0] == "miss"
        assert outcome(client, path)[0] == "hit"
    state, content = outcome(client, path)
    assert state == "miss"
    assert "Hito primero corregido" in content


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two connections that isolate (PostgreSQL)")
def test_a_render_from_another_connection_during_a_staff_transaction_is_not_served_stale(settings, two_commitments):
    """The race of issue 14: a visitor's request, on its own connection, renders the old rows while the staff
    transaction is open; after the commit, no visitor gets that copy."""
    settings.PAGE_CACHE_SECONDS = 300
    path = two_commitments[0].get_absolute_url()
    rendered = {}

    def visitor():
        try:
            rendered["outcome"] = outcome(Client(), path)
        finally:
            close_old_connections()
            connection.close()

    with transaction.atomic():
        milestone = Milestone.objects.get(commitment=two_commitments[0])
        milestone.title = "Hito primero corregido"
        milestone.save()
        thread = threading.Thread(target=visitor)
        thread.start()
        thread.join()
    state, content = rendered["outcome"]
    assert state == "miss" and "Hito primero original" in content  # the old rows, stored in the cache
    state, content = outcome(Client(), path)
    assert state == "miss"
    assert "Hito primero corregido" in content


def test_editing_one_commitment_leaves_the_other_commitments_page_cached(client, page_cache, commit, two_commitments):
    first, second = two_commitments
    outcome(client, first.get_absolute_url())
    outcome(client, second.get_absolute_url())
    with commit():
        milestone = Milestone.objects.get(commitment=first)
        milestone.title = "Hito primero corregido"
        milestone.save()
    assert outcome(client, second.get_absolute_url())[0] == "hit"
    state, content = outcome(client, first.get_absolute_url())
    assert state == "miss" and "Hito primero corregido" in content


def test_a_council_review_of_a_milestone_invalidates_its_commitments_page(client, page_cache, commit, two_commitments):
    first, second = two_commitments
    milestone = Milestone.objects.get(commitment=first)
    update = milestone.report(
        progress=100, note="Informe final", evidence=[Evidence(title="Informe", url="https://example.org/informe")]
    )
    outcome(client, first.get_absolute_url())
    outcome(client, second.get_absolute_url())
    with commit():
        MilestoneReviewFactory(milestone=milestone, update=update)
    assert outcome(client, first.get_absolute_url())[0] == "miss"
    assert outcome(client, second.get_absolute_url())[0] == "hit"


def test_a_citizens_proposal_invalidates_the_proposal_lists_and_its_own_page_only(
    client, page_cache, commit, two_commitments
):
    earlier = ProposalFactory(title="Propuesta anterior")  # its call and zone exist before the citizen comes
    pages = ["/", "/compromisos/", two_commitments[0].get_absolute_url(), "/consejo/", "/planes/"]
    for path in [*pages, "/propuestas/", earlier.get_absolute_url()]:
        outcome(client, path)
    with commit():
        proposal = ProposalFactory(title="Propuesta ciudadana recién enviada", call=earlier.call, zone=earlier.zone)
        ProposerContactFactory(proposal=proposal)
    for path in pages:
        assert outcome(client, path)[0] == "hit", path
    assert outcome(client, earlier.get_absolute_url())[0] == "hit"
    state, content = outcome(client, "/propuestas/")
    assert state == "miss" and "Propuesta ciudadana recién enviada" in content
    with commit():
        proposal.title = "Propuesta ciudadana corregida"
        proposal.save()
    assert outcome(client, earlier.get_absolute_url())[0] == "hit"
    assert "corregida" in outcome(client, proposal.get_absolute_url())[1]


def test_a_code_rename_drops_both_codes_pages_and_the_old_address_redirects(
    client, page_cache, commit, two_commitments
):
    first, second = two_commitments
    old = first.get_absolute_url()
    outcome(client, old)
    outcome(client, second.get_absolute_url())
    assert outcome(client, old)[0] == "hit"
    with commit():
        first.code = "ECQTO0990"
        first.save()
    assert {"commitment:ECQTO0990", f"commitment:{second.code}"} & set(page_versions.names_for(first)) == {
        "commitment:ECQTO0990"
    }
    response = client.get(old)
    assert (response.status_code, response["Location"], response["X-Cache"]) == (301, "/compromisos/ECQTO0990/", "miss")
    assert client.get(old).status_code == 301  # the redirect is never stored in place of the old page
    state, content = outcome(client, "/compromisos/ECQTO0990/")
    assert state == "miss" and "ECQTO0990" in content
    assert outcome(client, second.get_absolute_url())[0] == "hit"


def test_a_renamed_commitments_old_and_new_codes_are_both_bumped(two_commitments):
    first = two_commitments[0]
    old_code = first.code
    first.code = "ECQTO0991"
    first.save()
    names = set(page_versions.names_for(first))
    assert {f"commitment:{old_code}", "commitment:ECQTO0991", "commitments", f"plan:{first.plan.slug}"} <= names
    first.title = "Sin cambio de código"
    first.save()
    assert f"commitment:{old_code}" not in page_versions.names_for(first)


def test_history_records_bump_nothing(client, page_cache, commit, two_commitments):
    path = two_commitments[0].get_absolute_url()
    outcome(client, path)
    record = Milestone.objects.get(commitment=two_commitments[0]).history.first()
    with commit():
        record.history_change_reason = "Corrección de un error tipográfico"
        record.save()
    assert outcome(client, path)[0] == "hit"


def test_an_out_of_date_page_is_served_stale_while_another_request_renders_it(
    client, page_cache, commit, two_commitments
):
    path = two_commitments[0].get_absolute_url()
    outcome(client, path)
    with commit():
        milestone = Milestone.objects.get(commitment=two_commitments[0])
        milestone.title = "Hito primero corregido"
        milestone.save()
    assert cache.add(f"{slot(path)}:lock", 1, 10)  # another request is rendering it
    state, content = outcome(client, path)
    assert state == "stale" and "Hito primero original" in content
    cache.delete(f"{slot(path)}:lock")  # it finished (and would have stored the new copy)
    state, content = outcome(client, path)
    assert state == "miss" and "Hito primero corregido" in content
    assert outcome(client, path)[0] == "hit"


def test_an_expired_page_is_served_stale_while_locked_and_the_lock_is_released_after_rendering(
    client, page_cache, settings, two_commitments, monkeypatch
):
    path = two_commitments[0].get_absolute_url()
    outcome(client, path)
    later = time.time() + settings.PAGE_CACHE_DATED_SECONDS + 1
    monkeypatch.setattr("quito_ga.middleware.time.time", lambda: later)
    assert cache.add(f"{slot(path)}:lock", 1, 10)
    assert outcome(client, path)[0] == "stale"
    cache.delete(f"{slot(path)}:lock")
    assert outcome(client, path)[0] == "miss"
    assert cache.add(f"{slot(path)}:lock", 1, 10)  # the renderer released its lock
    assert outcome(client, path)[0] == "hit"


def test_pages_that_change_with_the_clock_expire_sooner_than_pages_that_change_with_saves_and_the_date(
    client, page_cache, settings, two_commitments, monkeypatch
):
    settings.PAGE_CACHE_DATED_SECONDS = 3600
    commitment = two_commitments[0].get_absolute_url()
    for path in ["/", commitment]:
        outcome(client, path)
    later = time.time() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr("quito_ga.middleware.time.time", lambda: later)
    assert outcome(client, "/")[0] == "miss"  # whether a call is open may have changed: rendered again
    assert outcome(client, commitment)[0] == "hit"  # only a save or a new day changes it
    much_later = time.time() + settings.PAGE_CACHE_DATED_SECONDS + 1
    monkeypatch.setattr("quito_ga.middleware.time.time", lambda: much_later)
    assert outcome(client, commitment)[0] == "miss"


def test_a_new_day_makes_every_page_out_of_date(client, page_cache, two_commitments, monkeypatch):
    path = two_commitments[0].get_absolute_url()
    outcome(client, path)
    assert outcome(client, path)[0] == "hit"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("quito_ga.middleware.timezone.localdate", lambda: tomorrow)
    assert outcome(client, path)[0] == "miss"  # statuses and "delayed" follow the date
    assert outcome(client, path)[0] == "hit"


def test_a_milestone_text_only_its_commitments_page_shows_leaves_the_lists_cached(
    client, page_cache, commit, two_commitments
):
    first, second = two_commitments
    lists = ["/", "/compromisos/", "/planes/", first.plan.get_absolute_url(), second.get_absolute_url()]
    data = ["/datos/", "/api/v1/hitos/"]
    for path in [*lists, *data, first.get_absolute_url()]:
        outcome(client, path)
    with commit():
        milestone = Milestone.objects.get(commitment=first)
        milestone.means_of_verification = "Informe firmado y publicado en el portal"
        milestone.save()
    assert set(page_versions.names_for(milestone)) == {"records:commitments", f"commitment:{first.code}"}
    for path in lists:
        assert outcome(client, path)[0] == "hit", path
    for path in data:
        assert outcome(client, path)[0] == "miss", path  # the datasets publish every field
    state, content = outcome(client, first.get_absolute_url())
    assert state == "miss" and "Informe firmado y publicado en el portal" in content
    with commit():
        milestone = Milestone.objects.get(commitment=first)
        milestone.title = "Hito primero con otro título"  # the home, sessions and institution pages show titles
        milestone.save()
    assert outcome(client, "/compromisos/")[0] == "miss"
    with commit():
        milestone.delete()
    assert outcome(client, "/compromisos/")[0] == "miss"


def test_unknown_query_parameters_are_dropped_from_the_key(client, page_cache, two_commitments):
    outcome(client, "/compromisos/?q=prueba")
    assert outcome(client, "/compromisos/?utm_source=boletin&q=prueba&_=12345")[0] == "hit"
    assert slot("/compromisos/?fbclid=abc") == slot("/compromisos/")
    assert slot("/compromisos/?q=agua") != slot("/compromisos/")


def test_english_pages_are_keyed_on_the_same_versions(client, page_cache, commit, two_commitments):
    path = f"/en/compromisos/{two_commitments[0].code}/"
    outcome(client, path)
    with commit():
        milestone = Milestone.objects.get(commitment=two_commitments[0])
        milestone.title = "Hito primero corregido"
        milestone.save()
    assert outcome(client, path)[0] == "miss"


def test_every_model_of_the_content_apps_says_what_its_changes_invalidate():
    labels = {
        model._meta.label_lower
        for app in page_versions.CONTENT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and not model._meta.proxy
    }
    assert labels - set(page_versions.BUMPS) - page_versions.SHOWN_NOWHERE == set()


def test_a_commitment_change_bumps_its_page_its_plan_and_the_lists_but_not_other_commitments():
    first, second = CommitmentFactory(), CommitmentFactory()
    names = page_versions.names_for(first)
    assert {"commitments", f"commitment:{first.code}", f"plan:{first.plan.slug}"} <= set(names)
    assert f"commitment:{second.code}" not in names
    assert "proposals" not in names and "council" not in names


def test_a_proposal_on_the_agenda_bumps_the_session_and_the_proposal_and_a_proposal_edit_its_sessions():
    proposal, other = ProposalFactory(), ProposalFactory()
    item = AgendaItemFactory()
    item.set_proposals([proposal.code])
    reference = item.proposal_references.get()
    names = set(page_versions.names_for(reference))
    assert {f"session:{item.session.number}", f"proposal:{proposal.code}"} <= names
    assert f"proposal:{other.code}" not in names
    assert f"session:{item.session.number}" in page_versions.names_for(proposal)  # its title shows on the session
    assert not any(name.startswith("session:") for name in page_versions.names_for(other))


def test_made_up_parameters_never_reach_the_page_stored_for_everyone(client, page_cache, two_commitments):
    response = client.get("/compromisos/", {"utm_source": "boletin-enlace-trucado", "q": "prueba"})
    assert "boletin-enlace-trucado" not in response.content.decode()
    assert "boletin-enlace-trucado" not in client.get("/compromisos/?q=prueba").content.decode()


def test_the_api_still_refuses_an_unknown_parameter_when_its_list_is_cached(client, page_cache, two_commitments):
    assert client.get("/api/v1/compromisos/").status_code == 200
    assert client.get("/api/v1/compromisos/")["X-Cache"] == "hit"
    response = client.get("/api/v1/compromisos/", {"utm_source": "boletin"})
    assert response.status_code == 400
    assert "X-Cache" not in response
