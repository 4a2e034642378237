"""The published serializers' planned `to_representation` gives exactly DRF's output (opendata/representation.py)."""

import json
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework import serializers as drf
from rest_framework.relations import Hyperlink
from rest_framework.request import Request

from opendata import api
from opendata.datasets import DATASETS
from opendata.representation import FastRepresentation, _hyperlink_writer
from opendata.serializers import OrganizationSerializer

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def api_request(query=""):
    return Request(RequestFactory(HTTP_HOST="testserver").get(f"/api/v1/compromisos/{query}"))


def typed(rows):
    """The rows with each value's type, so a Hyperlink and a plain string do not compare equal."""
    return json.dumps([{name: [type(value).__name__, value] for name, value in row.items()} for row in rows])


@pytest.mark.parametrize("query", ["", "?format=json"])
def test_every_dataset_gives_what_drf_gives(portal, query):
    request = api_request(query)
    for dataset in DATASETS:
        assert issubclass(dataset.serializer, FastRepresentation), dataset.slug
        rows = list(dataset.queryset()[:40])
        assert rows, dataset.slug
        planned = dataset.serializer(rows, many=True, context={"request": request}).data
        reference = dataset.serializer(context={"request": request})
        expected = [drf.Serializer.to_representation(reference, row) for row in rows]
        assert typed(planned) == typed(expected), dataset.slug
        # The detail as well (one record, a fresh serializer).
        one = dataset.serializer(rows[0], context={"request": request}).data
        assert typed([one]) == typed(expected[:1]), dataset.slug


def test_a_lookup_value_that_needs_quoting_goes_through_drf():
    field = OrganizationSerializer(context={"request": api_request()}).fields["url"]
    write = _hyperlink_writer(field)
    for slug in ["cdd", "demo-cp_2", "año", "a b", "a.b"]:
        record = SimpleNamespace(pk=1, slug=slug)
        try:
            expected = field.to_representation(record)
        except Exception as error:  # DRF refuses it (a dot does not match the lookup): so must the fast path
            with pytest.raises(type(error)):
                write(record)
            continue
        assert write(record) == expected and isinstance(write(record), Hyperlink), slug
    assert write(SimpleNamespace(pk=None, slug="x")) is None


def test_the_api_routes_use_the_lookup_pattern_the_fast_hyperlinks_assume():
    # representation.PLAIN_VALUE (letters, digits, - and _) must always match the router's lookup pattern.
    lookups = [url.pattern.regex.pattern for url in api.router.urls if "(?P<" in url.pattern.regex.pattern]
    assert lookups
    for pattern in lookups:
        assert ">[^/.]+)" in pattern, pattern


def test_the_commitment_page_and_slugs_give_what_drf_gives_with_or_without_the_annotations(portal):
    # The dataset's rows carry the plan's and the lead's slugs (related_value) and the page comes from the route
    # reversed once; plain rows (no annotation, deferred fields) go through DRF: the same output either way.
    from commitments.models import Commitment
    from opendata.serializers import CommitmentSerializer

    request = api_request()
    dataset = next(dataset for dataset in DATASETS if dataset.slug == "compromisos")
    reference = CommitmentSerializer(context={"request": request})
    for rows in (
        list(dataset.queryset()),
        list(Commitment.objects.order_by("code")),
        list(Commitment.objects.only("pk")),
    ):
        planned = CommitmentSerializer(rows, many=True, context={"request": request}).data
        expected = [drf.Serializer.to_representation(reference, row) for row in rows]
        assert typed(planned) == typed(expected)
    # ... and the planned readers are the ones that give the final value (not DRF's per record).
    plan = {name: write for name, _read, write in reference._representation_plan()}
    assert plan["page"] is None and plan["plan"] is None and plan["lead"] is None
