"""Open-data pages and API lists run a fixed number of queries, whatever the amount of data."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opendata.datasets import BY_SLUG as DATASETS_BY_SLUG
from opendata.datasets import DATASETS

pytestmark = pytest.mark.django_db

URLS = ["/datos/", "/datos/api/"] + [f"/api/v1/{dataset.slug}/" for dataset in DATASETS]


def query_counts(client):
    counts = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_data(client):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    small = query_counts(client)
    call_command("seed_demo", scale=3)
    large = query_counts(client)
    assert large == small
    assert max(small.values()) <= 12

    # The largest download streams in chunks of a thousand records: a few queries per chunk, never per row.
    rows = DATASETS_BY_SLUG["propuestas"].queryset().count()
    assert rows > 2_000  # several chunks
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/datos/propuestas.csv")
        assert response.streaming
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    assert lines >= rows + 1
    assert len(queries) <= 2 * (rows // 1000 + 1) + 2


def test_streamed_downloads_read_the_data_in_chunks_not_per_row(client):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)
    dataset = next(dataset for dataset in DATASETS if dataset.slug == "avances")
    rows = dataset.queryset().count()
    assert rows > 100
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(client.get("/datos/avances.csv").streaming_content)
    assert body.count(b"\n") == rows + 1
    assert len(queries) < 10
