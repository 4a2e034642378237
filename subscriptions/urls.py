from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.subscribe_view, name="subscribe"),
    path("enviado/", views.subscribe_sent, name="subscribe-sent"),
    path("confirmar/<str:token>/", views.confirm, name="confirm"),
    path("baja/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mis-suscripciones/<str:token>/", views.manage, name="manage"),
]
