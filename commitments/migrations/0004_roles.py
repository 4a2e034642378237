from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATION_GROUP = "Coordinación del plan"
EDITOR_GROUP = "Editor institucional"
COORDINATION_MODELS = ["organization", "actionplan", "commitment", "milestone", "progressupdate", "evidence", "staffprofile"]
EDITOR_PERMISSIONS = [
    "view_organization",
    "view_actionplan",
    "view_commitment",
    "view_ogpvalue",
    "view_milestone",
    "change_milestone",
    "view_progressupdate",
    "add_progressupdate",
    "view_evidence",
    "add_evidence",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    commitments = Permission.objects.filter(content_type__app_label="commitments")
    coordination, _created = Group.objects.get_or_create(name=COORDINATION_GROUP)
    coordination.permissions.add(
        *commitments.filter(content_type__model__in=COORDINATION_MODELS).exclude(codename__startswith="delete_progress"),
        *commitments.filter(codename="view_ogpvalue"),
    )
    editor, _created = Group.objects.get_or_create(name=EDITOR_GROUP)
    editor.permissions.add(*commitments.filter(codename__in=EDITOR_PERMISSIONS))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[COORDINATION_GROUP, EDITOR_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0003_plan_is_demo"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
