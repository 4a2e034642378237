from django.contrib.auth.management import create_permissions
from django.db import migrations

from commitments.roles import ensure_role_groups
from subscriptions.models import ROLE_PERMISSIONS


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps, "subscriptions", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0001_subscriptions"),
        ("proposals", "0003_moderation_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
