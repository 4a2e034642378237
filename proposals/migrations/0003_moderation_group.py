from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderación de propuestas"
PERMISSIONS = {
    "proposals": [
        "view_proposal", "add_proposal", "change_proposal",
        "view_proposalqueue", "change_proposalqueue",
        "view_proposercontact", "add_proposercontact", "change_proposercontact",
        "view_statusevent",
        "view_call", "add_call", "change_call",
        "view_zonaladministration", "change_zonaladministration",
        "view_parish", "add_parish", "change_parish",
    ],
    # To link proposals to the commitments they shaped (the autocomplete needs the view permission).
    "commitments": ["view_commitment"],
}
# The plan's coordination reads proposals, never their proposers' data.
COORDINATION_GROUP = "Coordinación del plan"
COORDINATION_PERMISSIONS = [
    "view_proposal", "view_proposalqueue", "view_statusevent", "view_call", "view_zonaladministration", "view_parish",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, codenames in PERMISSIONS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    coordination, _created = Group.objects.get_or_create(name=COORDINATION_GROUP)
    coordination.permissions.add(
        *Permission.objects.filter(content_type__app_label="proposals", codename__in=COORDINATION_PERMISSIONS)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_search_index"),
        ("commitments", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
