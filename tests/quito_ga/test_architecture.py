"""The import directions of docs/architecture.md, read from the source with `ast`.

Every `import` and `from … import` counts, wherever it is (module level, inside a function, under `if
TYPE_CHECKING`), and so do `import_module("…")` / `__import__("…")` calls with a literal name. A failure names each
file and line that breaks a rule.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "quito_ga"
CONTENT_APPS = {"commitments", "council", "proposals", "opendata", "subscriptions"}
APPS = CONTENT_APPS | {"ratelimits"}
FIRST_PARTY = APPS | {PROJECT}

# (app, the packages it must not import, why)
RULES = [
    *((app, {PROJECT}, "apps never import the project package") for app in sorted(APPS)),
    ("commitments", FIRST_PARTY - {"commitments"}, "commitments imports no other app"),
    ("proposals", {"council"}, "proposals and council do not import each other"),
    ("council", {"proposals"}, "proposals and council do not import each other"),
    *(
        (app, {"subscriptions"}, "subscriptions follows commitments, council and proposals; they never import it")
        for app in ("commitments", "council", "proposals")
    ),
    ("subscriptions", {"opendata"}, "subscriptions may import commitments, council and proposals, not opendata"),
    ("ratelimits", CONTENT_APPS, "ratelimits imports no content app"),
]


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts), parts[-1] == "__init__"


def imported_names(source, module="", is_package=False):
    """(line, dotted name) of every module the source imports, relative imports resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if package else []
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module
            yield node.lineno, name
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if called in {"import_module", "__import__"} and literal:
                yield node.lineno, first.value


def app_files(app):
    return sorted(path for path in (ROOT / app).rglob("*.py") if ".venv" not in path.parts)


def app_imports(app):
    for path in app_files(app):
        module, is_package = module_name(path)
        for line, name in imported_names(path.read_text(encoding="utf-8"), module, is_package):
            yield path.relative_to(ROOT), line, name


@pytest.mark.parametrize(("app", "forbidden", "rule"), RULES, ids=[f"{app}: {rule}" for app, _f, rule in RULES])
def test_apps_import_only_in_the_allowed_directions(app, forbidden, rule):
    assert app_files(app), f"no Python files found for {app}"
    breaks = [
        f"{path}:{line} imports {name}" for path, line, name in app_imports(app) if name.partition(".")[0] in forbidden
    ]
    assert not breaks, f"{rule}; broken by:\n" + "\n".join(breaks)


def test_the_reader_sees_imports_anywhere_in_a_file():
    source = (
        "import os\n"
        "from commitments.models import Commitment\n"
        "def late():\n"
        "    from quito_ga.middleware import invalidate_page_cache\n"
        "    import council.models as council_models\n"
        "    return import_module('proposals.loaders'), importlib.import_module(\"opendata.tasks\")\n"
        "class Config:\n"
        "    def ready(self):\n"
        "        __import__('ratelimits.limits')\n"
        "from . import views\n"
        "from ..other import thing\n"
    )
    assert sorted(imported_names(source, "council.models.sessions")) == [
        (1, "os"),
        (2, "commitments.models"),
        (4, "quito_ga.middleware"),
        (5, "council.models"),
        (6, "opendata.tasks"),
        (6, "proposals.loaders"),
        (9, "ratelimits.limits"),
        (10, "council.models"),
        (11, "council.other"),
    ]
