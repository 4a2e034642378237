from django.urls import path

from proposals import feeds, views

app_name = "proposals"

urlpatterns = [
    path("", views.ProposalListView.as_view(), name="proposal-list"),
    path("nueva/", views.proposal_create, name="proposal-create"),
    path("nueva/enviada/", views.proposal_submitted, name="proposal-submitted"),
    path("seguimiento/", views.proposal_track, name="proposal-track"),
    path("respuestas.atom", feeds.ProposalAnswersFeed(), name="answers-feed"),
    path("respuestas/archivo/<int:page>.atom", feeds.ProposalAnswersFeed(), name="answers-feed-archive"),
    path("borrar-datos/<str:token>/", views.proposal_erasure, name="proposal-erasure"),
    path("<str:code>/", views.proposal_detail, name="proposal-detail"),
]
