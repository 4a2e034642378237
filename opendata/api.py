"""The read-only JSON API under /api/v1/, built from the dataset registry."""

from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import pagination, routers, viewsets
from rest_framework.exceptions import ValidationError

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


def viewset_for(dataset):
    """A read-only viewset answering with the dataset's serializer, filters and public queryset."""

    def get_queryset(self):
        return dataset.queryset()

    documented = extend_schema_view(
        list=extend_schema(responses={200: dataset.serializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND}),
        retrieve=extend_schema(responses={200: dataset.serializer, 400: BAD_FILTER, 404: NOT_FOUND}),
    )
    return documented(
        type(
            f"{dataset.serializer.Meta.model.__name__}ViewSet",
            (viewsets.ReadOnlyModelViewSet,),
            {
                "__doc__": str(dataset.description),
                "queryset": dataset.queryset().model.objects.none(),
                "get_queryset": get_queryset,
                "serializer_class": dataset.serializer,
                "pagination_class": Pagination,
                "lookup_field": dataset.lookup_field,
                "filter_backends": [StrictFilterBackend],
                "filterset_fields": dataset.filterset_fields,
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
