"""Query count and uncached render time of the admin pages each role uses (run against a `seed_demo --scale N` db).

DATABASE_URL=postgres://…/h_adminux_bench DJANGO_SECRET_KEY=… .venv/bin/python bench/admin_pages.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quito_ga.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402

# Served from the source tree: no collectstatic manifest needed to render a page.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from commitments.models import Milestone  # noqa: E402
from proposals.models import Proposal  # noqa: E402

setup_test_environment()  # the test Client needs the locmem mail outbox and the testserver host


def pages(username):
    user = get_user_model().objects.get(username=username)
    editable = Milestone.objects.editable_by(user).by_urgency().delayed()
    milestone = editable.first() or Milestone.objects.filter(is_demo=True).first()
    proposal = Proposal.objects.awaiting_answer().first()
    common = ["/admin/"]
    by_role = {
        "editor": [
            "/admin/commitments/milestone/",
            f"/admin/commitments/milestone/{milestone.pk}/change/",
            f"/admin/commitments/progressupdate/add/?milestone={milestone.pk}",
            "/admin/commitments/progressupdate/",
        ],
        "coordinador": [
            "/admin/commitments/milestone/",
            f"/admin/commitments/milestone/{milestone.pk}/change/",
            f"/admin/commitments/progressupdate/add/?milestone={milestone.pk}",
            "/admin/commitments/progressupdate/",
        ],
        "moderador": ["/admin/proposals/proposal/", f"/admin/proposals/proposal/{proposal.pk}/change/"],
        "secretaria": ["/admin/council/agreement/", "/admin/council/minutes/"],
        "consejero": ["/admin/council/agreement/", "/admin/council/minutes/"],
    }
    return user, common + by_role[username]


def measure(client, url, runs=5):
    times, count = [], None
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start = time.process_time()
            response = client.get(url)
            elapsed = time.process_time() - start
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed * 1000)
        count = len(queries)
    return count, statistics.median(times)


def main():
    for username in ["editor", "coordinador", "moderador", "secretaria", "consejero"]:
        user, urls = pages(username)
        client = Client(HTTP_ACCEPT_LANGUAGE="es")
        client.force_login(user)
        client.get("/admin/")
        for url in urls:
            count, ms = measure(client, url)
            print(f"{username:12} {count:4d} q {ms:8.1f} ms  {url}")


if __name__ == "__main__":
    main()
