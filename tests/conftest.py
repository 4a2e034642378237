"""Test-only settings and the browser harness (headless Chromium through Playwright, axe-core)."""

import os
import shutil
from importlib import import_module

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make there are
# still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# CI (and anyone who sets REQUIRE_BROWSER=1) must never skip the browser journeys silently.
REQUIRE_BROWSER = os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_BROWSER") == "1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.DEMO_PASSWORD = "demo-test-password"
    # Tasks (emails, the repository's ZIP) run at once, in the test; tests of the queue itself select the
    # database backend and run the worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # django-axes needs the request in authenticate(), which client.login() does not pass; the lockout is
    # tested on its own in tests/quito_ga/test_security.py.
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]


# Rows that data migrations create. The table flush after each transactional test (browser journeys, the API
# schema test) drops them; running the migrations' own functions again restores them, idempotently.
DATA_MIGRATIONS = [
    ("commitments.migrations.0002_ogp_values", "create_values"),
    ("commitments.migrations.0004_roles", "create_groups"),
    ("council.migrations.0002_groups", "create_groups"),
    ("proposals.migrations.0003_moderation_group", "create_group"),
    ("council.migrations.0006_default_quorum_rule", "create_default_rule"),
    ("subscriptions.migrations.0002_moderators_see_subscribers", "create_groups"),
]


def restore_migration_data():
    from django.apps import apps

    models_modules = {config: config.models_module for config in apps.get_app_configs()}
    try:
        for module, function in DATA_MIGRATIONS:
            getattr(import_module(module), function)(apps, None)
    finally:
        # Some migrations toggle models_module on the app configs; the live registry must keep its own.
        for config, models_module in models_modules.items():
            config.models_module = models_module


@pytest.fixture(autouse=True)
def _migration_data_after_flushes(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_migration_data()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the portal's default language (Spanish), whatever the test before it activated: a
    request or a `translation.override` left open must not make the next test's strings English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _chromium_or_skip():
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    reason = f"Chromium not found at {CHROMIUM}: install it with 'apt-get install -y chromium'"
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (browser tests may not be skipped in CI)")
    pytest.skip(reason)
    return None


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRE_BROWSER:
            pytest.fail("Playwright is not installed (browser tests may not be skipped in CI)")
        pytest.skip("Playwright is not installed: pip install '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="es-EC")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def assert_accessible():
    """Run axe-core on the page and fail on any WCAG 2.x A or AA violation, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        if violations:
            lines = []
            for violation in violations:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
                lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
            pytest.fail(f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(lines))

    return check


@pytest.fixture
def set_today(monkeypatch):
    """Make the commitments models' `today()` return a given day (each models module binds its own name)."""

    def set_day(day):
        for module in ("commitments.models.plans", "commitments.models.roadmap", "commitments.models.progress"):
            monkeypatch.setattr(f"{module}.today", lambda: day)

    return set_day
