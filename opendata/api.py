"""The read-only JSON API under /api/v1/, built from the dataset registry."""

from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, pagination, routers, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from commitments import asof
from opendata.datasets import DATASETS
from opendata.filters import StrictFilterBackend


class Pagination(pagination.PageNumberPagination):
    """50 records a page; `page_size` from 1 to 500, anything else a 400 answer saying so."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(maximum)s.") % {"maximum": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Records per page: {self.page_size} by default, from 1 to {self.max_page_size}; "
                    "any other value is answered with 400."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


NOT_FOUND = OpenApiResponse(description="No such record, or no such page of the list.")
BAD_FILTER = OpenApiResponse(
    description="A filter or `page_size` has a value of the wrong type or range, or a parameter is unknown; "
    "the answer names each such parameter."
)


PROGRESS = drf_serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
AS_OF_PARAMETER = OpenApiParameter(
    asof.PARAMETER,
    OpenApiTypes.DATE,
    description=(
        "Also give the progress as it stood on this date (YYYY-MM-DD, not in the future) in `as_of`, rebuilt from "
        "the progress reports dated on or before it: a milestone counts its latest report by then (0 before its "
        "first, shown as null), a commitment the weighted mean of its milestones (null if none had a report), a plan "
        "the mean of its commitments with data. An invalid date answers 400."
    ),
)


def _progress(value):
    return None if value is None else PROGRESS.to_representation(value)


def _commitment_as_of(commitment, on):
    then = asof.commitments_on([commitment.pk], on)[commitment.pk]
    milestones = [
        {
            "order": row.milestone.order,
            "progress": row.progress if row.reported_on else None,
            "reported_on": row.reported_on.isoformat() if row.reported_on else None,
        }
        for row in then.milestones
    ]
    return {"date": on.isoformat(), "progress": _progress(then.progress), "milestones": milestones}


def _plan_as_of(plan, on):
    progress, by_commitment = asof.plan_on(plan, on)
    codes = dict(plan.commitments.values_list("pk", "code"))
    commitments = [
        {"code": codes[pk], "progress": _progress(item.progress)}
        for pk, item in sorted(by_commitment.items(), key=lambda pair: codes[pair[0]])
    ]
    return {"date": on.isoformat(), "progress": _progress(progress), "commitments": commitments}


# The datasets whose records can be read as of a date (`?al=`), and how.
AS_OF = {"compromisos": _commitment_as_of, "planes": _plan_as_of}


def as_of_retrieve(build):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()  # an unknown record is a 404 whatever the date
        text = request.query_params.get(asof.PARAMETER)
        on = None
        if text is not None:
            try:
                on = asof.parse_date(text)
            except asof.InvalidDate as error:
                raise ValidationError({asof.PARAMETER: [str(error)]}) from None
        data = self.get_serializer(instance).data
        if on is not None:
            data = {**data, "as_of": build(instance, on)}
        return Response(data)

    return retrieve


class ListOnlyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    pass


def viewset_for(dataset):
    """A read-only viewset answering with the dataset's serializer, filters and public queryset."""

    def get_queryset(self):
        return dataset.queryset()

    actions = {"list": extend_schema(responses={200: dataset.serializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND})}
    if dataset.lookup_field:
        actions["retrieve"] = extend_schema(
            responses={200: dataset.serializer, 400: BAD_FILTER, 404: NOT_FOUND},
            parameters=[AS_OF_PARAMETER] if dataset.slug in AS_OF else None,
        )
    documented = extend_schema_view(**actions)
    extra = {}
    if dataset.slug in AS_OF:
        extra = {"retrieve": as_of_retrieve(AS_OF[dataset.slug]), "detail_query_parameters": {asof.PARAMETER}}
    # A table of counts has no records of its own: listed only.
    base = viewsets.ReadOnlyModelViewSet if dataset.lookup_field else ListOnlyViewSet
    return documented(
        type(
            f"{dataset.serializer.__name__.removesuffix('Serializer')}ViewSet",
            (base,),
            {
                "__doc__": str(dataset.description),
                "queryset": dataset.queryset().model.objects.none(),
                "get_queryset": get_queryset,
                "serializer_class": dataset.serializer,
                "pagination_class": Pagination,
                "lookup_field": dataset.lookup_field or "pk",
                "filter_backends": [StrictFilterBackend],
                "filterset_fields": dataset.filterset_fields,
                # What the page cache keys its answers on (quito_ga/page_versions.py): every field of the rows
                # (the "records" of a section), and the commitments' (records of every app link them).
                "page_versions": ("records:commitments", f"records:{dataset.queryset().model._meta.app_label}"),
                # StrictFilterBackend answers 400 to an unknown parameter: the page cache must not drop it.
                "refuses_unknown_parameters": True,
                **extra,
            },
        )
    )


class Router(routers.DefaultRouter):
    include_format_suffixes = False


router = Router()
for _dataset in DATASETS:
    router.register(_dataset.slug, viewset_for(_dataset), basename=_dataset.basename)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
]
