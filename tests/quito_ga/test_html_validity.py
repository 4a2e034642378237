"""Every public page type, in both languages, is valid HTML for the Nu HTML checker (vnu.jar)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from commitments.models import ActionPlan, Commitment, Replanning
from council.models import ProposalReference, Session
from proposals.models import Call, Proposal, PublicMeeting
from subscriptions.delivery import confirm_token, manage_token, unsubscribe_token
from tests.subscriptions.factories import follow

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
        # Co-creation: the demo plan in co-creation, the meetings, a meeting, the territorial view.
        "/planes/plan-demostracion-en-co-creacion/",
        "/planes/plan-demostracion-en-co-creacion/reuniones/",
        "/planes/segundo-plan-2022-2023/",  # the sourced co-creation totals, without meeting rows
        "/planes/segundo-plan-2022-2023/reuniones/",
        "/propuestas/reuniones/",
        PublicMeeting.objects.order_by("pk").first().get_absolute_url(),
        "/propuestas/territorio/",
        "/planes/plan-demostracion-en-co-creacion/territorio/",
        "/datos/",
        "/datos/api/",
        "/glosario/",
        "/accesibilidad/",
        "/no-existe/",
    ]
    real_plan = ActionPlan.objects.filter(is_demo=False).order_by("-number").first()
    demo_plan = ActionPlan.objects.filter(is_demo=True).order_by("number").first()
    for shown in (real_plan, demo_plan):
        paths += [f"{shown.get_absolute_url()}estandares/", f"{shown.get_absolute_url()}informe/"]
    organization = commitment.lead
    if organization is not None:
        paths.append(organization.get_absolute_url())
    # An agenda that takes up citizen proposals, and a proposal page naming the sessions that discussed it.
    reference = ProposalReference.objects.select_related("agenda_item__session").order_by("pk").first()
    if reference is not None:
        paths += [reference.agenda_item.session.get_absolute_url(), f"/propuestas/{reference.code}/"]
    # An institution with delayed milestones (each row names its plan).
    demo_lead = Commitment.objects.filter(is_demo=True).order_by("code").first().lead
    paths.append(demo_lead.get_absolute_url())
    subscription = follow(Commitment.objects.filter(is_demo=True).order_by("code").first())
    subscriber = subscription.subscriber
    paths += [
        "/suscribirse/",
        f"/suscribirse/?compromiso={subscription.commitment.code}",
        "/suscribirse/enviado/",
        f"/suscribirse/confirmar/{confirm_token(subscription)}/",
        f"/suscribirse/baja/{unsubscribe_token(subscriber, [subscription.pk])}/",
        f"/suscribirse/mis-suscripciones/{manage_token(subscriber)}/",
        "/suscribirse/baja/no-valido/",
    ]
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


def email_html_parts(capture):
    """The HTML alternatives of a notification and of a weekly digest about a demonstration milestone."""
    from django.core import mail

    from commitments.models import Milestone
    from subscriptions.delivery import weekly_digests
    from subscriptions.models import Subscription

    milestone = Milestone.objects.filter(is_demo=True, progress__lt=99).order_by("pk").first()
    follow(milestone.commitment, email="inmediato@example.org")
    follow(milestone.commitment, email="semanal@example.org", frequency=Subscription.Frequency.WEEKLY)
    mail.outbox = []
    with capture(execute=True):
        milestone.report(progress=milestone.progress + 1, note="")
    with capture(execute=True):
        weekly_digests.call()
    assert {"inmediato@example.org", "semanal@example.org"} <= {message.to[0] for message in mail.outbox}
    return [(f"email to {message.to[0]}", message.alternatives[0][0]) for message in mail.outbox]


def _english(path):
    return "/en" + path


def test_every_public_page_type_is_valid_html_in_both_languages(client, tmp_path, django_capture_on_commit_callbacks):
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
    for path in ("/propuestas/nueva/", "/en/propuestas/nueva/", "/suscribirse/", "/en/suscribirse/"):
        file = tmp_path / f"page{len(files):03d}.html"
        file.write_bytes(client.post(path, {"title": "", "kind": "commitment"}).content)
        files[file.name] = f"POST {path}"
    # The HTML part of the emails (a notification and a digest, about demonstration data).
    for name, body in email_html_parts(django_capture_on_commit_callbacks):
        file = tmp_path / f"page{len(files):03d}.html"
        file.write_text(body)
        files[file.name] = name
    result = subprocess.run([*command, *map(str, sorted(tmp_path.glob("page*.html")))], capture_output=True)
    report = json.loads(result.stderr or b'{"messages": []}')
    errors = [
        f"{files[Path(message['url']).name]} line {message.get('lastLine')}: {message['message']}"
        for message in report["messages"]
        if message.get("type") == "error" or message.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)
