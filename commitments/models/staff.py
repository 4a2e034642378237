"""Staff roles and profiles: who may edit what in this app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commitments.models.plans import Organization

COORDINATION_GROUP = "Coordinación del plan"
EDITOR_GROUP = "Editor institucional"
# What each role may do in this app, as model permissions (codenames of the `commitments` app).
ROLE_PERMISSIONS = {
    COORDINATION_GROUP: [
        f"{action}_{model}"
        for model in [
            "organization", "actionplan", "commitment", "milestone", "evidence", "staffprofile",
            "cocreationrequirement",
        ]
        for action in ["add", "change", "delete", "view"]
    ]
    + ["add_progressupdate", "change_progressupdate", "view_progressupdate", "view_ogpvalue", "view_replanning"],
    EDITOR_GROUP: [
        "view_organization", "view_actionplan", "view_commitment", "view_ogpvalue", "view_milestone",
        "change_milestone", "view_progressupdate", "add_progressupdate", "view_evidence", "add_evidence",
        "view_replanning",
    ],
}  # fmt: skip


class StaffProfile(models.Model):
    """Links a staff account to the organization it works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="staff", verbose_name=_("organization"))

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} · {self.organization.acronym}"


def coordinates_plans(user):
    """Superusers and the plan's coordination may do everything in this app."""
    return user.is_active and (user.is_superuser or user.groups.filter(name=COORDINATION_GROUP).exists())


def staff_organization_id(user):
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    return profile.organization_id if profile else None
