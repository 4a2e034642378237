"""The re-planning ledger: every change of a milestone's planned dates once its roadmap was validated."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models.plans import Organization
from commitments.models.roadmap import Milestone
from commitments.models.staff import EDITOR_GROUP, coordinates_plans, staff_organization_id
from commitments.visibility import PublicQuerySet

REASON_MAX_LENGTH = 2000


class ReplanningQuerySet(PublicQuerySet):
    def for_list(self, *extra_prefetches):
        """What the public lists show per change, newest first: its milestone, commitment, plan and the author's
        institution, plus what other apps registered (the council's approval: `commitments/extensions.py`)."""
        return (
            self.select_related("milestone__commitment__plan", "organization")
            .prefetch_related(*extra_prefetches)
            .order_by("-changed_at", "-pk")
        )


class Replanning(models.Model):
    """One change of a milestone's planned start or due date after the roadmap's validation. Append-only.

    Written by `Milestone.save()` only (through `Milestone.replan()` or an admin form with a reason): the old and
    new dates, the reason, who (the account, seen by staff only; publicly their role and institution) and when.
    """

    class Role(models.TextChoices):
        COORDINATION = "coordination", _("Plan coordination")
        EDITOR = "editor", _("Institutional editor")
        ADMINISTRATION = "administration", _("System administration")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="replannings", verbose_name=_("milestone"))
    old_starts_on = models.DateField(_("previous planned start"))
    new_starts_on = models.DateField(_("new planned start"))
    old_due_on = models.DateField(_("previous due date in force"))
    new_due_on = models.DateField(_("new due date in force"))
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        Organization, models.SET_NULL, null=True, blank=True, related_name="replannings",
        verbose_name=_("institution of the author"),
    )  # fmt: skip

    objects = ReplanningQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = "changed_at"
        verbose_name = _("re-planning")
        verbose_name_plural = _("re-plannings")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="replanning_has_reason"),
            models.CheckConstraint(
                condition=~Q(old_starts_on=F("new_starts_on")) | ~Q(old_due_on=F("new_due_on")),
                name="replanning_changes_a_date",
            ),
            models.CheckConstraint(condition=Q(new_due_on__gte=F("new_starts_on")), name="replanning_due_after_start"),
        ]

    def __str__(self):
        return _("%(milestone)s: dates changed on %(date)s") % {
            "milestone": self.milestone,
            "date": timezone.localdate(self.changed_at),
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A re-planning is never changed: the ledger only grows.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("commitments:commitment-replannings", kwargs={"code": self.milestone.commitment.code})

    @classmethod
    def author_fields(cls, user):
        """Who made the change, as the ledger keeps it: the account, its role and its institution at the time."""
        if user is None or not user.is_authenticated:
            return {"changed_by": None, "role": "", "organization_id": None}
        if user.is_superuser:
            role = cls.Role.ADMINISTRATION
        elif coordinates_plans(user):
            role = cls.Role.COORDINATION
        elif user.groups.filter(name=EDITOR_GROUP).exists():
            role = cls.Role.EDITOR
        else:
            role = ""
        return {"changed_by": user, "role": role, "organization_id": staff_organization_id(user)}

    def starts_changed(self):
        return self.old_starts_on != self.new_starts_on

    def due_changed(self):
        return self.old_due_on != self.new_due_on

    def due_shift_days(self):
        """Days the due date in force moved: positive later, negative earlier."""
        return (self.new_due_on - self.old_due_on).days

    def due_shift_magnitude(self):
        return abs(self.due_shift_days())

    def approval_shown(self):
        """The council's approval fetched for the page or the dataset (`council_approval_shown`), or None."""
        return getattr(self, "council_approval_shown", None)

    def approval_session_number(self):
        approval = self.approval_shown()
        return approval.session.number if approval else None

    def approval_agreement_number(self):
        approval = self.approval_shown()
        return approval.agreement.number if approval and approval.agreement_id else None
