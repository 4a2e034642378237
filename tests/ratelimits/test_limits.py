import threading

import pytest
from django.db import connection

from ratelimits import limits
from ratelimits.models import Counter

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def database_counters(settings):
    settings.RATELIMIT_REDIS_URL = ""


@pytest.fixture
def redis_counters(settings, monkeypatch):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("These tests need Redis on 127.0.0.1:6379 (CI starts it).")
    client.flushdb()
    settings.RATELIMIT_REDIS_URL = REDIS_URL
    monkeypatch.setattr(limits, "_redis_client", None)
    yield client
    client.flushdb()


def test_attempts_are_counted_in_the_database_and_refused_over_the_limit(database_counters):
    assert [limits.attempt("scope", "1.2.3.4", limit=3) for _ in range(5)] == [True, True, True, False, False]
    assert Counter.objects.get().count == 3  # refused attempts are not kept
    assert limits.attempt("scope", "5.6.7.8", limit=3)


def test_counters_keep_no_address(database_counters):
    limits.attempt("scope", "203.0.113.9", limit=3)
    assert "203.0.113.9" not in Counter.objects.get().key


def test_a_released_attempt_is_given_back(database_counters):
    for _ in range(3):
        assert limits.attempt("scope", "1.2.3.4", limit=3)
    limits.release("scope", "1.2.3.4")
    assert limits.attempt("scope", "1.2.3.4", limit=3)
    assert not limits.attempt("scope", "1.2.3.4", limit=3)


def test_an_expired_window_starts_again(database_counters):
    assert limits.attempt("scope", "1.2.3.4", limit=1, window=3600)
    Counter.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert limits.attempt("scope", "1.2.3.4", limit=1)
    assert Counter.objects.get().count == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_in_many_threads_never_pass_the_limit(database_counters):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("An in-memory SQLite test database is not shared between threads; PostgreSQL runs this test.")
    barrier, results = threading.Barrier(12), []

    def hit():
        barrier.wait()
        try:
            results.append(limits.attempt("race", "1.2.3.4", limit=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5
    assert Counter.objects.get().count == 5


def test_redis_counters_are_shared_and_atomic(redis_counters):
    barrier, results = threading.Barrier(12), []

    def hit():
        barrier.wait()
        results.append(limits.attempt("race", "1.2.3.4", limit=5))

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 5
    assert not Counter.objects.exists()
    ttl = max(redis_counters.ttl(key) for key in redis_counters.keys("ratelimit:*"))
    assert 0 < ttl <= 3600


def test_limits_still_hold_per_process_while_redis_is_down(settings, monkeypatch):
    settings.RATELIMIT_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(limits, "_redis_client", None)
    monkeypatch.setattr(limits, "_local", limits.LocalCounters(max_keys=100))
    assert [limits.attempt("scope", "1.2.3.4", limit=2) for _ in range(3)] == [True, True, False]


def test_the_local_fallback_keeps_a_bounded_number_of_keys():
    local = limits.LocalCounters(max_keys=3)
    for number in range(10):
        local.add(f"key-{number}", 1, 60)
    assert len(local._counters) == 3
    assert local.current("key-9") == 1 and local.current("key-0") == 0


@pytest.mark.parametrize(
    ("address", "unit"),
    [
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("198.51.100.7", "198.51.100.7"),
    ],
)
def test_ipv6_clients_are_counted_per_64_network(address, unit):
    assert limits.client_network(address) == unit


def test_two_addresses_of_one_ipv6_network_share_a_limit(database_counters):
    assert limits.attempt("scope", limits.client_network("2001:db8::1"), limit=1)
    assert not limits.attempt("scope", limits.client_network("2001:db8::ffff:2"), limit=1)
    assert limits.attempt("scope", limits.client_network("2001:db8:0:1::1"), limit=1)


def test_finished_windows_are_deleted_when_a_new_one_starts(database_counters):
    limits.attempt("scope", "1.1.1.1", limit=3)
    Counter.objects.update(expires_at="2000-01-01T00:00:00Z")
    limits.attempt("scope", "2.2.2.2", limit=3)
    assert Counter.objects.count() == 1
