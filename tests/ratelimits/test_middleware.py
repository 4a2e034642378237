"""ClientIpMiddleware works out the client's address once per request; views read it from the request."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ratelimits.middleware import ClientIpMiddleware


def seen_by_the_view(settings, proxies, **meta):
    settings.PROXY_COUNT = proxies
    seen = {}

    def view(request):
        seen.update(client_ip=request.client_ip, client_network=request.client_network)
        return HttpResponse()

    ClientIpMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


@pytest.mark.parametrize(
    ("proxies", "meta", "address", "network"),
    [
        (0, {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "198.51.100.7", "198.51.100.7"),
        (1, {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}, "203.0.113.9", "203.0.113.9"),
        (
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "2001:db8:1:2::9"},
            "2001:db8:1:2::9",
            "2001:db8:1:2::/64",
        ),
        (0, {"REMOTE_ADDR": "::ffff:198.51.100.7"}, "::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_request_carries_the_address_behind_trusted_proxies_and_its_rate_limit_unit(
    settings, proxies, meta, address, network
):
    assert seen_by_the_view(settings, proxies, **meta) == {"client_ip": address, "client_network": network}


def test_the_middleware_is_installed_before_any_view_can_need_it(settings):
    order = settings.MIDDLEWARE
    assert order.index("ratelimits.middleware.ClientIpMiddleware") < order.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


@pytest.mark.django_db
def test_views_see_the_address_through_the_whole_stack(client, settings):
    settings.PROXY_COUNT = 1
    response = client.get("/salud/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.wsgi_request.client_ip == "203.0.113.9"
    assert response.wsgi_request.client_network == "203.0.113.9"
