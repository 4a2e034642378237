"""Where every request learns who is asking: the one place the client's address is worked out."""

from ratelimits.limits import client_ip, client_network


class ClientIpMiddleware:
    """Set `request.client_ip` and `request.client_network` for the views and everything after this middleware.

    `client_ip` is the visitor's address: REMOTE_ADDR, or behind DJANGO_PROXY_COUNT trusted proxies the entry of
    X-Forwarded-For the nearest of them saw. `client_network` is the unit a rate limit counts: that address, or for
    IPv6 its /64 network (one subscriber's LAN). Views read these attributes; none parses headers itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        request.client_network = client_network(request.client_ip)
        return self.get_response(request)
