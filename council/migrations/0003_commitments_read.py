from importlib import import_module

from django.db import migrations

# The groups now also read milestones and commitments, to pick them by search in agenda items and reviews.
create_groups = import_module("council.migrations.0002_groups").create_groups


class Migration(migrations.Migration):
    dependencies = [("council", "0002_groups")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
