from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuitoGaConfig(AppConfig):
    name = "quito_ga"
    verbose_name = _("Portal")
