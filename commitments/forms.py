import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Commitment, OgpValue, Organization


class CommitmentFilter(django_filters.FilterSet):
    """The filters of the commitment list; every choice travels in the address, so results can be shared."""

    q = django_filters.CharFilter(label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"}))
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), queryset=ActionPlan.objects.order_by("is_demo", "-number"), to_field_name="slug",
        empty_label=_("All plans"),
    )  # fmt: skip
    lead = django_filters.ModelChoiceFilter(
        label=_("Lead institution"), queryset=Organization.objects.filter(led_commitments__isnull=False).distinct(),
        to_field_name="slug", empty_label=_("All institutions"),
    )  # fmt: skip
    value = django_filters.ModelChoiceFilter(
        label=_("OGP value"), field_name="ogp_values", queryset=OgpValue.objects.all(), to_field_name="key",
        empty_label=_("All values"),
    )  # fmt: skip
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Commitment.Status.choices, method="filter_status", empty_label=_("Any status")
    )

    class Meta:
        model = Commitment
        fields = ["q", "plan", "lead", "value", "status"]

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(title_en__icontains=word)
                | Q(short_title__icontains=word)
                | Q(short_title_en__icontains=word)
                | Q(problem__icontains=word)
                | Q(problem_en__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)
