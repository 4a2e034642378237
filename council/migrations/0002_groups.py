from django.contrib.auth.management import create_permissions
from django.db import migrations

SECRETARIAT = "Secretaría técnica del consejo"
COUNCIL = "Consejo consultivo"

ALL = ["add", "change", "delete", "view"]
PERMISSIONS = {
    # The technical secretary convenes sessions and keeps their whole record.
    SECRETARIAT: {
        "session": ALL,
        "agendaitem": ALL,
        "attendance": ALL,
        "minutes": ["add", "change", "view", "approve", "publish"],
        "erratum": ["add", "view"],
        "agreement": ALL,
        "milestonereview": ALL,
        "councilmember": ["view"],
    },
    # Members with an account record the sessions they hold and approve minutes; nothing in commitments.
    COUNCIL: {
        "session": ["change", "view"],
        "agendaitem": ["view"],
        "attendance": ["add", "change", "view"],
        "minutes": ["add", "change", "view", "approve"],
        "erratum": ["view"],
        "agreement": ALL,
        "milestonereview": ALL,
        "councilmember": ["view"],
    },
}


def codename(action, model):
    return f"{action}_minutes" if model == "minutes" and action in {"approve", "publish"} else f"{action}_{model}"


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        codenames = [codename(action, model) for model, actions in models.items() for action in actions]
        permissions = Permission.objects.filter(content_type__app_label="council", codename__in=codenames)
        assert permissions.count() == len(codenames), "a council permission is missing"
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [("council", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]
