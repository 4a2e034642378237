"""Organizations, action plans and the OGP values."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.base import Bilingual, DatePrecision, precision_field, today, translated_fields_field
from commitments.visibility import PublicQuerySet


class OrganizationQuerySet(PublicQuerySet):
    def with_punctuality(self, on=None):
        """Annotate `due_count` (milestones it is responsible for, due before `on`) and `on_time_count` of them."""
        due = Q(milestones__effective_due_on__lt=on or today())
        return self.annotate(
            milestone_count=Count("milestones", distinct=True),
            due_count=Count("milestones", filter=due, distinct=True),
            on_time_count=Count(
                "milestones",
                filter=due & Q(milestones__completed_on__lte=F("milestones__effective_due_on")),
                distinct=True,
            ),
        )

    def with_punctuality_counts(self, on=None):
        """Annotate the counts behind each institution's `Punctuality` (`punctuality_<count>`), over the milestones
        it is responsible for: one grouped query, whatever the number of institutions."""
        from commitments.models.roadmap import punctuality_counts  # roadmap.py imports this module

        counts = punctuality_counts("milestones__", on)
        return self.annotate(**{f"punctuality_{name}": expression for name, expression in counts.items()})

    def least_punctual_first(self, on=None):
        """Institutions with milestones, the lowest share on time first; those with none due yet last."""
        share = models.Case(
            models.When(due_count=0, then=None),
            default=F("on_time_count") * 1.0 / F("due_count"),
            output_field=models.FloatField(),
        )
        return (
            self.with_punctuality(on)
            .filter(milestone_count__gt=0)
            .alias(share=share)
            .order_by(F("share").asc(nulls_last=True), "acronym")
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal government")
        ACADEMIA = "academia", _("Academia")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        PRIVATE_SECTOR = "private_sector", _("Private sector")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return f"{self.name} ({self.acronym})"

    def get_absolute_url(self):
        return reverse("commitments:organization-detail", kwargs={"slug": self.slug})

    def punctuality_figures(self):
        """Its `Punctuality`; needs `with_punctuality_counts()`."""
        from commitments.models.roadmap import Punctuality  # roadmap.py imports this module

        return Punctuality.of(self)

    def punctuality(self):
        """Percentage of its due milestones completed by their due date; None (no data) when none is due yet.

        Needs `with_punctuality()`.
        """
        if not self.due_count:
            return None
        return round(self.on_time_count * 100 / self.due_count)


class ActionPlanQuerySet(PublicQuerySet):
    def refresh_figures(self):
        """Recompute the stored commitment figures of these plans from their commitments (the model layer calls it
        on every change of a commitment or of its progress; bulk writers through `refresh_summaries()`)."""
        counted = self.order_by().annotate(
            counted_commitments=Count("commitments"),
            counted_documented=Count("commitments", filter=~Q(commitments__title="")),
            counted_known=Count("commitments", filter=Q(commitments__progress__isnull=False)),
            counted_total=Sum("commitments__progress"),
        )
        plans = [
            ActionPlan(
                pk=plan.pk,
                commitment_count=plan.counted_commitments,
                documented_count=plan.counted_documented,
                known_progress_count=plan.counted_known,
                progress_total=plan.counted_total,
            )
            for plan in counted
        ]
        ActionPlan.objects.bulk_update(plans, ActionPlan.FIGURE_FIELDS, batch_size=500)

    def in_force(self, on=None):
        """Plans whose sourced period contains the day `on` (today by default)."""
        on = on or today()
        return self.filter(starts_on__lte=on, ends_on__gte=on)

    def current(self, on=None):
        """The plan in force on `on` (today by default), or None when no plan's period contains that day."""
        return self.in_force(on).order_by("-number").first()

    def featured(self, on=None):
        """The plan in force, else the latest one: the plan the home page presents. One query."""
        plans = list(self.order_by("-number"))
        return next((plan for plan in plans if plan.is_current(on)), plans[0] if plans else None)


