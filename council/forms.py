import django_filters
from django.utils.translation import gettext_lazy as _

from commitments.models import Organization
from council.models import Agreement, Session


def session_years():
    return [(day.year, str(day.year)) for day in Session.objects.dates("scheduled_on", "year", order="DESC")]


class SessionFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        field_name="scheduled_on__year", label=_("Year"), choices=session_years, empty_label=_("All years")
    )
    status = django_filters.ChoiceFilter(choices=Session.Status.choices, label=_("Status"), empty_label=_("Any status"))

    class Meta:
        model = Session
        fields = ["year", "status"]


class AgreementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Agreement.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    responsible = django_filters.ModelChoiceFilter(
        field_name="responsible_organization",
        label=_("Responsible organization"),
        empty_label=_("Any organization"),
        queryset=Organization.objects.filter(council_agreements__isnull=False).distinct().order_by("name"),
    )
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",
        label=_("Only overdue"),
        widget=django_filters.widgets.BooleanWidget,
    )

    class Meta:
        model = Agreement
        fields = ["status", "responsible", "overdue"]
