from django.db import migrations


def sync_roles(apps, schema_editor):
    # The role table gained the public meetings' permissions: the same sync as the migration that made the groups.
    from importlib import import_module

    import_module("proposals.migrations.0003_moderation_group").create_group(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0010_public_meetings")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
