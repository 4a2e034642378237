"""Calls for proposals."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Bilingual
from commitments.visibility import PublicQuerySet


class CallQuerySet(PublicQuerySet):
    def open_now(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=at), opens_at__lte=at)

    def upcoming(self, at=None):
        return self.filter(opens_at__gt=at or timezone.now()).order_by("opens_at")

    def refresh_counts(self):
        """Recount the public proposals of these calls (the stored `proposal_count`, `meeting_proposal_count`).

        The model layer calls it after a proposal's change commits (proposals.models.proposals); bulk writers call
        it once when done. One UPDATE, whatever the number of calls.
        """
        proposals = self.model._meta.get_field("proposals").related_model  # Proposal, whose module imports this one
        public = proposals.objects.filter(call=OuterRef("pk"), is_hidden=False).order_by().values("call")
        counted = public.annotate(
            total=Count("pk"), at_meetings=Count("pk", filter=Q(meeting__isnull=False))
        )  # one row per call
        self.update(
            proposal_count=Coalesce(Subquery(counted.values("total")), 0),
            meeting_proposal_count=Coalesce(Subquery(counted.values("at_meetings")), 0),
        )


class Call(Bilingual):
    """A period in which citizens may send proposals; without a closing date it is a permanent mailbox."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    plan = models.ForeignKey(
        ActionPlan, models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name=_("action plan")
    )
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Leave empty for a permanent call.")
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    # The public proposals received in this call (not hidden by moderation), and how many of them were gathered at
    # a public meeting: kept by the model layer (`CallQuerySet.refresh_counts`), so the plan page reads them
    # instead of counting a plan's proposals on every render.
    proposal_count = models.PositiveIntegerField(_("public proposals received"), default=0, editable=False)
    meeting_proposal_count = models.PositiveIntegerField(
        _("of them gathered at a public meeting"), default=0, editable=False
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.localized("title")[0]

    def get_absolute_url(self):
        return f"{reverse('proposals:proposal-list')}?call={self.pk}"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": ValidationError(_("A call must close after it opens."), code="closes_before_opening")}
            )

    def is_open(self, at=None):
        at = at or timezone.now()
        return self.opens_at <= at and (self.closes_at is None or at < self.closes_at)
