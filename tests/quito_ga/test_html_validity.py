"""Every public page type, in both languages, is valid HTML for the Nu HTML checker (vnu.jar)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from commitments.models import ActionPlan, Commitment, Replanning
from council.models import Session
from proposals.models import Call, Proposal

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def _checker_or_skip():
    """Return the command that runs vnu.jar; skip only outside CI when Java or the jar is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (apt-get install -y default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (npm ci)")
    if missing:
        reason = "The Nu HTML checker needs " + " and ".join(missing)
        if IN_CI:
            pytest.fail(f"{reason}; it may not be skipped in CI")
        pytest.skip(reason)
    return [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def _page_paths():
    plan = ActionPlan.objects.filter(is_demo=False).order_by("number").first()
    commitment = Commitment.objects.filter(is_demo=False).order_by("code").first()
    session = Session.objects.order_by("number").first()
    proposal = Proposal.objects.order_by("pk").first()
    paths = [
        "/",
        "/planes/",
        plan.get_absolute_url(),
        "/compromisos/",
        "/compromisos/?q=datos",
        commitment.get_absolute_url(),
        Commitment.objects.filter(is_demo=True).order_by("code").first().get_absolute_url(),
        "/consejo/",
        "/consejo/sesiones/",
        "/consejo/acuerdos/",
        "/consejo/acuerdos/?overdue=true",
        session.get_absolute_url(),
        "/propuestas/",
        proposal.get_absolute_url(),
        "/propuestas/nueva/",
        "/propuestas/seguimiento/",
        "/propuestas/seguimiento/?code=QGA-0000-0000",
        "/datos/",
        "/datos/api/",
        "/glosario/",
        "/accesibilidad/",
        "/no-existe/",
    ]
    organization = commitment.lead
    if organization is not None:
        paths.append(organization.get_absolute_url())
    # The re-planning ledgers: an empty one (the real plan has no recorded change) and the demo's, with changes.
    replanned = Replanning.objects.select_related("milestone__commitment__plan", "milestone__responsible").first()
    paths += [
        f"{commitment.get_absolute_url()}cambios/",
        f"{replanned.milestone.commitment.get_absolute_url()}cambios/",
        f"{replanned.milestone.commitment.plan.get_absolute_url()}cambios/",
        replanned.milestone.commitment.get_absolute_url(),
        replanned.milestone.responsible.get_absolute_url(),
    ]
    return [path for path in paths if path]


def _english(path):
    return "/en" + path


def test_every_public_page_type_is_valid_html_in_both_languages(client, tmp_path):
    command = _checker_or_skip()
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    assert Call.objects.exists()
    paths = _page_paths()
    files = {}
    for path in paths + [_english(path) for path in paths]:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert response["Content-Type"].startswith("text/html"), path
        file = tmp_path / f"page{len(files):03d}.html"
        file.write_bytes(response.content)
        files[file.name] = path
    # A form sent with mistakes shows its error summary and messages.
    for path in ("/propuestas/nueva/", "/en/propuestas/nueva/"):
        file = tmp_path / f"page{len(files):03d}.html"
        file.write_bytes(client.post(path, {"title": ""}).content)
        files[file.name] = f"POST {path}"
    result = subprocess.run([*command, *map(str, sorted(tmp_path.glob("page*.html")))], capture_output=True)
    report = json.loads(result.stderr or b'{"messages": []}')
    errors = [
        f"{files[Path(message['url']).name]} line {message.get('lastLine')}: {message['message']}"
        for message in report["messages"]
        if message.get("type") == "error" or message.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)
