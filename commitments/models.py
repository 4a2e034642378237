import datetime
import os
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Count, F, Q, Subquery, Sum, Value
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.versioning import Versioned
from commitments.visibility import PublicQuerySet

COORDINATION_GROUP = "Coordinación del plan"
EDITOR_GROUP = "Editor institucional"
# Commitments of plans without OGP codes (the first plan) get a local code: prefix, plan number, commitment number.
LOCAL_CODE_PREFIX = "QGAPA"
DEMO_CODE_PREFIX = "DEMOQ"
DEMO_FLAG_CACHE_KEY = "commitments:demo-data-present"
# What each role may do in this app, as model permissions (codenames of the `commitments` app).
ROLE_PERMISSIONS = {
    COORDINATION_GROUP: [
        f"{action}_{model}"
        for model in ["organization", "actionplan", "commitment", "milestone", "evidence", "staffprofile"]
        for action in ["add", "change", "delete", "view"]
    ]
    + ["add_progressupdate", "change_progressupdate", "view_progressupdate", "view_ogpvalue"],
    EDITOR_GROUP: [
        "view_organization", "view_actionplan", "view_commitment", "view_ogpvalue", "view_milestone",
        "change_milestone", "view_progressupdate", "add_progressupdate", "view_evidence", "add_evidence",
    ],
}  # fmt: skip


def ensure_role_groups(apps):
    """Create the role groups with their permissions (or bring them up to date); `apps` may be historical."""
    group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        group.permissions.add(
            *permission_model.objects.filter(content_type__app_label="commitments", codename__in=codenames)
        )


def today():
    return timezone.localdate()


class DatePrecision(models.TextChoices):
    """How much of a sourced date its source gives; a month-precision date is shown as “abril de 2023”."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def translated_fields_field():
    return models.JSONField(
        _("texts translated by the portal"), default=list, blank=True,
        help_text=_("Names of the fields whose text the portal translated from the other language, e.g. "
                    "“problem” (Spanish) or “title_en” (English)."),
    )  # fmt: skip


def precision_field(verbose_name):
    return models.CharField(
        verbose_name, max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY,
        help_text=_("What the source gives. A start is stored as the first day of its month or year, an end as "
                    "the last."),
    )  # fmt: skip


class Bilingual(models.Model):
    """Content written in Spanish, with an optional English version shown under /en/."""

    class Meta:
        abstract = True

    def is_portal_translation(self, field, language):
        """Whether the text shown for `field` in `language` is the portal's translation (see `translated_fields`)."""
        name = f"{field}_en" if language == "en" else field
        return name in (getattr(self, "translated_fields", None) or [])

    def original_source(self):
        """The first web address among the sources: where the original-language text can be read."""
        return next((source for source in self.source_list() if source.startswith("http")), "")

    def source_list(self):
        return [line.strip() for line in getattr(self, "sources", "").splitlines() if line.strip()]

    def localized(self, field):
        """Return (text, language) for the active language, falling back to the other one."""
        spanish, english = getattr(self, field), getattr(self, f"{field}_en", "")
        if (get_language() or "es").startswith("en") and english:
            return english, "en"
        if spanish:
            return spanish, "es"
        return english, "en"


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

    def punctuality(self):
        """Percentage of its due milestones completed by their due date; None (no data) when none is due yet.

        Needs `with_punctuality()`.
        """
        if not self.due_count:
            return None
        return round(self.on_time_count * 100 / self.due_count)


class ActionPlanQuerySet(PublicQuerySet):
    def with_progress(self):
        """Annotate the counts behind `progress`: the mean over the commitments whose progress is known."""
        return self.annotate(
            commitment_count=Count("commitments", distinct=True),
            documented_count=Count("commitments", filter=~Q(commitments__title=""), distinct=True),
            known_progress_count=Count("commitments", filter=Q(commitments__progress__isnull=False), distinct=True),
            progress_total=Sum("commitments__progress"),
        )

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
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        IMPLEMENTATION = "implementation", _("In implementation")
        FINISHED = "finished", _("Finished")
        NO_DATA = "no_data", _("No data")

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

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="plan_ends_after_start",
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

    @property
    def progress(self):
        """Mean progress over the commitments whose progress is known, None if none is; needs `with_progress()`."""
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


