"""The council's members, their terms of office and the quorum rule."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Organization, today
from commitments.visibility import PublicQuerySet


def in_office_on(date, prefix=""):
    """Q for members whose term covers `date`; an unknown start or end does not rule a member out."""
    return (Q(**{f"{prefix}term_starts_on__isnull": True}) | Q(**{f"{prefix}term_starts_on__lte": date})) & (
        Q(**{f"{prefix}term_ends_on__isnull": True}) | Q(**{f"{prefix}term_ends_on__gte": date})
    )


class CouncilMemberQuerySet(PublicQuerySet):
    def in_office(self, on=None):
        return self.filter(in_office_on(on or today()))

    def with_attendance_rate(self, on=None):
        """Annotate `sessions_recorded`, `sessions_attended` and `attendance_rate` over the 12 months to `on`:
        the held sessions dated after `on` minus 365 days and up to `on`, that record the member's attendance.

        Read from the members' running totals (`AttendanceTotal`): two rows per member and figure, found by index,
        whatever the number of sessions. No session recorded: `attendance_rate` is None ("Sin datos"), never 0.
        """
        from council.models.sessions import AttendanceTotal  # sessions.py imports this module

        on = on or today()
        start = on - datetime.timedelta(days=365)

        def total(field, up_to):
            last = AttendanceTotal.objects.filter(member=OuterRef("pk"), held_on__lte=up_to).order_by("-held_on")
            return Coalesce(Subquery(last.values(field)[:1]), 0)

        return self.annotate(
            sessions_recorded=total("recorded", on) - total("recorded", start),
            sessions_attended=total("attended", on) - total("attended", start),
        ).annotate(
            attendance_rate=models.Case(
                models.When(sessions_recorded=0, then=None),
                default=F("sessions_attended") * 100.0 / F("sessions_recorded"),
                output_field=models.FloatField(),
            )
        )

    def for_member_page(self):
        """Members (in office or not) with their organization and their attendance over the last 12 months."""
        return self.select_related("organization").with_attendance_rate()

    def for_council_page(self):
        return (
            self.in_office()
            .select_related("organization")
            .with_attendance_rate()
            .order_by("sector", "role", "organization__name", "name")
        )


class CouncilMember(models.Model):
    class Sector(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        PRODUCTIVE_SECTOR = "productive_sector", _("Productive sector")
        MUNICIPAL_GOVERNMENT = "municipal_government", _("Municipal government")

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        TECHNICAL_SECRETARY = "technical_secretary", _("Technical secretary")
        MEMBER = "member", _("Member")

    name = models.CharField(
        _("name"), max_length=200, blank=True,
        help_text=_("Leave blank only for the chair's seat when the person is not publicly known."),
    )  # fmt: skip
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="council_members", verbose_name=_("organization")
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    term_starts_on = models.DateField(_("term starts"), null=True, blank=True)
    term_ends_on = models.DateField(_("term ends"), null=True, blank=True)
    alternate_name = models.CharField(_("alternate"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="council_member",
        verbose_name=_("user account"),
    )  # fmt: skip
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = CouncilMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["sector", "role", "name"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True) | Q(term_starts_on__isnull=True)
                | Q(term_ends_on__gte=F("term_starts_on")),
                name="member_term_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(name="") | Q(role="chair"), name="member_named_unless_chair_seat"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.display_name()} ({self.organization.acronym})"

    def get_absolute_url(self):
        return reverse("council:member-detail", args=[self.pk])

    def clean(self):
        if self.term_starts_on and self.term_ends_on and self.term_ends_on < self.term_starts_on:
            raise ValidationError(
                {"term_ends_on": ValidationError(_("The term cannot end before it starts."), code="term_order")}
            )
        if not self.name and self.role != self.Role.CHAIR:
            raise ValidationError(
                {"name": ValidationError(_("Only the chair's seat may be recorded without a name."), code="name")}
            )

    def display_name(self):
        return self.name or _("Chair's seat (person not published)")

    def is_in_office(self, on=None):
        on = on or today()
        return (self.term_starts_on is None or self.term_starts_on <= on) and (
            self.term_ends_on is None or self.term_ends_on >= on
        )
