"""A realistic mix for `make loadtest`: citizens browsing, one proposal per 50 page views, staff reporting.

Run by bench/loadtest.py, which seeds the data, serves the portal and checks the results. Environment:
LOAD_PAGES (JSON list of public paths to browse), LOAD_MILESTONES (JSON list of milestone ids the demo
editor may report on), LOAD_CODES_FILE (where acknowledged tracking codes are appended), DEMO_PASSWORD.
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PAGES = json.loads(os.environ.get("LOAD_PAGES", '["/"]'))
MILESTONES = json.loads(os.environ.get("LOAD_MILESTONES", "[]"))
CODES_FILE = os.environ["LOAD_CODES_FILE"]
PASSWORD = os.environ.get("DEMO_PASSWORD", "")
CODE_PATTERN = re.compile(r"QGA(?:-[A-Z0-9]{3,4}){2,3}")


class FormParser(HTMLParser):
    """Collect the default values of every field of the page's forms, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html):
    parser = FormParser()
    parser.feed(html)
    return parser.fields


def first_option(html, name):
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    values = re.findall(r'<option value="([^"]+)"', match.group(1)) if match else []
    return values[0] if values else ""


class Citizen(HttpUser):
    weight = 9
    wait_time = between(0.5, 2)

    def on_start(self):
        self.views = 0

    @task
    def browse(self):
        self.client.get(random.choice(PAGES), name="page")
        self.views += 1
        if self.views % 50 == 0:
            self.submit_proposal()

    def submit_proposal(self):
        form = self.client.get("/propuestas/nueva/", name="proposal form")
        if form.status_code != 200 or "csrfmiddlewaretoken" not in form.text:
            return
        fields = form_fields(form.text)
        fields.update(
            title=f"Iluminación y participación en el barrio {random.randint(1, 10**6)}",
            problem="Las calles del barrio están oscuras y la ciudadanía no participa en las decisiones.",
            solution="Mesas de participación con la administración zonal y un plan de iluminación público.",
            topic=first_option(form.text, "topic"),
            zone=first_option(form.text, "zone"),
            name="Persona de Prueba de Carga",
            email="carga@example.org",
            consent="on",
        )
        fields.pop("website", None)
        time.sleep(random.uniform(6, 9))  # a person takes a while to fill the form (and the form checks it)
        with self.client.post(
            "/propuestas/nueva/",
            fields,
            headers={"Referer": self.host + "/propuestas/nueva/"},
            name="proposal submit",
            catch_response=True,
        ) as response:
            match = CODE_PATTERN.search(response.text) if response.status_code == 200 else None
            if not match:
                response.failure(f"no tracking code on the answer ({response.status_code})")
                return
            with open(CODES_FILE, "a", encoding="utf-8") as codes:
                codes.write(match.group(0) + "\n")


class Staff(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        login = self.client.get("/admin/login/", name="admin login")
        fields = form_fields(login.text)
        fields.update(username="editor", password=PASSWORD)
        self.client.post("/admin/login/?next=/admin/", fields, headers={"Referer": self.host + "/admin/login/"})

    @task
    def report_progress(self):
        if not MILESTONES:
            return
        milestone = random.choice(MILESTONES)
        page = self.client.get(f"/admin/commitments/progressupdate/add/?milestone={milestone}", name="report form")
        if page.status_code != 200:
            return
        fields = form_fields(page.text)
        fields.update(milestone=str(milestone), progress=str(random.randint(1, 99)), note="Avance de carga")
        fields.pop("status", None)
        fields["status"] = "in_progress"
        with self.client.post(
            f"/admin/commitments/progressupdate/add/?milestone={milestone}",
            fields,
            headers={"Referer": self.host + "/admin/"},
            name="report submit",
            catch_response=True,
        ) as response:
            # A saved report redirects away from the form; the form again means it was refused.
            if response.status_code != 200 or "/add/" in response.url:
                response.failure(f"report not saved ({response.status_code})")


@events.test_start.add_listener
def reset_codes(environment, **kwargs):
    open(CODES_FILE, "w").close()