class Completion(models.TextChoices):
    """OGP's completion scale, used by the self-assessment and the independent assessment."""

    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class CommitmentQuerySet(PublicQuerySet):
    def with_progress_summary(self, on=None):
        """Annotate milestone counts: `milestone_count`, `complete_count`, `delayed_count`."""
        on = on or today()
        return self.annotate(
            milestone_count=Count("milestones", distinct=True),
            complete_count=Count("milestones", filter=Q(milestones__status=Milestone.Status.COMPLETE), distinct=True),
            delayed_count=Count(
                "milestones",
                filter=~Q(milestones__status=Milestone.Status.COMPLETE) & Q(milestones__effective_due_on__lt=on),
                distinct=True,
            ),
        )

    def for_list(self):
        return self.select_related("plan", "lead").with_progress_summary().order_by("plan__number", "code")

    def for_page(self):
        """Everything the commitment page shows, in a fixed number of queries."""
        return (
            self.select_related("plan", "lead")
            .prefetch_related(
                "ogp_values",
                "co_responsible",
                models.Prefetch("milestones", queryset=Milestone.objects.for_commitment_page()),
            )
            .with_progress_summary()
        )

    def with_status(self, status, on=None):
        """Filter on the derived status (not started, on track, delayed, complete)."""
        qs = self if "milestone_count" in self.query.annotations else self.with_progress_summary(on)
        statuses = {
            Commitment.Status.COMPLETE: Q(milestone_count__gt=0, complete_count=F("milestone_count")),
            Commitment.Status.DELAYED: Q(delayed_count__gt=0),
            Commitment.Status.NOT_STARTED: Q(progress=0, delayed_count=0),
            Commitment.Status.NO_DATA: Q(milestone_count=0),
        }
        if status == Commitment.Status.ON_TRACK:
            return qs.exclude(statuses[Commitment.Status.COMPLETE]).exclude(
                statuses[Commitment.Status.DELAYED]
                | statuses[Commitment.Status.NOT_STARTED]
                | statuses[Commitment.Status.NO_DATA]
            )
        if status == Commitment.Status.NOT_STARTED:
            return qs.filter(statuses[status]).exclude(statuses[Commitment.Status.COMPLETE])
        return qs.filter(statuses[status])

    def involving(self, organization):
        return self.filter(Q(lead=organization) | Q(co_responsible=organization)).distinct()


