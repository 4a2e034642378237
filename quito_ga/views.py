import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from commitments.models import ActionPlan, Commitment, ProgressUpdate
from council.models import Agreement, MilestoneReview, Minutes, Session
from proposals.models import Proposal
from quito_ga.glossary import TERMS

logger = logging.getLogger(__name__)


def home(request):
    user = request.user
    plan = ActionPlan.objects.visible_to(user).filter(is_demo=False).featured()
    commitments = (
        Commitment.objects.visible_to(user).for_list().filter(plan=plan) if plan else Commitment.objects.none()
    )
    updates = ProgressUpdate.objects.visible_to(user).latest_first().select_related("milestone__commitment__plan")[:6]
    return render(request, "home.html", {"plan": plan, "commitments": commitments, "latest_updates": updates})


# The home shows the featured plan's commitments, the latest reports and "Envía tu propuesta" while a call is open
# (calls bump the vocabulary): what the page cache keys it on (quito_ga/page_versions.py).
home.page_versions = ("commitments", "vocabulary")
home.page_changes_with_time = True  # "Envía tu propuesta" shows while a call is open, by the clock


# The status names each kind of record uses, listed on the glossary from the models' own choices.
STATUS_VOCABULARIES = [
    (_("Action plans"), ActionPlan.Status),
    (_("Commitments and milestones"), Commitment.Status),
    (_("Citizen proposals"), Proposal.Status),
    (_("Council sessions"), Session.Status),
    (_("Minutes"), Minutes.Status),
    (_("Council agreements"), Agreement.Status),
    (_("Council verification"), MilestoneReview.Outcome),
]


def glossary(request):
    return render(request, "glossary.html", {"terms": TERMS, "vocabularies": STATUS_VOCABULARIES})


glossary.page_versions = ()  # terms and status names come from the code: only a deploy changes them


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def robots(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /en/admin/", "Disallow: /propuestas/borrar-datos/"]
    return HttpResponse("\n".join([*lines, f"Sitemap: {sitemap}", ""]), content_type="text/plain; charset=utf-8")


def ping(request):
    """The benchmark's floor: a view that does nothing, behind the same middleware as every page."""
    return HttpResponse("pong", content_type="text/plain")


ping.page_versions = ()  # shows nothing: only the bulk-write version ever makes it out of date


def _error(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        # The database is down: a friendly 503, rendered without the request because the context processors
        # would need the database.
        logger.error("Database unavailable while serving %s %s", request.method, request.path)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return _error(request, "500.html", 500)
