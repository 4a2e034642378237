"""The demonstration world lives apart from the real record, across every app (issue 11, tests b and e).

The checks are generic: they walk every model, foreign key and many-to-many the apps define, so a new model or
relation is covered without touching this file.
"""

import datetime
import itertools

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import models
from django.utils import timezone

pytestmark = pytest.mark.django_db

# Dates of things that have already happened when the demo is seeded: none of them may lie in the future.
# model label: (lookup telling a demo row, {extra filter}, [date or datetime fields])
HAPPENED = {
    "commitments.ActionPlan": ("is_demo", {}, ["submitted_on"]),
    "commitments.Milestone": ("is_demo", {}, ["last_reported_on", "completed_on"]),
    "commitments.ProgressUpdate": ("milestone__is_demo", {}, ["reported_on", "created_at"]),
    "commitments.Evidence": ("update__milestone__is_demo", {}, ["dated_on", "created_at"]),
    "council.Session": ("is_demo", {}, ["convened_on"]),
    "council.Session#held": ("is_demo", {"status": "held"}, ["scheduled_on"]),
    "council.Minutes": ("session__is_demo", {}, ["approved_on", "published_on"]),
    "council.Erratum": ("minutes__session__is_demo", {}, ["recorded_on"]),
    "proposals.Proposal": ("is_demo", {}, ["created_at", "responded_at", "closed_at"]),
    "proposals.StatusEvent": ("proposal__is_demo", {}, ["created_at"]),
    "proposals.ProposerContact": ("proposal__is_demo", {}, ["consented_at", "anonymised_at"]),
}

# The demo does not have to show these.
MAYBE_ABSENT = {"council.Erratum"}


def has_demo_flag(model):
    return any(field.name == "is_demo" for field in model._meta.concrete_fields)


def concrete_models():
    return [model for model in apps.get_models(include_auto_created=True) if not model._meta.proxy]


def demo_capable_keys(model):
    """The model's foreign keys (and one-to-ones) to models that mark their demo rows."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.many_to_one | field.one_to_one and has_demo_flag(field.related_model)
    ]


def crossings(model):
    """Lookups that find rows of `model` tying a demo row to a real one; many-to-many tables are models too."""
    keys = demo_capable_keys(model)
    if has_demo_flag(model):
        for key in keys:
            yield f"demo row -> real {key.name}", {"is_demo": True, f"{key.name}__is_demo": False}
            yield f"real row -> demo {key.name}", {"is_demo": False, f"{key.name}__is_demo": True}
        return
    # Rows without a flag of their own (attendance, agreements, progress updates, link tables) take their
    # side from what they point at: they may not point at both worlds at once.
    for first, second in itertools.permutations(keys, 2):
        yield (
            f"demo {first.name} with real {second.name}",
            {f"{first.name}__is_demo": True, f"{second.name}__is_demo": False},
        )


def links_between_the_worlds():
    found = []
    for model in concrete_models():
        for label, lookup in crossings(model):
            count = model._default_manager.filter(**lookup).count()
            if count:
                found.append(f"{model._meta.label}: {label} ({count} rows)")
    return found


def dump_every_row():
    """Every row of every table, serialized; the same bytes mean the same data."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in concrete_models()
    }


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in concrete_models()}


def demo_rows_left():
    return {
        model._meta.label: count
        for model in concrete_models()
        if has_demo_flag(model) and (count := model._default_manager.filter(is_demo=True).count())
    }


@pytest.fixture
def seeded():
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=3, verbosity=0)


def test_no_row_ties_the_demonstration_world_to_the_real_one(seeded):
    links = links_between_the_worlds()
    assert not links, "\n".join(links)


def test_the_relation_walk_sees_the_cross_app_links():
    relations = {(model._meta.label, label) for model in concrete_models() for label, _lookup in crossings(model)}
    assert ("commitments.Commitment", "demo row -> real lead") in relations
    assert ("commitments.Commitment_co_responsible", "demo commitment with real organization") in relations
    assert ("commitments.Milestone", "demo row -> real responsible") in relations
    assert ("council.Agreement", "demo session with real responsible_organization") in relations
    assert ("council.Attendance", "demo session with real member") in relations
    assert ("proposals.Proposal_commitments", "demo proposal with real commitment") in relations
    assert ("proposals.Call", "demo row -> real plan") in relations


def test_no_demonstration_date_of_something_that_happened_lies_in_the_future(seeded):
    now, today = timezone.now(), timezone.localdate()
    future = []
    for key, (demo_lookup, extra, names) in HAPPENED.items():
        model = apps.get_model(key.split("#")[0])
        rows = model._default_manager.filter(**{demo_lookup: True}, **extra)
        assert rows.exists() or key in MAYBE_ABSENT, f"the demo has no {key} to check"
        for name in names:
            field = model._meta.get_field(name)
            assert isinstance(field, models.DateField), (key, name)  # DateTimeField is a DateField too
            limit = now if isinstance(field, models.DateTimeField) else today
            count = rows.filter(**{f"{name}__gt": limit}).count()
            if count:
                future.append(f"{key}.{name}: {count} rows after {limit:%Y-%m-%d}")
    assert not future, "\n".join(future)


def test_seeding_the_demonstration_twice_adds_nothing(seeded):
    counts = row_counts()
    call_command("seed_demo", scale=3, verbosity=0)
    assert row_counts() == counts


def test_purge_demo_removes_every_demo_row_and_leaves_the_real_rows_byte_identical(django_capture_on_commit_callbacks):
    call_command("load_quito_plan", verbosity=0)
    real = dump_every_row()
    call_command("seed_demo", scale=3, verbosity=0)
    assert demo_rows_left()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_demo", verbosity=0)
    assert demo_rows_left() == {}
    after = dump_every_row()
    assert [label for label in real if after[label] != real[label]] == []


def test_demo_dates_follow_the_day_of_seeding(seeded):
    from commitments.models import ProgressUpdate

    latest = ProgressUpdate.objects.filter(milestone__is_demo=True).order_by("-reported_on").first().reported_on
    assert timezone.localdate() - latest < datetime.timedelta(days=60)