class Commitment(Bilingual):
    class Status(models.TextChoices):
        NO_DATA = "no_data", _("No data")
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DELAYED = "delayed", _("Delayed")
        COMPLETE = "complete", _("Complete")

    class Verifiability(models.TextChoices):
        VERIFIABLE = "verifiable", _("Verifiable")
        NOT_VERIFIABLE = "not_verifiable", _("Not verifiable")

    class PotentialForResults(models.TextChoices):
        UNCLEAR = "unclear", _("Unclear")
        MODEST = "modest", _("Modest")
        SUBSTANTIAL = "substantial", _("Substantial")

    class OpenedGovernment(models.TextChoices):
        WORSENED = "worsened", _("Worsened")
        DID_NOT_CHANGE = "did_not_change", _("Did not change")
        MARGINAL = "marginal", _("Marginal")
        MAJOR = "major", _("Major")
        OUTSTANDING = "outstanding", _("Outstanding")

    plan = models.ForeignKey(ActionPlan, models.PROTECT, related_name="commitments", verbose_name=_("action plan"))
    code = models.CharField(
        _("OGP code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{5}\d{4}$", _("Use OGP's format, e.g. ECQTO0001."), code="code")],
        help_text=_(
            "Commitments of plans without OGP codes get a local code QGAPA + plan number + commitment number, "
            "e.g. QGAPA0102."
        ),
    )
    title = models.TextField(
        _("title"), blank=True, help_text=_("Leave empty when the sources do not publish it: the page says so.")
    )
    title_en = models.TextField(_("title in English"), blank=True)
    short_title = models.CharField(_("short title"), max_length=160, blank=True)
    short_title_en = models.CharField(_("short title in English"), max_length=160, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    problem = models.TextField(_("problem"), blank=True)
    problem_en = models.TextField(_("problem in English"), blank=True)
    status_quo = models.TextField(_("status quo"), blank=True)
    status_quo_en = models.TextField(_("status quo in English"), blank=True)
    action = models.TextField(_("action"), blank=True)
    action_en = models.TextField(_("action in English"), blank=True)
    ogp_values = models.ManyToManyField(OgpValue, blank=True, related_name="commitments", verbose_name=_("OGP values"))
    lead = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_commitments",
        verbose_name=_("lead institution"),
        help_text=_("Leave empty when the sources do not name it."),
    )
    co_responsible = models.ManyToManyField(
        Organization, blank=True, related_name="co_led_commitments", verbose_name=_("co-responsible organizations")
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    starts_on_precision = precision_field(_("precision of the start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    ends_on_precision = precision_field(_("precision of the end"))
    progress = models.DecimalField(
        _("progress"), max_digits=4, decimal_places=1, null=True, default=None, editable=False,
        help_text=_("Weighted mean of the milestones' progress, kept up to date by every report; empty (no data) "
                    "while the commitment has no milestones."),
    )  # fmt: skip
    self_assessed_completion = models.CharField(
        _("self-assessed completion"), max_length=20, choices=Completion.choices, blank=True
    )
    irm_verifiability = models.CharField(_("verifiability"), max_length=20, choices=Verifiability.choices, blank=True)
    irm_potential_for_results = models.CharField(
        _("potential for results"), max_length=20, choices=PotentialForResults.choices, blank=True
    )
    irm_completion = models.CharField(_("completion"), max_length=20, choices=Completion.choices, blank=True)
    irm_opened_government = models.CharField(
        _("did it open government?"), max_length=20, choices=OpenedGovernment.choices, blank=True
    )
    irm_assessor = models.CharField(
        _("assessor"), max_length=200, blank=True, help_text=_("OGP's IRM or the local monitoring body.")
    )
    irm_assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    translated_fields = translated_fields_field()
    sources = models.TextField(_("sources"), blank=True, help_text=_("One address per line."))

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["progress"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="commitment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="commitment_progress_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.short_title or self.title or self.display_title()}"

    def get_absolute_url(self):
        return reverse("commitments:commitment-detail", kwargs={"code": self.code})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": ValidationError(_("The end cannot be before the start."), code="ends_before_start")}
            )

    def has_ogp_code(self):
        return not self.code.startswith((LOCAL_CODE_PREFIX, DEMO_CODE_PREFIX))

    def is_documented(self):
        """Whether the sources consulted publish the commitment's title (ECQTO0002 to 0004 are not)."""
        return bool(self.title or self.title_en)

    def display_title(self):
        if not self.is_documented():
            return _("Title not published in the sources consulted")
        text, _language = self.localized("short_title")
        return text or self.localized("title")[0]

    @property
    def status(self):
        """Derived status; needs the `with_progress_summary()` annotations."""
        return self.status_from_counts(self.milestone_count, self.complete_count, self.delayed_count, self.progress)

    @classmethod
    def status_from_counts(cls, milestone_count, complete_count, delayed_count, progress):
        if not milestone_count or progress is None:
            return cls.Status.NO_DATA
        if complete_count == milestone_count:
            return cls.Status.COMPLETE
        if delayed_count:
            return cls.Status.DELAYED
        if not progress:
            return cls.Status.NOT_STARTED
        return cls.Status.ON_TRACK

    def get_status_display(self):
        return self.Status(self.status).label

    def refresh_progress(self):
        """Recompute the stored progress as the weighted mean of the milestones' progress (None without any)."""
        totals = self.milestones.aggregate(weighted=Sum(F("progress") * F("weight")), weights=Sum("weight"))
        weights = totals["weights"]
        if weights:
            value = Decimal(totals["weighted"]) / Decimal(weights)
            self.progress = value.quantize(Decimal("0.1"), ROUND_HALF_UP)
        else:
            self.progress = None  # no milestones: unknown, never 0
        Commitment.objects.filter(pk=self.pk).update(progress=self.progress)

    @staticmethod
    def sources_of(rows):
        """The sources of several commitments (or plans), each once, in order of appearance."""
        return list(dict.fromkeys(source for row in rows for source in row.source_list()))

    @staticmethod
    def progress_summary(commitments):
        """The mean progress over the commitments whose progress is known, with how many those are."""
        commitments = list(commitments)
        known = [commitment.progress for commitment in commitments if commitment.progress is not None]
        mean = (sum(known) / len(known)).quantize(Decimal("0.1"), ROUND_HALF_UP) if known else None
        return {"progress": mean, "known": len(known), "total": len(commitments)}


# What staff are reminded of: milestones due within this many days, and those without a report for that many.
DUE_SOON_DAYS = 30
NO_REPORT_DAYS = 60


class MilestoneQuerySet(PublicQuerySet):
    # Other apps add what the commitment page shows per milestone (the council's reviews) from AppConfig.ready().
    page_prefetches = []

    def delayed(self, on=None):
        on = on or today()
        return self.exclude(status=Milestone.Status.COMPLETE).filter(effective_due_on__lt=on)

    def for_commitment_page(self):
        return self.select_related("responsible").prefetch_related(
            models.Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.prefetch_related("evidence"),
            ),
            *self.page_prefetches,
        )

    def editable_by(self, user):
        """Milestones a staff user may report on: coordination sees all, an editor only their institution's."""
        if coordinates_plans(user):
            return self
        organization_id = staff_organization_id(user)
        if organization_id is None or not user.groups.filter(name=EDITOR_GROUP).exists():
            return self.none()
        return self.filter(
            Q(commitment__lead_id=organization_id) | Q(commitment__co_responsible__id=organization_id)
        ).distinct()

    def due_within(self, days, on=None):
        """Incomplete milestones due from `on` to `days` days later (the due date in force)."""
        on = on or today()
        return self.exclude(status=Milestone.Status.COMPLETE).filter(
            effective_due_on__gte=on, effective_due_on__lte=on + datetime.timedelta(days=days)
        )

    def without_report_for(self, days, on=None):
        """Incomplete milestones started at least `days` days ago with no report in those `days` days."""
        cutoff = (on or today()) - datetime.timedelta(days=days)
        return (
            self.exclude(status=Milestone.Status.COMPLETE)
            .filter(starts_on__lte=cutoff)
            .filter(Q(last_reported_on__isnull=True) | Q(last_reported_on__lt=cutoff))
        )

    @staticmethod
    def urgency_ordering():
        """Incomplete before complete; among them the longest overdue first, then by the due date in force."""
        complete_last = models.Case(
            models.When(status=Milestone.Status.COMPLETE, then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        return [complete_last.asc(), F("effective_due_on").asc(), "commitment__code", "order"]

    def by_urgency(self):
        return self.order_by(*self.urgency_ordering())


class Milestone(Versioned):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")

    commitment = models.ForeignKey(Commitment, models.CASCADE, related_name="milestones", verbose_name=_("commitment"))
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("activities"), blank=True)
    responsible = models.ForeignKey(
        Organization, models.PROTECT, related_name="milestones", verbose_name=_("responsible organization")
    )
    starts_on = models.DateField(_("planned start"))
    due_on = models.DateField(_("planned due date"))
    revised_due_on = models.DateField(_("revised due date"), null=True, blank=True)
    effective_due_on = models.DateField(_("due date in force"), editable=False, db_index=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MaxValueValidator(100)],
        help_text=_("Relative weight in the commitment's progress."),
    )  # fmt: skip
    means_of_verification = models.TextField(_("means of verification"), blank=True)
    # The latest report, copied here by ProgressUpdate so that lists never have to look it up.
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED, editable=False
    )
    last_reported_on = models.DateField(_("last reported on"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    conflict_ignored_fields = ("effective_due_on",)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["progress", "status", "last_reported_on", "completed_on"])

    class Meta:
        ordering = ["commitment", "order"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "order"], name="unique_milestone_order"),
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="milestone_due_after_start"),
            models.CheckConstraint(
                condition=Q(revised_due_on__isnull=True) | Q(revised_due_on__gte=F("starts_on")),
                name="milestone_revised_due_after_start",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="milestone_progress_0_100"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="milestone_weight_positive"),
        ]
        indexes = [models.Index(fields=["status", "effective_due_on"], name="milestone_status_due")]

    def __str__(self):
        return f"{self.commitment.code} · {self.order}. {self.title}"

    def save(self, *args, **kwargs):
        self.effective_due_on = self.revised_due_on or self.due_on
        super().save(*args, **kwargs)
        self.commitment.refresh_progress()

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#hito-{self.order}"

    def delete(self, *args, **kwargs):
        commitment = self.commitment
        result = super().delete(*args, **kwargs)
        commitment.refresh_progress()
        return result

    def clean(self):
        errors = {}
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            errors["due_on"] = ValidationError(
                _("The due date cannot be before the planned start."), code="due_before_start"
            )
        if self.starts_on and self.revised_due_on and self.revised_due_on < self.starts_on:
            errors["revised_due_on"] = ValidationError(
                _("The revised due date cannot be before the planned start."), code="revised_before_start"
            )
        if errors:
            raise ValidationError(errors)

    def is_complete(self):
        return self.status == self.Status.COMPLETE

    def is_delayed(self, on=None):
        return not self.is_complete() and (self.revised_due_on or self.due_on) < (on or today())

    def days_delayed(self, on=None):
        if not self.is_delayed(on):
            return 0
        return ((on or today()) - (self.revised_due_on or self.due_on)).days

    def is_rescheduled(self):
        return self.revised_due_on is not None and self.revised_due_on != self.due_on

    def display_status(self, on=None):
        """The status shown to citizens: delayed wins over in progress / not started."""
        if self.is_delayed(on):
            return "delayed", _("Delayed")
        return self.status, self.get_status_display()

    def has_evidence(self):
        return Evidence.objects.filter(update__milestone=self).exists()

    def has_evidence_since_last_report(self):
        """Whether evidence dated after the latest report exists: proof a new report may rely on."""
        latest = self.updates.order_by("-reported_on", "-created_at", "-pk").values("reported_on")[:1]
        return Evidence.objects.filter(update__milestone=self, dated_on__gt=Subquery(latest)).exists()

    @transaction.atomic
    def report(self, *, progress, status=None, note="", by=None, reported_on=None, evidence=()):
        """Append a progress update with its evidence; the milestone and its commitment follow it."""
        update = ProgressUpdate(
            milestone=self,
            progress=progress,
            status=status or ProgressUpdate.status_for(progress),
            note=note,
            author=by,
            reported_on=reported_on or today(),
        )
        update.full_clean(exclude=["milestone"])
        update.check_evidence(new_evidence_count=len(evidence))
        update.save()
        for item in evidence:
            item.update = update
            item.full_clean()
            item.save()
        return update

    def apply_latest_update(self):
        """Copy the latest update's progress and status onto the milestone, then the commitment's progress."""
        latest = self.updates.order_by("-reported_on", "-created_at", "-pk").first()
        if latest is None:
            self.progress, self.status, self.last_reported_on, self.completed_on = (
                0,
                self.Status.NOT_STARTED,
                None,
                None,
            )
        else:
            self.progress, self.status, self.last_reported_on = latest.progress, latest.status, latest.reported_on
            self.completed_on = latest.reported_on if latest.status == self.Status.COMPLETE else None
        # A report changes the milestone: forms opened before it are stale, like after any other save.
        Milestone.objects.filter(pk=self.pk).update(
            version=F("version") + 1,
            progress=self.progress,
            status=self.status,
            last_reported_on=self.last_reported_on,
            completed_on=self.completed_on,
        )
        self.version += 1
        self.commitment.refresh_progress()


