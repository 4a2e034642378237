from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest
from django.utils import timezone

from commitments.history import history_manager

# The permission each kind of stored version needs: created, changed, deleted.
ACTIONS = {"+": ("add", "created"), "~": ("change", "changed"), "-": ("delete", "deleted")}


def models_with_history():
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy and getattr(model._meta, "simple_history_manager_attribute", None)
    ]


class Auditor:
    """Decide, with today's permissions, whether each version's author was allowed to write it."""

    def __init__(self):
        self.users = {}  # one instance per user, so Django caches their permissions once
        self.in_reach = {}

    def user(self, user_id):
        if user_id not in self.users:
            self.users[user_id] = get_user_model()._default_manager.filter(pk=user_id).first()
        return self.users[user_id]

    def allowed(self, model, record, user):
        if user.is_active and user.is_superuser:
            return True
        action = ACTIONS[record.history_type][0]
        if not user.has_perm(f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"):
            return False
        return action != "change" or self.object_in_reach(model, record, user)

    def object_in_reach(self, model, record, user):
        """The admin's object-level rule (an editor and their institution's milestones), on the object as it is."""
        model_admin = admin.site._registry.get(model)
        object_id = getattr(record, model._meta.pk.attname)
        key = (model, user.pk, object_id)
        if model_admin is None:
            return True
        if key not in self.in_reach:
            current = model._default_manager.filter(pk=object_id).first()
            request = HttpRequest()
            request.user = user
            # An object deleted since cannot be placed in anyone's reach: the model permission is all we know.
            self.in_reach[key] = current is None or model_admin.has_change_permission(request, current)
        return self.in_reach[key]

    def findings(self):
        for model in models_with_history():
            versions = history_manager(model).filter(history_user__isnull=False).order_by("history_date", "pk")
            for record in versions.iterator():
                user = self.user(record.history_user_id)
                if user is None or not self.allowed(model, record, user):
                    yield model, record, user


class Command(BaseCommand):
    help = (
        "List the stored versions (django-simple-history) written by users who lacked the permission for that "
        "change: add for a creation, change for a change (and the admin's object-level rule, such as an editor's "
        "own institution, for objects that still exist), delete for a deletion. Superusers are always allowed. "
        "Permissions are not stored over time, so today's permissions stand in for those at the time. Versions "
        "without a user (citizens' proposals, commands, data loads) are not listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fail", action="store_true", help="Exit with status 1 if any version is listed.")

    def handle(self, *args, fail, **options):
        self.stdout.write("Judged with today's permissions, the best approximation of those at the time.")
        count = 0
        for model, record, user in Auditor().findings():
            count += 1
            self.stdout.write(
                " · ".join(
                    [
                        model._meta.label,
                        f"{record.history_object} (id {getattr(record, model._meta.pk.attname)})",
                        f"version {record.history_id}",
                        timezone.localtime(record.history_date).isoformat(timespec="seconds"),
                        user.get_username() if user else f"deleted user {record.history_user_id}",
                        ACTIONS[record.history_type][1],
                    ]
                )
            )
        self.stdout.write(f"{count} version(s) written without the permission.")
        if fail and count:
            raise CommandError(f"{count} version(s) written without the permission.")
