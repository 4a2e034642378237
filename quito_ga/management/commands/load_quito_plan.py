import json
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from quito_ga.middleware import invalidate_page_cache

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "quito-plan-2022-2023.json"


def app_loaders(function_name):
    """Yield each installed app's `loaders.<function_name>`, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "loaders"):
            function = getattr(import_module(f"{app_config.name}.loaders"), function_name, None)
            if function is not None:
                yield app_config, function


class Command(BaseCommand):
    help = "Load the sourced public facts of Quito's open-government plans. Idempotent; invents nothing."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="The sourced facts, as JSON.")

    def handle(self, *args, file, **options):
        data = json.loads(file.read_text(encoding="utf-8"))
        with transaction.atomic():
            for app_config, load in app_loaders("load_plan_facts"):
                summary = load(data)
                self.stdout.write(f"{app_config.verbose_name}: {summary}")
        invalidate_page_cache()
        self.stdout.write(self.style.SUCCESS("Quito's plan facts are loaded."))
