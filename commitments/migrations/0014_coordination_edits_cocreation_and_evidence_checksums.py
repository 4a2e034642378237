from django.contrib.auth.management import create_permissions
from django.db import migrations

from commitments.models import ROLE_PERMISSIONS, fill_evidence_checksums
from commitments.roles import ensure_role_groups


def grant_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the coordination's new ones are needed now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps, "commitments", ROLE_PERMISSIONS)


def fill_checksums(apps, schema_editor):
    fill_evidence_checksums(apps.get_model("commitments", "Evidence"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0013_cocreation_requirements_and_evidence_sha256"),
    ]

    operations = [
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
        migrations.RunPython(fill_checksums, migrations.RunPython.noop),
    ]
