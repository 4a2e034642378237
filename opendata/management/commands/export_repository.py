from django.core.management.base import BaseCommand, CommandError

from commitments.models import ActionPlan
from opendata import repository


class Command(BaseCommand):
    help = "Write a plan's OGP evidence repository (a folder per commitment and a dated index) into a directory."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's slug or number.")
        parser.add_argument("directory", help="Where to write the repository's folder.")

    def handle(self, *args, plan, directory, **options):
        lookup = {"number": int(plan)} if plan.isdigit() else {"slug": plan}
        try:
            action_plan = ActionPlan.objects.get(**lookup)
        except ActionPlan.DoesNotExist as error:
            raise CommandError(f"No action plan {plan!r}.") from error
        root, entries, files = repository.write_directory(action_plan, directory)
        self.stdout.write(self.style.SUCCESS(f"Wrote {root}: {entries} index entries, {files} evidence files."))
