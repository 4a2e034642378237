from django.contrib.auth.management import create_permissions
from django.db import migrations

from commitments.roles import ensure_role_groups
from proposals.models import MODERATION_GROUP, ROLE_PERMISSIONS


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps, "proposals", ROLE_PERMISSIONS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATION_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_search_index"),
        ("commitments", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
