import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _spanish():
    """Requests under /en/ leave English active in the test's thread; every test starts in Spanish."""
    translation.activate("es")
    yield
    translation.activate("es")
