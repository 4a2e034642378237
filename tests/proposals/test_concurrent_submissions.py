"""Citizens sending proposals at the same moment to the portal as `make run` serves it on SQLite.

A real gunicorn (2 workers of 4 threads, like `make run`) on a SQLite file: only separate processes and
connections show whether the database configuration holds concurrent writes. Every proposal a citizen sends must
be stored and acknowledged with its tracking code.
"""

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CREATE_PATH = "/propuestas/nueva/"
CITIZENS = 20
SETUP = (
    "from django.utils import timezone\n"
    "from proposals.models import Call, ZonalAdministration\n"
    "zone = ZonalAdministration.objects.create(name='Zona de prueba', slug='zona-de-prueba')\n"
    "Call.objects.create(title='Buzón permanente de prueba', opens_at=timezone.now() - timezone.timedelta(days=1))\n"
    "print(zone.pk)\n"
)

# What is tested is the SQLite configuration of settings.py; PostgreSQL's own concurrency is tested elsewhere.
pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="tests the SQLite configuration"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database):
    env = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SECRET_KEY="concurrency-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        # Debug only so that static files resolve without running collectstatic; nothing else depends on it here.
        DJANGO_DEBUG="1",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # Every citizen comes from 127.0.0.1 and sends at once: neither limit is what this test is about.
        PROPOSALS_MIN_FILL_SECONDS="0",
        PROPOSALS_SUBMISSIONS_PER_HOUR="1000",
    )
    return env


def wait_until_up(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local test server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The portal served by gunicorn from a fresh SQLite file: (base URL, database path, zone id)."""
    directory = tmp_path_factory.mktemp("sqlite-portal")
    database = directory / "db.sqlite3"
    env = server_environment(database)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, capture_output=True)
    setup = subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True)
    zone = setup.stdout.decode().split()[-1]
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "quito_ga.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--threads", "4", "--log-level", "warning"]
    log = open(directory / "gunicorn.log", "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/salud/", server)
        yield f"http://127.0.0.1:{port}", database, zone
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def open_form(opener, base, zone, number):
    """Load the form as a browser would and fill it in: the hidden fields it carries, and the citizen's text."""
    with opener.open(base + CREATE_PATH, timeout=60) as response:
        page = response.read().decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', page))
    return {
        **hidden,
        "name": f"Ciudadana {number}",
        "email": f"ciudadana{number}@example.org",
        "title": f"Propuesta simultánea {number}",
        "problem": "Las asambleas barriales no reciben respuesta.",
        "solution": "Una mesa de diálogo mensual con la administración zonal.",
        "topic": "civic_participation",
        "zone": zone,
        "consent": "on",
        "website": "",
    }


def send(opener, base, data):
    """POST the form and follow the redirect: (HTTP status, tracking code shown or None)."""
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(base + CREATE_PATH, data=body)  # noqa: S310 - the local test server
    try:
        with opener.open(request, timeout=120) as response:
            page = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        return error.code, None
    shown = re.search(r'<output id="tracking-code"[^>]*>([A-Z0-9-]+)</output>', page)
    return status, shown.group(1) if shown else None


def send_all_at_once(base, forms):
    """Send every (opener, data) pair from its own thread, released together; the answers in the same order."""
    answers = [None] * len(forms)
    barrier = threading.Barrier(len(forms))

    def citizen(index, opener, data):
        barrier.wait()
        answers[index] = send(opener, base, data)

    threads = [threading.Thread(target=citizen, args=(i, *pair)) for i, pair in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def stored(database):
    with sqlite3.connect(database) as connection:
        return dict(connection.execute("SELECT code, title FROM proposals_proposal").fetchall())


def test_twenty_simultaneous_proposals_are_all_stored_and_acknowledged(portal):
    base, database, zone = portal
    before = stored(database)
    forms = []
    for number in range(CITIZENS):
        opener = browser()
        forms.append((opener, open_form(opener, base, zone, number)))
    answers = send_all_at_once(base, forms)
    new = {code: title for code, title in stored(database).items() if code not in before}
    acknowledged = {code for _status, code in answers if code}
    lost = CITIZENS - len(acknowledged & new.keys())
    assert lost == 0, f"{lost} of {CITIZENS} proposals lost; answers: {sorted(status for status, _code in answers)}"
    assert len(new) == CITIZENS
    assert sorted(new.values()) == sorted(f"Propuesta simultánea {number}" for number in range(CITIZENS))


def test_a_form_sent_twice_at_the_same_moment_is_stored_once_with_one_code(portal):
    base, database, zone = portal
    opener = browser()
    data = open_form(opener, base, zone, "doble")
    answers = send_all_at_once(base, [(opener, data), (opener, data)])
    assert [status for status, _code in answers] == [200, 200]
    assert answers[0][1] and answers[0][1] == answers[1][1]
    titles = [title for title in stored(database).values() if title == data["title"]]
    assert titles == [data["title"]]


def test_the_database_file_is_in_write_ahead_log_mode(portal):
    _base, database, _zone = portal
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
