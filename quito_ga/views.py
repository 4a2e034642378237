from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

from commitments.models import ActionPlan, Commitment, ProgressUpdate


def home(request):
    plan = ActionPlan.objects.with_progress().filter(is_current=True).first()
    commitments = Commitment.objects.for_list().filter(plan=plan) if plan else Commitment.objects.none()
    updates = ProgressUpdate.objects.latest_first().select_related("milestone__commitment__plan")[:6]
    return render(request, "home.html", {"current_plan": plan, "commitments": commitments, "latest_updates": updates})


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
    return _error(request, "500.html", 500)
