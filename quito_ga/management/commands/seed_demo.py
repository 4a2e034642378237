from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quito_ga.management.commands.load_quito_plan import app_loaders
from quito_ga.middleware import invalidate_page_cache


class Command(BaseCommand):
    help = (
        "Add a clearly fictional demonstration world beside the real plan (its own plans, institutions, people), "
        "and one demo account per role (password from DEMO_PASSWORD). Never on production; purge_demo removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply the amount of data (1 to 200).")

    def handle(self, *args, scale, **options):
        if not 1 <= scale <= 200:
            raise CommandError("--scale must be between 1 and 200.")
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("Set DEMO_PASSWORD to the password the demonstration accounts should get.")
        accounts = []
        with transaction.atomic():
            for app_config, seed in app_loaders("seed_demo"):
                result = seed(scale=scale, password=password)
                accounts.extend(result.get("accounts", []))
                self.stdout.write(f"{app_config.verbose_name}: {result.get('summary', '')}")
        invalidate_page_cache()  # bulk inserts send no signals
        self.stdout.write(self.style.SUCCESS("Demonstration data is in place."))
        if accounts:
            self.stdout.write("Demo accounts (password from DEMO_PASSWORD): " + ", ".join(accounts))