class ProgressUpdateQuerySet(PublicQuerySet):
    def latest_first(self):
        return self.select_related("milestone__commitment").order_by("-reported_on", "-created_at", "-pk")


class ProgressUpdate(models.Model):
    """A dated report on a milestone. Append-only: a correction is a new update."""

    Status = Milestone.Status

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="updates", verbose_name=_("milestone"))
    reported_on = models.DateField(_("reported on"), default=today)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        validators=[MaxValueValidator(100, _("Progress is a percentage between 0 and 100."))],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("public note"), blank=True, help_text=_("Shown to citizens on the commitment page."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-created_at", "-pk"]
        get_latest_by = ["reported_on", "created_at", "pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="update_progress_0_100"),
            models.CheckConstraint(condition=~Q(status="complete") | Q(progress=100), name="update_complete_means_100"),
        ]
        indexes = [models.Index(fields=["-reported_on", "-created_at"], name="update_latest_first")]

    def __str__(self):
        return _("%(milestone)s: %(progress)s%% on %(date)s") % {
            "milestone": self.milestone,
            "progress": self.progress,
            "date": self.reported_on,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Progress updates cannot be changed; report a new one."), code="append_only")
        if not self.status:
            self.status = self.status_for(self.progress)
        super().save(*args, **kwargs)
        self.milestone.apply_latest_update()

    def get_absolute_url(self):
        return self.milestone.get_absolute_url()

    def delete(self, *args, **kwargs):
        milestone = self.milestone
        result = super().delete(*args, **kwargs)
        milestone.apply_latest_update()
        return result

    @staticmethod
    def status_for(progress):
        if progress >= 100:
            return Milestone.Status.COMPLETE
        if progress <= 0:
            return Milestone.Status.NOT_STARTED
        return Milestone.Status.IN_PROGRESS

    def clean(self):
        if self.progress is None:
            return
        if not self.status:
            self.status = self.status_for(self.progress)
        if self.status == Milestone.Status.COMPLETE and self.progress != 100:
            raise ValidationError(
                {"status": ValidationError(_("A complete milestone must be at 100%."), code="complete_not_100")}
            )
        if self.progress == 100 and self.status != Milestone.Status.COMPLETE:
            raise ValidationError(
                {"status": ValidationError(_("At 100% the milestone is complete."), code="100_not_complete")}
            )
        if self.reported_on and self.reported_on > today():
            raise ValidationError(
                {"reported_on": ValidationError(_("A report cannot be dated in the future."), code="future_report")}
            )

    EVIDENCE_REQUIRED = _("Attach at least one piece of evidence to report a milestone as complete (100%).")

    def needs_evidence(self):
        return self.progress == 100 or self.status == Milestone.Status.COMPLETE

    def check_evidence(self, *, new_evidence_count):
        """Refuse a 100 % or complete report unless it carries evidence itself, or evidence dated after the
        milestone's previous report exists: evidence that came with an earlier stage does not prove completion."""
        if not self.needs_evidence() or new_evidence_count:
            return
        if not self.milestone_id:
            raise ValidationError(self.EVIDENCE_REQUIRED, code="evidence_required")
        if self.milestone.has_evidence_since_last_report():
            return
        if self.milestone.has_evidence():
            raise ValidationError(
                _(
                    "Attach evidence to this report to mark the milestone complete (100%%): the evidence already "
                    "on the milestone came with earlier reports, and only evidence dated after the last report "
                    "(%(date)s) proves completion."
                ),
                code="evidence_required",
                params={
                    "date": date_format(self.milestone.last_reported_on) if self.milestone.last_reported_on else ""
                },
            )
        raise ValidationError(self.EVIDENCE_REQUIRED, code="evidence_required")


ALLOWED_EVIDENCE_TYPES = {
    # extension: the signatures the file must start with (None: text, checked separately)
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".csv": None,
}
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def validate_evidence_file(upload):
    """Accept only documents, images and CSV of at most 20 MB whose content matches their extension."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    allowed = ", ".join(sorted(ext.lstrip(".").upper() for ext in ALLOWED_EVIDENCE_TYPES))
    if extension not in ALLOWED_EVIDENCE_TYPES:
        raise ValidationError(
            _("Files of this type are not accepted. Upload one of: %(allowed)s."),
            code="file_type",
            params={"allowed": allowed},
        )
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="file_size")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = ALLOWED_EVIDENCE_TYPES[extension]
    if signatures is None:
        matches = b"\x00" not in head
    else:
        matches = any(head.startswith(signature) for signature in signatures)
        if extension == ".webp":
            matches = matches and head[8:12] == b"WEBP"
    if not matches:
        raise ValidationError(
            _("The file's content does not match its extension (%(extension)s)."),
            code="file_content",
            params={"extension": extension},
        )


def evidence_upload_to(instance, filename):
    extension = os.path.splitext(filename)[1].lower()
    return f"evidencias/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Evidence(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, related_name="evidence", verbose_name=_("progress update")
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to=evidence_upload_to, blank=True, max_length=200, validators=[validate_evidence_file],
        help_text=_("PDF, image, office document or CSV; at most 20 MB."),
    )  # fmt: skip
    url = models.URLField(_("link"), blank=True, max_length=500)
    dated_on = models.DateField(_("date"), default=today)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["dated_on", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_file_xor_url",
                violation_error_code="file_or_url",
                violation_error_message=_(
                    "Give either a file or a link for each piece of evidence, not both and not neither."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.url:
            return self.url
        return reverse("commitments:evidence-download", kwargs={"pk": self.pk})

    def file_extension(self):
        return os.path.splitext(self.file.name)[1].lstrip(".").upper() if self.file else ""


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


def demo_data_present():
    """Whether demonstration data exists; cached, so pages pay at most one small query."""
    present = cache.get(DEMO_FLAG_CACHE_KEY)
    if present is None:
        present = Commitment.objects.filter(Q(is_demo=True) | Q(milestones__is_demo=True)).exists()
        cache.set(DEMO_FLAG_CACHE_KEY, present, 60 * 60)
    return present


def forget_demo_data_flag():
    cache.delete(DEMO_FLAG_CACHE_KEY)


@receiver([post_save, post_delete], sender=Commitment)
@receiver([post_save, post_delete], sender=Milestone)
def _demo_data_changed(sender, instance, **kwargs):
    if instance.is_demo:
        forget_demo_data_flag()
