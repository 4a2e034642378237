"""The council's approval of a change of a milestone's dates (an entry of the commitments' re-planning ledger)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Replanning
from commitments.visibility import holds
from council.models.records import Agreement
from council.models.sessions import Session


class ReplanApprovalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Approvals at held sessions; those of a session not (or no longer) held only for the council's roles."""
        if holds(user, "council.view_replanapproval"):
            return self
        return self.filter(session__status=Session.Status.HELD)


class ReplanApproval(models.Model):
    """The session, and optionally the agreement, at which the council approved one change of dates."""

    replanning = models.OneToOneField(
        Replanning, models.CASCADE, related_name="council_approval", verbose_name=_("change of dates")
    )
    session = models.ForeignKey(Session, models.PROTECT, related_name="replan_approvals", verbose_name=_("session"))
    agreement = models.ForeignKey(
        Agreement, models.PROTECT, null=True, blank=True, related_name="replan_approvals",
        verbose_name=_("agreement"), help_text=_("The session's agreement that approved it, if there is one."),
    )  # fmt: skip

    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = ReplanApprovalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval of a change of dates")
        verbose_name_plural = _("approvals of changes of dates")

    def __str__(self):
        return _("%(change)s · session %(number)s") % {"change": self.replanning, "number": self.session.number}

    def get_absolute_url(self):
        return self.replanning.get_absolute_url()

    def clean(self):
        if not (self.session_id and self.replanning_id):
            return
        if not self.session.is_held():
            raise ValidationError(
                {"session": ValidationError(_("A change of dates is approved only at a held session."),
                                            code="session_not_held")}
            )  # fmt: skip
        if self.replanning.milestone.is_demo != self.session.is_demo:
            raise ValidationError(
                {"session": ValidationError(_("Demonstration and real records never mix."), code="demo_mix")}
            )
        if self.agreement_id and self.agreement.session_id != self.session_id:
            raise ValidationError(
                {"agreement": ValidationError(_("The agreement must be one of the session's."), code="agreement")}
            )
