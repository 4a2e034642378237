"""Personal data never leaves the moderation admin: not on any public page, in either language, nor in the logs."""

import itertools
import logging
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from commitments.models import ActionPlan
from opendata.models import ReportArchive, RepositoryArchive
from proposals.models import Proposal
from tests.proposals.factories import form_data

pytestmark = pytest.mark.django_db

SENTINELS = {
    "name": "Zoila Centinela Quispillo",
    "email": "zoila.centinela.zx@example.org",
    "phone": "0991357913",
    "organization": "Colectivo Centinela Zx",
}
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
NOT_PUBLIC = ("admin/",)


def public_routes():
    """Every route of the portal outside the admin, as path templates like 'propuestas/<str:code>/'."""
    with translation.override("es"):
        yield from _walk(get_resolver().url_patterns, "")


def _walk(patterns, prefix):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(NOT_PUBLIC) or route.startswith("^"):
            continue
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def candidate_values(name):
    """Values for a URL parameter, taken from every model field of that name (a few per model)."""
    values = []
    for model in apps.get_models():
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: S112 - the model simply has no such field
            continue
        if isinstance(field, models.Field) and not field.is_relation:
            values += [str(value) for value in model.objects.values_list(name, flat=True)[:2]]
    return values or ["1", "x"]


def urls_for(route):
    names = [match.group("name") for match in PARAMETER.finditer(route)]
    for combination in itertools.islice(itertools.product(*(candidate_values(name) for name in names)), 12):
        url = route
        for value in combination:
            url = PARAMETER.sub(value, url, count=1)
        yield "/" + url


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_clean(text, where):
    for label, value in SENTINELS.items():
        assert value not in text, f"the proposer's {label} appears in {where}"


def test_personal_data_appears_on_no_public_page_and_in_no_log(client, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    zone = Proposal.objects.first().zone
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/propuestas/nueva/", form_data(zone, **SENTINELS))
    assert response.status_code == 302
    proposal = Proposal.objects.get(contact__email=SENTINELS["email"])
    with django_capture_on_commit_callbacks(execute=True):
        proposal.answer(text="Respuesta pública.", status=Proposal.Status.ACCEPTED)
    assert_clean(client.get("/propuestas/nueva/enviada/").content.decode(), "the confirmation page")
    for plan in ActionPlan.objects.all():  # the task worker's ZIPs (repository, report), which the walk downloads
        RepositoryArchive.build(plan)
        ReportArchive.build(plan)

    requested = 0
    for route in public_routes():
        for url in urls_for(route):
            for prefix in ("", "/en"):
                response = client.get(prefix + url)
                assert response.status_code < 500, prefix + url
                assert_clean(body_of(response).decode(errors="replace"), prefix + url)
                requested += 1
    for query in SENTINELS.values():
        response = client.get("/propuestas/", {"q": query})
        # The page echoes the query itself; what matters is that personal data is not searchable.
        assert response.context["paginator"].count == 0, f"a search for {query} finds the proposal"
    assert_clean(client.get(proposal.get_absolute_url()).content.decode(), "the proposal page")
    assert requested > 20
    assert_clean(caplog.text, "the logs")
