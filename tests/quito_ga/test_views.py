import json

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def test_home_page_in_spanish(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="es">' in content
    assert "Gobierno Abierto Quito" in content
    assert "Saltar al contenido principal" in content
    assert "Declaración de accesibilidad" in content


def test_home_page_in_english(client):
    response = client.get("/en/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Skip to main content" in content
    assert "Accessibility statement" in content


def test_language_switcher_keeps_the_current_page(client):
    content = client.get("/accesibilidad/").content.decode()
    assert 'href="/en/accesibilidad/" lang="en"' in content
    content = client.get("/en/accesibilidad/").content.decode()
    assert 'href="/accesibilidad/" lang="es"' in content


@pytest.mark.parametrize(
    ("url", "text"),
    [("/accesibilidad/", "WCAG) 2.2 en el nivel AA"), ("/en/accesibilidad/", "Report a barrier")],
)
def test_accessibility_statement(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_accessibility_statement_is_spanish_at_the_root(client):
    assert "Informar de una barrera" in client.get("/accesibilidad/").content.decode()


@pytest.mark.parametrize(
    ("url", "text"),
    [("/no-existe/", "Página no encontrada"), ("/en/does-not-exist/", "Page not found")],
)
def test_not_found_page_in_the_users_language(client, url, text):
    response = client.get(url)
    assert response.status_code == 404
    content = response.content.decode()
    assert text in content
    assert 'class="site-header"' in content


def _boom(request):
    raise RuntimeError("boom")


def _denied(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def _bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


class ErrorUrls:
    from quito_ga.urls import handler400, handler403, handler404, handler500, urlpatterns

    urlpatterns = [path("boom/", _boom), path("denied/", _denied), path("bad/", _bad), *urlpatterns]


@override_settings(ROOT_URLCONF=ErrorUrls)
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [("/boom/", 500, "Algo salió mal"), ("/denied/", 403, "Acceso denegado"), ("/bad/", 400, "Solicitud incorrecta")],
)
def test_error_pages_use_the_portal_layout(url, status, text):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == status
    content = response.content.decode()
    assert text in content
    assert "Gobierno Abierto Quito" in content


def test_health_check_reports_a_working_database(client):
    response = client.get("/salud/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}


def test_health_check_returns_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    response = client.get("/salud/")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


def test_admin_is_branded(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Gobierno Abierto Quito — Administración" in response.content.decode()


def test_pages_send_a_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
