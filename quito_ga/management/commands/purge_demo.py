from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

import commitments.loaders
import council.loaders
import opendata.loaders
import proposals.loaders
import subscriptions.loaders
from quito_ga.management.commands.load_quito_plan import report
from quito_ga.middleware import invalidate_page_cache


def remaining_demo_rows():
    """(model label, count) of every model that still holds rows marked is_demo."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or "is_demo" not in {field.name for field in model._meta.concrete_fields}:
            continue
        count = model._default_manager.filter(is_demo=True).count()
        if count:
            found.append((model._meta.label, count))
    return found


class Command(BaseCommand):
    help = (
        "Remove every demonstration row, and only those, with the demo accounts and evidence files: each app's "
        "loaders.purge_demo() in reverse dependency order, in one transaction. The real record stays as it is."
    )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                # Reverse dependency order: what points at demo rows goes before the rows it points at.
                report(self, "opendata", opendata.loaders.purge_demo())
                report(self, "subscriptions", subscriptions.loaders.purge_demo())
                report(self, "proposals", proposals.loaders.purge_demo())
                report(self, "council", council.loaders.purge_demo())
                report(self, "commitments", commitments.loaders.purge_demo())
                left = remaining_demo_rows()
                if left:
                    raise CommandError(
                        "Nothing was removed: demonstration rows would remain in "
                        + ", ".join(f"{label} ({count})" for label, count in left)
                    )
        except (ProtectedError, RestrictedError) as error:
            blocking = sorted({str(obj._meta.label) for obj in error.args[1]})
            raise CommandError(
                "Nothing was removed: rows no purge_demo removes still point at demonstration rows ("
                + ", ".join(blocking)
                + ")."
            ) from error
        invalidate_page_cache()  # bulk deletes of history send no signals
        self.stdout.write(self.style.SUCCESS("Every demonstration row is gone; the real data is untouched."))
