import io
import json
import logging

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from quito_ga.urls import handler400, handler403, handler404, handler500, urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AXES_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]


def test_pages_send_the_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/")["X-Request-ID"], client.get("/")["X-Request-ID"]
    assert first and second and first != second


def test_a_well_formed_incoming_request_id_is_kept_and_a_forged_one_replaced(client):
    assert client.get("/", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"] == "lb-1234abcd"
    assert client.get("/", headers={"X-Request-ID": "<script>\n"})["X-Request-ID"] != "<script>\n"


def test_log_lines_are_json_with_the_request_id(client):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "stream", None) is not None)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = client.get("/no-existe/")
    finally:
        handler.setStream(previous)
    record = json.loads(stream.getvalue().splitlines()[-1])
    assert record["level"] == "WARNING"
    assert record["logger"] == "django.request"
    assert record["request_id"] == response["X-Request-ID"]


def _login(client, password):
    return client.post("/admin/login/?next=/admin/", {"username": "coordinador", "password": password})


@override_settings(AUTHENTICATION_BACKENDS=AXES_BACKENDS, AXES_FAILURE_LIMIT=3)
def test_admin_login_is_locked_after_repeated_failures_with_a_clear_message():
    UserFactory(username="coordinador", is_staff=True, password=factory_password())
    client = Client()
    for _attempt in range(2):
        assert _login(client, "wrong").status_code == 200
    response = _login(client, "wrong")
    assert response.status_code == 429
    assert "Demasiados intentos fallidos" in response.content.decode()
    # Even the right password is refused while locked out.
    assert _login(client, factory_password()).status_code == 429


@override_settings(AUTHENTICATION_BACKENDS=AXES_BACKENDS, AXES_FAILURE_LIMIT=3)
def test_an_administrator_can_unlock_a_locked_account():
    UserFactory(username="coordinador", is_staff=True, password=factory_password())
    client = Client()
    for _attempt in range(3):
        _login(client, "wrong")
    call_command("axes_reset_username", "coordinador")
    response = _login(client, factory_password())
    assert response.status_code == 302


def factory_password():
    return "clave-de-prueba-segura"


def _database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


class DownUrls:
    handler400, handler403, handler404, handler500 = handler400, handler403, handler404, handler500
    urlpatterns = [path("caida/", _database_down), path("en/caida/", _database_down), *urlpatterns]


@override_settings(ROOT_URLCONF=DownUrls)
@pytest.mark.parametrize(
    ("url", "text"),
    [("/caida/", "Servicio no disponible temporalmente"), ("/en/caida/", "Service temporarily unavailable")],
)
def test_database_outage_gets_a_friendly_503_in_the_users_language(url, text):
    client = Client(raise_request_exception=False)
    if url.startswith("/en/"):
        client.cookies.load({"django_language": "en"})
    response = client.get(url, headers={"Accept-Language": "en" if url.startswith("/en/") else "es"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert text in content
    assert "Traceback" not in content


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (2, "203.0.113.9", "10.0.0.2"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(rf, settings, proxies, forwarded, expected):
    from ratelimits.limits import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
