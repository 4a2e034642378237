from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

import commitments.loaders
import council.loaders
import proposals.loaders
from quito_ga.management.commands.load_quito_plan import DATA_FILE, PARISHES_FILE, read_json, report
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
        # In dependency order: the demo world's institutions, plans and commitments, then the council's sessions
        # that review their milestones, then the proposals (incorporated into demo commitments, in the real zones).
        seeds = [
            ("commitments", lambda: commitments.loaders.seed_demo(scale=scale, password=password)),
            ("council", lambda: council.loaders.seed_demo(scale=scale, password=password)),
            (
                "proposals",
                lambda: proposals.loaders.seed_demo(
                    scale=scale, password=password, data=read_json(DATA_FILE), parishes=read_json(PARISHES_FILE)
                ),
            ),
        ]
        with transaction.atomic():
            for app_label, seed in seeds:
                result = seed()
                accounts.extend(result.get("accounts", []))
                report(self, app_label, result.get("summary", ""))
            # Some demo agenda items take up demo proposals (council and proposals know nothing of each other).
            council.loaders.link_demo_proposals(proposals.loaders.demo_proposals_for_agenda())
        invalidate_page_cache()  # bulk inserts send no signals
        if connection.vendor == "postgresql":
            # What autovacuum does some time after a bulk load (never, where it is off): the planner's statistics of
            # the tables just filled, without which PostgreSQL guesses (e.g. that 5 of 1,000 sessions are held) and
            # plans the pages' LIMIT queries as if every table were tiny, and the cleanup of the rows the seeding
            # rewrote (each plan's stored figures, many times). VACUUM cannot run in a transaction (a test's).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS("Demonstration data is in place."))
        if accounts:
            self.stdout.write("Demo accounts (password from DEMO_PASSWORD): " + ", ".join(accounts))
