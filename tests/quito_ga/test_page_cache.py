import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from commitments.models import Organization
from quito_ga.urls import urlpatterns
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def organization_names(request):
    names = ", ".join(Organization.objects.order_by("name").values_list("name", flat=True))
    return HttpResponse(names)


def form_page(request):
    from django.middleware.csrf import get_token

    return HttpResponse(get_token(request))


class CacheUrls:
    urlpatterns = [path("nombres/", organization_names), path("formulario/", form_page), *urlpatterns]


cached = override_settings(ROOT_URLCONF=CacheUrls, PAGE_CACHE_SECONDS=300)


@cached
def test_anonymous_page_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    OrganizationFactory(name="Secretaría General de Planificación")
    assert "Planificación" in client.get("/nombres/").content.decode()
    with django_assert_num_queries(0):
        assert "Planificación" in client.get("/nombres/").content.decode()


@cached
def test_a_staff_edit_is_visible_on_the_very_next_request(client, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(name="Secretaría General de Planificación")
    client.get("/nombres/")
    with django_capture_on_commit_callbacks(execute=True):
        organization.name = "Secretaría de Planificación Renombrada"
        organization.save()
    assert "Renombrada" in client.get("/nombres/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organization.delete()
    assert "Renombrada" not in client.get("/nombres/").content.decode()


@cached
def test_pages_for_signed_in_users_are_never_cached(client, django_assert_max_num_queries):
    OrganizationFactory(name="Secretaría General de Planificación")
    client.force_login(UserFactory(is_staff=True))
    client.get("/nombres/")
    Organization.objects.update(name="Cambio sin señales")  # no signal: only a fresh render shows it
    assert "Cambio sin señales" in client.get("/nombres/").content.decode()


@cached
def test_pages_that_carry_a_csrf_token_are_never_cached(client):
    first = client.get("/formulario/").content
    client.cookies.clear()
    assert client.get("/formulario/").content != first


@override_settings(ROOT_URLCONF=CacheUrls, PAGE_CACHE_SECONDS=0)
def test_the_cache_is_off_without_a_shared_cache(client):
    OrganizationFactory(name="Secretaría General de Planificación")
    client.get("/nombres/")
    Organization.objects.update(name="Cambio sin señales")
    assert "Cambio sin señales" in client.get("/nombres/").content.decode()
