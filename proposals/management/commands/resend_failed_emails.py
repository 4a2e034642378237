from django.core.management.base import BaseCommand
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from proposals.emails import send_erasure_email, send_proposal_email

EMAIL_TASKS = {task.module_path: task for task in (send_proposal_email, send_erasure_email)}


class Command(BaseCommand):
    help = "Queue again the emails whose every attempt failed (once the mail server works again)."

    def handle(self, *args, **options):
        failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, task_path__in=EMAIL_TASKS)
        count = 0
        for record in failed.order_by("enqueued_at"):
            kwargs = {**record.args_kwargs["kwargs"], "attempt": 1}
            # One transaction: the email is queued again and its failed record goes, so a rerun sends it once.
            with transaction.atomic():
                EMAIL_TASKS[record.task_path].enqueue(*record.args_kwargs["args"], **kwargs)
                record.delete()
            count += 1
        self.stdout.write(f"Queued {count} failed emails again.")
