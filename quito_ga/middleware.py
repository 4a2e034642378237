import contextvars
import logging
import re
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")
# Accept a load balancer's request id only when it looks like one; never echo arbitrary input into logs.
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdFilter(logging.Filter):
    """Add the current request's id to every log record."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    """Give every request an id, returned as X-Request-ID and written on every log line it causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain has returned.
        request_id_var.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response
