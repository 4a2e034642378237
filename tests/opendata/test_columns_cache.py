"""/datos/ documents each dataset's columns from its serializer once per process and language, not per request."""

from unittest import mock

import pytest

from opendata import serializers
from opendata.datasets import serializer_columns

pytestmark = pytest.mark.django_db


def test_columns_are_built_once_per_language_and_translated(client):
    serializer_columns.cache_clear()
    serializer = serializers.CommitmentSerializer
    original = serializer.get_fields
    with mock.patch.object(serializer, "get_fields", autospec=True, side_effect=original) as built:
        spanish = client.get("/datos/").content.decode()
        client.get("/datos/")
        english = client.get("/en/datos/").content.decode()
        client.get("/en/datos/")
    assert built.call_count == 2  # once in Spanish, once in English, whatever the number of requests
    assert "Título, en español." in spanish
    assert "Title, in Spanish." in english
