"""Shared pieces of the council's admin: who convenes, inline helpers."""

from django import forms
from django.db import models


def can_convene(user):
    """The technical secretary (and superusers) convene sessions and keep them whole; members record held ones."""
    return user.has_perm("council.add_session")


def shared_choices(field):
    """Evaluate a small select's choices once for the whole formset instead of once per inline row."""
    if field is not None and hasattr(field, "queryset"):
        field.choices = list(field.choices)
    return field


class SelectRelatedInline:
    """An inline whose rows come with `list_select_related` (the rows' labels) in the same query."""

    list_select_related = []

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


class HeldSessionInline:
    """Records of what a session decided: only for a held session, and members may touch nothing else."""

    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 50})}}

    def allowed(self, request, obj):
        return obj is not None and obj.is_held()

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.allowed(request, obj)
