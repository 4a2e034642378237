import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from commitments.roles import ensure_role_groups

pytestmark = pytest.mark.django_db


def codenames(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_a_group_gets_exactly_its_listed_permissions_of_the_app_and_keeps_other_apps():
    group = Group.objects.create(name="Prueba de roles")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="commitments", codename="delete_commitment"),
        Permission.objects.get(content_type__app_label="council", codename="view_session"),
    )
    roles = {"Prueba de roles": ["view_commitment", "change_milestone", "proposals.view_proposal"]}
    ensure_role_groups(apps, "commitments", roles)
    expected = {
        "commitments.view_commitment",
        "commitments.change_milestone",
        "proposals.view_proposal",
        "council.view_session",  # another app's permission: that app's table governs it
    }
    assert codenames(group) == expected
    ensure_role_groups(apps, "commitments", roles)  # idempotent
    assert codenames(group) == expected


def test_a_missing_group_is_created():
    ensure_role_groups(apps, "council", {"Grupo nuevo": ["view_session"]})
    assert codenames(Group.objects.get(name="Grupo nuevo")) == {"council.view_session"}
