from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatelimitsConfig(AppConfig):
    name = "ratelimits"
    verbose_name = _("Rate limits")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from ratelimits.limits import count_failed_login

        user_login_failed.connect(count_failed_login, dispatch_uid="ratelimits.count_failed_login")
