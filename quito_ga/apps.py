from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class QuitoGaConfig(AppConfig):
    default = True
    name = "quito_ga"
    verbose_name = _("Portal")

    def ready(self):
        # A committed change makes the cached anonymous pages that show it out of date (quito_ga/page_versions.py).
        from quito_ga import page_versions

        post_save.connect(page_versions.changed, dispatch_uid="page-versions-save")
        post_delete.connect(page_versions.changed, dispatch_uid="page-versions-delete")
        m2m_changed.connect(page_versions.m2m_changed, dispatch_uid="page-versions-m2m")


def _boolean_icon(value):
    """Django's yes/no/unknown icon, with its text in the user's language (stock: alt="True", "False", "None")."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    name, text = {True: ("yes", _("Yes")), False: ("no", _("No")), None: ("unknown", _("Unknown"))}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "quito_ga.admin.PortalAdminSite"

    def ready(self):
        super().ready()
        # The change lists and read-only fields look the icon up in this module each time they draw one.
        from django.contrib.admin.templatetags import admin_list

        admin_list._boolean_icon = _boolean_icon


@checks.register(checks.Tags.security, deploy=True)
def staff_second_factor_check(app_configs, **kwargs):
    if settings.STAFF_MFA:
        return []
    return [
        checks.Warning(
            "Staff accounts can sign in without a second factor.",
            hint="Set DJANGO_STAFF_MFA=1 so that every staff account needs an authenticator code (TOTP).",
            id="quito_ga.W001",
        )
    ]
