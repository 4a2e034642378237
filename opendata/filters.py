"""Strict filters for the API: a filter value of the wrong type, an unknown choice or an unknown parameter is a
400 answer naming the parameter, never a silently unfiltered list."""

from copy import deepcopy

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from rest_framework.exceptions import ValidationError

# Parameters every list understands besides its filters: pagination, and DRF's format override.
COMMON_PARAMETERS = frozenset({"page", "page_size", "format"})


class StrictBooleanField(forms.Field):
    """`true` or `false` (also `1`/`0`), anything else is an error; empty means no filter."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}
    default_error_messages = {"invalid": _("Use “true” or “false”.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    """Reads the raw value (django-filter's REST widget turns an unknown word into “no filter”)."""

    field_class = StrictBooleanField


class IntegerFilter(filters.NumberFilter):
    """A whole number: `1.5` is an error, not session 1."""

    field_class = forms.IntegerField


STRICT_DEFAULTS = deepcopy(FILTER_FOR_DBFIELD_DEFAULTS)
STRICT_DEFAULTS.update(
    {
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.AutoField,
                models.BigAutoField,
                models.SmallAutoField,
                models.IntegerField,
                models.BigIntegerField,
                models.SmallIntegerField,
                models.PositiveIntegerField,
                models.PositiveBigIntegerField,
                models.PositiveSmallIntegerField,
            )
        },
    }
)


class StrictFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = STRICT_DEFAULTS


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend with strict value types, refusing parameters the list does not know."""

    filterset_base = StrictFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        known = COMMON_PARAMETERS | set(filterset.filters if filterset is not None else ())
        if getattr(view, "action", None) == "retrieve":
            known |= getattr(view, "detail_query_parameters", set())  # e.g. `al` on a commitment
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        _("Unknown parameter. This list accepts: %(known)s.")
                        % {"known": ", ".join(sorted(known - {"format"}))}
                    ]
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)