class ActionPlan(Bilingual):
    class Phase(models.TextChoices):
        COCREATION = "cocreation", _("Co-creation")
        IMPLEMENTATION = "implementation", _("Implementation")
        CLOSED = "closed", _("Closed")
        NO_DATA = "no_data", _("No data")

        @property
        def tone(self):
            return {"cocreation": "info", "implementation": "info", "closed": "neutral", "no_data": "neutral"}[
                self.value
            ]

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        IMPLEMENTATION = "implementation", _("In progress")
        FINISHED = "finished", _("Finished")
        NO_DATA = "no_data", _("No data")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {
                "upcoming": "neutral",
                "implementation": "info",
                "finished": "neutral",
                "no_data": "neutral",
            }[self.value]

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    period = models.CharField(_("period"), max_length=40, help_text=_("As published, e.g. “2022-2023”."))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    starts_on_precision = precision_field(_("precision of the start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    ends_on_precision = precision_field(_("precision of the end"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    lead_institutions = models.ManyToManyField(
        Organization, blank=True, related_name="led_plans", verbose_name=_("lead institutions")
    )
    ogp_local_member_since = models.DateField(
        _("OGP Local member since"), null=True, blank=True, help_text=_("Stored as the first day of the month.")
    )
    public_meetings = models.PositiveSmallIntegerField(_("public co-creation meetings"), null=True, blank=True)
    consultation_workshops = models.PositiveSmallIntegerField(
        _("citizen consultation workshops"), null=True, blank=True
    )
    co_creation = models.TextField(_("co-creation"), blank=True)
    co_creation_en = models.TextField(_("co-creation in English"), blank=True)
    proposal_form = models.TextField(_("what the proposal form asked for"), blank=True, help_text=_("One per line."))
    proposal_form_en = models.TextField(_("what the proposal form asked for, in English"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_basis_en = models.TextField(_("legal basis in English"), blank=True)
    monitoring = models.TextField(_("monitoring"), blank=True)
    monitoring_en = models.TextField(_("monitoring in English"), blank=True)
    online_spaces = models.JSONField(
        _("online spaces"), default=dict, blank=True, help_text=_("Name of each space and its address, as published.")
    )
    progress_page = models.URLField(_("progress page as published"), blank=True, max_length=300)
    translated_fields = translated_fields_field()
    sources = models.TextField(_("sources"), blank=True, help_text=_("One address per line."))
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    # Figures of its commitments kept by `refresh_figures()` on every change of a commitment or of its progress:
    # plan pages and lists read them instead of counting the commitments on each render.
    commitment_count = models.PositiveIntegerField(default=0, editable=False)
    documented_count = models.PositiveIntegerField(default=0, editable=False)
    known_progress_count = models.PositiveIntegerField(default=0, editable=False)
    progress_total = models.DecimalField(max_digits=9, decimal_places=1, null=True, default=None, editable=False)

    FIGURE_FIELDS = ["commitment_count", "documented_count", "known_progress_count", "progress_total"]
    # The co-creation phase; null while no source gives it. Implementation is the plan's period (starts_on, ends_on).
    cocreation_starts_on = models.DateField(_("co-creation starts on"), null=True, blank=True)
    cocreation_ends_on = models.DateField(_("co-creation ends on"), null=True, blank=True)

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=FIGURE_FIELDS)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plan_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(cocreation_ends_on__isnull=True)
                | Q(cocreation_starts_on__isnull=True)
                | Q(cocreation_ends_on__gte=F("cocreation_starts_on")),
                name="plan_cocreation_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("commitments:plan-detail", kwargs={"slug": self.slug})

    def is_current(self, on=None) -> bool:
        """“Vigente”: only while the day `on` (today by default) lies inside the sourced period."""
        on = on or today()
        return self.starts_on is not None and self.ends_on is not None and self.starts_on <= on <= self.ends_on

    def status_on(self, on=None):
        on = on or today()
        if self.ends_on and self.ends_on < on:
            return self.Status.FINISHED
        if self.starts_on and self.starts_on > on:
            return self.Status.UPCOMING
        if self.is_current(on):
            return self.Status.IMPLEMENTATION
        return self.Status.NO_DATA

    @property
    def status(self) -> str:
        """Derived from the sourced period and today, never stored."""
        return self.status_on()

    def get_status_display(self):
        return self.Status(self.status).label

    def phase_on(self, on=None):
        """Co-creation, implementation (the plan's period) or closed on the day `on`; no data when no date says."""
        on = on or today()
        starts, ends = self.cocreation_starts_on, self.cocreation_ends_on
        if starts is not None and ends is not None and starts <= on <= ends:
            return self.Phase.COCREATION
        if self.is_current(on):
            return self.Phase.IMPLEMENTATION
        if self.ends_on is not None and self.ends_on < on:
            return self.Phase.CLOSED
        return self.Phase.NO_DATA

    @property
    def phase(self):
        """Derived from the sourced dates and today, never stored."""
        return self.phase_on()

    def get_phase_display(self):
        return self.phase.label

    def has_cocreation_facts(self):
        """Whether the sources say anything about how the plan was co-created."""
        sourced = (self.public_meetings, self.consultation_workshops)
        return any(value is not None for value in sourced) or bool(self.co_creation or self.co_creation_en)

    def clean(self):
        starts, ends = self.cocreation_starts_on, self.cocreation_ends_on
        if starts is not None and ends is not None and ends < starts:
            raise ValidationError(
                {
                    "cocreation_ends_on": ValidationError(
                        _("Co-creation must end on or after the day it starts."), code="cocreation_ends_before_start"
                    )
                }
            )

    @property
    def progress(self):
        """Mean progress over the commitments whose progress is known, None if none is (stored figures)."""
        if not self.known_progress_count:
            return None
        return (self.progress_total / self.known_progress_count).quantize(Decimal("0.1"), ROUND_HALF_UP)

    # The membership month is all the source gives (“2020-10”).
    ogp_local_member_since_precision = DatePrecision.MONTH

    def proposal_form_lines(self):
        text, _language = self.localized("proposal_form")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def online_space_list(self):
        labels = {
            "open_government_portal": _("Open government portal"),
            "participation_platform": _("Participation platform"),
            "citizen_proposals_tool": _("Citizen proposals tool"),
        }
        return [(labels.get(key, key), url) for key, url in (self.online_spaces or {}).items()]


class OgpValue(models.Model):
    """One of OGP's four values; the rows are created by a migration."""

    class Key(models.TextChoices):
        ACCESS_TO_INFORMATION = "access_to_information", _("Access to information")
        CIVIC_PARTICIPATION = "civic_participation", _("Civic participation")
        PUBLIC_ACCOUNTABILITY = "public_accountability", _("Public accountability")
        TECHNOLOGY_INNOVATION = (
            "technology_innovation",
            _("Technology and innovation for transparency and accountability"),
        )

    key = models.CharField(_("key"), max_length=40, choices=Key.choices, unique=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("OGP value")
        verbose_name_plural = _("OGP values")

    def __str__(self):
        return str(self.get_key_display())

    def natural_key(self):
        return (self.key,)
