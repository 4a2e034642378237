import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

import commitments.loaders
import council.loaders
import proposals.loaders
from quito_ga.middleware import invalidate_page_cache

DATA_FILE = settings.PLAN_DATA_FILE
PARISHES_FILE = settings.PARISHES_DATA_FILE


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def report(command, app_label, summary):
    command.stdout.write(f"{apps.get_app_config(app_label).verbose_name}: {summary}")


class Command(BaseCommand):
    help = "Load the sourced public facts of Quito's open-government plans. Idempotent; invents nothing."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="The sourced facts, as JSON.")

    def handle(self, *args, file, **options):
        data, parishes = read_json(file), read_json(PARISHES_FILE)
        # Each app loads what it owns from the parsed files, in dependency order: the commitments app first (plans,
        # institutions), then the council (its members belong to institutions), then the proposals' zones.
        with transaction.atomic():
            report(self, "commitments", commitments.loaders.load_plan_facts(data))
            report(self, "council", council.loaders.load_plan_facts(data))
            report(self, "proposals", proposals.loaders.load_plan_facts(data, parishes))
        invalidate_page_cache()
        self.stdout.write(self.style.SUCCESS("Quito's plan facts are loaded."))
