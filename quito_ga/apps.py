from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

CONTENT_APPS = {"commitments", "council", "proposals"}


def _content_changed(sender, **kwargs):
    if sender._meta.app_label in CONTENT_APPS:
        from quito_ga.middleware import invalidate_page_cache

        invalidate_page_cache()


class QuitoGaConfig(AppConfig):
    name = "quito_ga"
    verbose_name = _("Portal")

    def ready(self):
        # Any change to the portal's content makes every cached anonymous page stale.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_content_changed, dispatch_uid=f"page-cache-{signal}")
