"""Work the task worker does for open data, outside any request."""

from django.tasks import task

from commitments.models import ActionPlan
from opendata.models import ReportArchive, RepositoryArchive


@task()
def build_repository_archive(plan_id):
    plan = ActionPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return "no plan"
    archive = RepositoryArchive.build(plan)
    return f"built {archive.size} bytes"


@task()
def build_report_archive(plan_id):
    plan = ActionPlan.objects.filter(pk=plan_id).first()
    if plan is None:
        return "no plan"
    archive = ReportArchive.build(plan)
    return f"built {archive.size} bytes"
