from django.contrib.auth.management import create_permissions
from django.db import migrations

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP, ROLE_PERMISSIONS
from commitments.roles import ensure_role_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps, "commitments", ROLE_PERMISSIONS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[COORDINATION_GROUP, EDITOR_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0003_plan_is_demo"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
