from django.urls import path

from council import feeds, views

app_name = "council"

urlpatterns = [
    path("", views.council_home, name="council-home"),
    path("sesiones/", views.SessionListView.as_view(), name="session-list"),
    path("consejeros/<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("acuerdos/", views.AgreementListView.as_view(), name="agreement-list"),
    path("sesiones/calendario.ics", views.session_calendar, name="session-calendar"),
    path("actas.atom", feeds.PublishedMinutesFeed(), name="minutes-feed"),
    path("sesiones/<int:number>/", views.SessionDetailView.as_view(), name="session-detail"),
    path("sesiones/<int:number>/acta.pdf", views.minutes_download, name="minutes-download"),
]
