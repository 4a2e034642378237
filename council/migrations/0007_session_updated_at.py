"""Session.updated_at (auto_now): the last change of a session, for the calendar's DTSTAMP and LAST-MODIFIED.

Existing rows take the date of their latest historical record (django-simple-history), the true last change; a row
without history keeps the migration time. Reversible: going back drops the column."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def from_history(apps, schema_editor):
    Session = apps.get_model("council", "Session")
    HistoricalSession = apps.get_model("council", "HistoricalSession")
    latest = HistoricalSession.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    Session.objects.update(updated_at=Coalesce(Subquery(latest), F("updated_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("council", "0006_default_quorum_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsession",
            name="updated_at",
            field=models.DateTimeField(
                blank=True, default=django.utils.timezone.now, editable=False, verbose_name="last changed"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="session",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="last changed"),
            preserve_default=False,
        ),
        migrations.RunPython(from_history, migrations.RunPython.noop),
    ]
