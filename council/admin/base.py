"""Shared pieces of the council's admin: who convenes, inline helpers, the agenda item form."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from council.models import AgendaItem, ProposalReference


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


class AgendaItemForm(forms.ModelForm):
    """An agenda item with the citizen proposals it concerns, typed as tracking codes (one field, checked)."""

    proposal_codes = forms.CharField(
        label=_("Citizen proposals"), required=False, widget=forms.TextInput(attrs={"size": 50}),
        help_text=_("Their tracking codes, separated by commas, e.g. QGA-7K4-M2P-9XH."),
    )  # fmt: skip

    class Meta:
        model = AgendaItem
        fields = ["order", "title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the formsets prefetch the references: no query per row
            codes = [reference.code for reference in self.instance.proposal_references.all()]
            self.initial.setdefault("proposal_codes", ", ".join(codes))

    def clean_proposal_codes(self):
        session = getattr(self.instance, "session", None)
        return ProposalReference.codes_from(
            self.cleaned_data["proposal_codes"], is_demo=bool(session and session.is_demo)
        )

    def save(self, commit=True):
        item = super().save(commit)
        if commit:
            item.set_proposals(self.cleaned_data["proposal_codes"])
        return item
