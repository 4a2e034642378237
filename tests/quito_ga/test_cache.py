import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

# Nothing listens on this port: every cache operation fails to connect.
UNREACHABLE = {
    "default": {
        "BACKEND": "quito_ga.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=UNREACHABLE)
def test_cache_operations_degrade_while_redis_is_unreachable():
    cache = caches.create_connection("default")
    assert cache.get("key", "fallback") == "fallback"
    cache.set("key", "value")
    assert cache.add("key", "value") is False
    assert cache.incr("counter") == 1
    assert cache.get_or_set("generation", 1) == 1
    assert cache.delete("key") is False


@override_settings(CACHES=UNREACHABLE, PAGE_CACHE_SECONDS=300)
def test_pages_are_served_uncached_while_redis_is_down(client):
    assert type(caches["default"]).__name__ == "ResilientRedisCache"
    OrganizationFactory(name="Secretaría General de Planificación", slug="sgp")
    assert client.get("/").status_code == 200
    assert client.get("/instituciones/sgp/").status_code == 200
    assert client.get("/salud/").status_code == 200
