from django.urls import path

from proposals import cocreation, feeds, territory, views

app_name = "proposals"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal-list"),
    path("nueva/", views.proposal_create, name="proposal-create"),
    path("nueva/enviada/", views.proposal_submitted, name="proposal-submitted"),
    path("seguimiento/", views.proposal_track, name="proposal-track"),
    path("respuestas.atom", feeds.ProposalAnswersFeed(), name="answers-feed"),
    path("respuestas/archivo/<int:page>.atom", feeds.ProposalAnswersFeed(), name="answers-feed-archive"),
    path("reuniones/", cocreation.meeting_list, name="meeting-list"),
    path("reuniones/<int:pk>/", cocreation.meeting_detail, name="meeting-detail"),
    path("territorio/", territory.territory, name="territory"),
    path("borrar-datos/<str:token>/", views.proposal_erasure, name="proposal-erasure"),
    path("<str:code>/", views.proposal_detail, name="proposal-detail"),
]
