from django.urls import path

from opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.dataset_list, name="dataset-list"),
    path("api/", views.api_documentation, name="api-documentation"),
    path("repositorio/<slug:slug>/", views.repository_export, name="repository-export"),
    path("catalogo.<str:format>", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.dataset_detail, name="dataset-detail"),
    path("<slug:slug>.<str:format>", views.dataset_download, name="dataset-download"),
]
