from django.core.management.base import BaseCommand, CommandError

from commitments.models import ActionPlan, CocreationRequirement


class Command(BaseCommand):
    help = (
        "Give a plan (or every plan) the checklist of OGP's co-creation standards: missing requirements are created "
        "as “Sin datos”; statuses, evidence and notes already recorded are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan", nargs="?", help="The plan's slug or number; every plan when left out.")

    def handle(self, *args, plan=None, **options):
        plans = ActionPlan.objects.order_by("number")
        if plan is not None:
            plans = plans.filter(**({"number": int(plan)} if plan.isdigit() else {"slug": plan}))
            if not plans.exists():
                raise CommandError(f"No action plan {plan!r}.")
        for action_plan in plans:
            created = CocreationRequirement.objects.ensure_for(action_plan)
            self.stdout.write(f"{action_plan.slug}: {created} requirements created")
