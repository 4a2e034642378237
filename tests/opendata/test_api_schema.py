"""Every API endpoint answers as its OpenAPI schema says: no server error, every response valid."""

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings

from quito_ga.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
# Valid requests must get valid answers. Type-mismatched input is covered by the fuzz tests, which only
# require no server error: the API, like the site, reads an empty filter as no filter.
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], deterministic=True)


@pytest.fixture
def demo_data(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_quito_plan")
        call_command("seed_demo", scale=1)


# Transactional, since the requests go through the WSGI application.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, demo_data):
    case.call_and_validate()
