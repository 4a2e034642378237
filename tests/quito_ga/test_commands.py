"""The project's data commands call each app's loaders explicitly, in dependency order, and pass them the data."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

import commitments.loaders
import council.loaders
import opendata.loaders
import proposals.loaders
from quito_ga.management.commands.load_quito_plan import DATA_FILE, PARISHES_FILE

pytestmark = pytest.mark.django_db


def recording(monkeypatch, function_name, modules, result):
    calls = []
    for module in modules:
        label = module.__name__.partition(".")[0]

        def record(*args, _label=label, **kwargs):
            calls.append((_label, args, kwargs))
            return result

        monkeypatch.setattr(module, function_name, record)
    return calls


def test_load_quito_plan_passes_the_parsed_files_to_each_app_in_order(monkeypatch, tmp_path):
    calls = recording(
        monkeypatch, "load_plan_facts", [commitments.loaders, council.loaders, proposals.loaders], "cargado"
    )
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["plan"]["marker"] = "the file given with --file"
    other = tmp_path / "plan.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("load_quito_plan", file=other, stdout=out)
    parishes = json.loads(PARISHES_FILE.read_text(encoding="utf-8"))
    assert calls == [
        ("commitments", (data,), {}),
        ("council", (data,), {}),
        ("proposals", (data, parishes), {}),
    ]
    for label in ("commitments", "council", "proposals"):  # each line named after its app, in the active language
        assert f"{apps.get_app_config(label).verbose_name}: cargado" in out.getvalue()


def test_seed_demo_seeds_each_app_in_dependency_order(monkeypatch, settings):
    settings.DEMO_PASSWORD = "demo-test-password"
    calls = recording(
        monkeypatch,
        "seed_demo",
        [commitments.loaders, council.loaders, proposals.loaders],
        {"summary": "hecho", "accounts": []},
    )
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    assert [label for label, _args, _kwargs in calls] == ["commitments", "council", "proposals"]
    assert all(kwargs["scale"] == 2 and kwargs["password"] == "demo-test-password" for _l, _a, kwargs in calls)
    assert calls[2][2]["data"] == json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert calls[2][2]["parishes"] == json.loads(PARISHES_FILE.read_text(encoding="utf-8"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_seed_demo_leaves_the_planner_statistics_of_what_it_loaded(settings):
    settings.DEMO_PASSWORD = "demo-test-password"
    call_command("seed_demo", scale=1, stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'council_session'")
        assert cursor.fetchone()[0] > 0  # -1 until the table is analysed


def test_purge_demo_purges_in_reverse_dependency_order(monkeypatch):
    modules = [commitments.loaders, council.loaders, proposals.loaders, opendata.loaders]
    calls = recording(monkeypatch, "purge_demo", modules, "nada")
    call_command("purge_demo", stdout=io.StringIO())
    assert [label for label, _args, _kwargs in calls] == ["opendata", "proposals", "council", "commitments"]
