"""Public co-creation meetings: where, when, how many took part (counts only, never people)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import ActionPlan, Bilingual
from commitments.visibility import PublicQuerySet
from proposals.models.calls import Call
from proposals.models.places import Parish, ZonalAdministration

GENDER_FIELDS = ("participants_women", "participants_men", "participants_other_gender")
AGE_FIELDS = (
    "participants_under_18",
    "participants_18_29",
    "participants_30_44",
    "participants_45_64",
    "participants_65_plus",
)


def _sum(fields):
    return sum((Coalesce(F(name), 0) for name in fields[1:]), Coalesce(F(fields[0]), 0))


def _breakdown_fits(fields):
    return Q(participants__isnull=True) | Q(participants__gte=_sum(fields))


class PublicMeetingQuerySet(PublicQuerySet):
    def for_list(self):
        return self.select_related("plan", "call", "zone", "parish")

    def for_page(self, user):
        from proposals.models.proposals import Proposal  # proposals.py imports this module

        gathered = Proposal.objects.visible_to(user).select_related("zone", "parish").order_by("created_at", "pk")
        return self.for_list().prefetch_related(Prefetch("proposals", queryset=gathered, to_attr="gathered"))

    def totals(self):
        """Meetings, those with a participant count, and the participants counted: one aggregate query."""
        return self.aggregate(
            meetings=Count("pk"),
            counted=Count("participants"),
            participants=Sum("participants"),
            demo=Count("pk", filter=Q(is_demo=True)),
        )


class PublicMeeting(Bilingual):
    """A public co-creation meeting, as its organisers recorded it: participants are aggregate counts only."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    plan = models.ForeignKey(
        ActionPlan, models.PROTECT, related_name="public_meetings_held", verbose_name=_("action plan")
    )
    call = models.ForeignKey(
        Call, models.SET_NULL, null=True, blank=True, related_name="meetings", verbose_name=_("call for proposals")
    )
    zone = models.ForeignKey(
        ZonalAdministration, models.PROTECT, related_name="meetings", verbose_name=_("zonal administration")
    )
    parish = models.ForeignKey(
        Parish, models.SET_NULL, null=True, blank=True, related_name="meetings", verbose_name=_("parish")
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, help_text=_("The venue, or the platform for an online one."))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    participants = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, help_text=_("How many took part; empty when nobody counted.")
    )
    participants_women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    participants_men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    participants_other_gender = models.PositiveIntegerField(_("another identity"), null=True, blank=True)
    participants_under_18 = models.PositiveIntegerField(_("under 18"), null=True, blank=True)
    participants_18_29 = models.PositiveIntegerField(_("18 to 29"), null=True, blank=True)
    participants_30_44 = models.PositiveIntegerField(_("30 to 44"), null=True, blank=True)
    participants_45_64 = models.PositiveIntegerField(_("45 to 64"), null=True, blank=True)
    participants_65_plus = models.PositiveIntegerField(_("65 or older"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = PublicMeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("public meeting")
        verbose_name_plural = _("public meetings")
        constraints = [
            models.CheckConstraint(condition=_breakdown_fits(GENDER_FIELDS), name="meeting_genders_within_total"),
            models.CheckConstraint(condition=_breakdown_fits(AGE_FIELDS), name="meeting_ages_within_total"),
        ]
        indexes = [models.Index(fields=["plan", "held_on"], name="meeting_plan_held_on")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} · {self.zone.name} · {self.place}"

    def get_absolute_url(self):
        return reverse("proposals:meeting-detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.call_id and self.plan_id and self.call.plan_id != self.plan_id:
            errors["call"] = ValidationError(
                _("The call must be one of the plan's calls."), code="call_of_another_plan"
            )
        if self.parish_id and self.zone_id and self.parish.has_confirmed_zone() and self.parish.zone_id != self.zone_id:
            errors["parish"] = ValidationError(
                _("%(parish)s does not belong to the zonal administration %(zone)s."),
                code="parish_outside_zone",
                params={"parish": self.parish, "zone": self.zone.name},
            )
        for fields, name, label in (
            (GENDER_FIELDS, "participants_women", _("by gender")),
            (AGE_FIELDS, "participants_under_18", _("by age range")),
        ):
            recorded = [getattr(self, field) for field in fields if getattr(self, field) is not None]
            if not recorded:
                continue
            if self.participants is None:
                errors[name] = ValidationError(
                    _("Write the total number of participants before breaking it down %(breakdown)s."),
                    code="breakdown_without_total",
                    params={"breakdown": label},
                )
            elif sum(recorded) > self.participants:
                errors[name] = ValidationError(
                    _("The participants %(breakdown)s add up to %(sum)d, more than the %(total)d who took part."),
                    code="breakdown_over_total",
                    params={"breakdown": label, "sum": sum(recorded), "total": self.participants},
                )
        if errors:
            raise ValidationError(errors)

    def gender_breakdown(self):
        """(label, count) of the genders recorded; empty when none was."""
        return self._breakdown(GENDER_FIELDS)

    def age_breakdown(self):
        return self._breakdown(AGE_FIELDS)

    def _breakdown(self, fields):
        if all(getattr(self, field) is None for field in fields):
            return []
        return [(self._meta.get_field(field).verbose_name, getattr(self, field)) for field in fields]
