import django_filters
from django.utils.translation import gettext_lazy as _

from council.models import Session


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
