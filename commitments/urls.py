from django.urls import path

from commitments import feeds, views

app_name = "commitments"

urlpatterns = [
    path("planes/", views.PlanListView.as_view(), name="plan-list"),
    path("planes/<slug:slug>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("planes/<slug:slug>/estandares/", views.PlanStandardsView.as_view(), name="plan-standards"),
    path("planes/<slug:slug>/cambios/", views.PlanReplanningListView.as_view(), name="plan-replannings"),
    path("compromisos/", views.CommitmentListView.as_view(), name="commitment-list"),
    path("compromisos/avances.atom", feeds.ProgressUpdatesFeed(), name="progress-feed"),
    path("compromisos/avances/archivo/<int:page>.atom", feeds.ProgressUpdatesFeed(), name="progress-feed-archive"),
    # A renamed commitment's old code redirects (301) to its code now: views.follows_renamed_code.
    path(
        "compromisos/<str:code>/avances.atom",
        views.follows_renamed_code(feeds.CommitmentUpdatesFeed()),
        name="commitment-feed",
    ),
    path(
        "compromisos/<str:code>/avances/archivo/<int:page>.atom",
        views.follows_renamed_code(feeds.CommitmentUpdatesFeed()),
        name="commitment-feed-archive",
    ),
    path(
        "compromisos/<str:code>/",
        views.follows_renamed_code(views.CommitmentDetailView.as_view()),
        name="commitment-detail",
    ),
    path(
        "compromisos/<str:code>/cambios/",
        views.follows_renamed_code(views.CommitmentReplanningListView.as_view()),
        name="commitment-replannings",
    ),
    path(
        "compromisos/<str:code>/hitos/<int:order>/historial/",
        views.follows_renamed_code(views.milestone_history),
        name="milestone-history",
    ),
    path("instituciones/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("evidencias/<int:pk>/descargar/", views.evidence_download, name="evidence-download"),
]
