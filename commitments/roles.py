"""Role groups and their permissions: one function that every app calls with its own role table."""

from django.db.models import Q


def ensure_role_groups(apps, app_label, roles):
    """Create the groups of `roles` and make their permissions of `app_label` exactly the listed ones.

    `roles` maps a group name to permission codenames of `app_label`; a codename written "other_app.codename" names
    a permission of another app. For each group, missing permissions are added and the group's other permissions
    of `app_label` are removed; permissions of other apps are only added (the other app's own table governs them),
    and groups not in `roles` are left alone. Idempotent; `apps` may be the historical registry of a migration.
    """
    group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for name, codenames in roles.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for codename in codenames:
            label, _dot, code = codename.rpartition(".")
            wanted |= Q(content_type__app_label=label or app_label, codename=code)
        wanted_permissions = list(permission_model.objects.filter(wanted))
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label=app_label).exclude(
                pk__in=[permission.pk for permission in wanted_permissions]
            )
        )
        group.permissions.add(*wanted_permissions)
