"""The read-only JSON API under /api/v1/, built from the dataset registry."""

from django.urls import include, path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import pagination, routers, viewsets

from opendata.datasets import DATASETS


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


NOT_FOUND = OpenApiResponse(description="No such record, or no such page of the list.")
BAD_FILTER = OpenApiResponse(description="A filter has a value of the wrong type; the answer says which.")


def viewset_for(dataset):
    """A read-only viewset answering with the dataset's serializer, filters and public queryset."""

    def get_queryset(self):
        return dataset.queryset()

    documented = extend_schema_view(
        list=extend_schema(responses={200: dataset.serializer(many=True), 400: BAD_FILTER, 404: NOT_FOUND}),
        retrieve=extend_schema(responses={200: dataset.serializer, 404: NOT_FOUND}),
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
                "filter_backends": [DjangoFilterBackend],
                "filterset_fields": dataset.filterset_fields,
                # What the page cache keys its answers on (quito_ga/page_versions.py).
                "page_versions": ("commitments", dataset.queryset().model._meta.app_label),
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
