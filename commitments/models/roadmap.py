"""Commitments and their milestones (kept together: each reads the other), with their QuerySets."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments import extensions
from commitments.models.base import (
    DEMO_CODE_PREFIX,
    LOCAL_CODE_PREFIX,
    Bilingual,
    precision_field,
    today,
    translated_fields_field,
)
from commitments.models.plans import ActionPlan, OgpValue, Organization
from commitments.models.staff import EDITOR_GROUP, coordinates_plans, staff_organization_id
from commitments.search import build_search_text, text_search
from commitments.versioning import Versioned, locked
from commitments.visibility import PublicQuerySet


class Completion(models.TextChoices):
    """OGP's completion scale, used by the self-assessment and the independent assessment."""

    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


def stale_after_days():
    """After how many days without a report an open milestone's last report is old (`PROGRESS_STALE_DAYS`)."""
    return settings.PROGRESS_STALE_DAYS


def days_since(day, on=None):
    """Whole days from `day` to `on` (today by default); None when there is no day (never 0)."""
    return None if day is None else ((on or today()) - day).days


class DaysBetween(models.Func):
    """Whole days from the second date to the first, computed by the database."""

    arity = 2
    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: date - date is an integer number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(", **extra,
        )  # fmt: skip


class CommitmentQuerySet(PublicQuerySet):
    def for_list(self):
        # The milestone figures are stored on each commitment (`refresh_summary()`): a list never counts them.
        # Other apps' figures for the cards are annotations (commitments/extensions.py): no query more.
        return (
            self.select_related("plan", "lead")
            .defer(*Commitment.UNSHOWN_FIELDS)
            .annotate(**extensions.commitment_list_annotations())
            .order_by("plan__number", "code")
        )

    def search(self, query):
        """Search code, titles and problem in both languages, ignoring case and accents; best matches first."""
        return text_search(self, query, recent=("-pk",))

    def refresh_summaries(self):
        """Recompute the stored milestone figures of these commitments at once: call it after bulk work."""
        rows = {}
        for commitment_id, *row in Milestone.objects.filter(commitment__in=self.values("pk")).values_list(
            "commitment_id", "status", "progress", "weight", "effective_due_on", "last_reported_on"
        ):
            rows.setdefault(commitment_id, []).append(row)
        now = timezone.now()
        commitments = [
            Commitment(pk=pk, updated_at=now, **Commitment.summarise(rows.get(pk, [])))
            for pk in self.values_list("pk", flat=True)
        ]
        Commitment.objects.bulk_update(commitments, [*Commitment.SUMMARY_FIELDS, "updated_at"], batch_size=500)
        ActionPlan.objects.filter(pk__in=self.values("plan")).refresh_figures()

    def for_page(self, milestone_prefetches=()):
        """Everything the commitment page shows, in a fixed number of queries.

        `milestone_prefetches`: what other apps show per milestone, registered in `commitments/extensions.py` (the
        council's latest review); the page's view passes them, one query each."""
        return (
            self.select_related("plan", "lead")
            .defer(*Commitment.UNSHOWN_FIELDS)
            .prefetch_related(
                "ogp_values",
                "co_responsible",
                models.Prefetch("milestones", queryset=Milestone.objects.for_commitment_page(*milestone_prefetches)),
            )
        )

    def with_status(self, status, on=None):
        """Filter on the derived status (not started, on track, delayed, complete)."""
        on = on or today()
        qs = self
        statuses = {
            Commitment.Status.COMPLETE: Q(milestone_count__gt=0, complete_count=F("milestone_count")),
            Commitment.Status.DELAYED: Q(next_due_on__lt=on),
            Commitment.Status.NOT_STARTED: Q(progress=0) & (Q(next_due_on__isnull=True) | Q(next_due_on__gte=on)),
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
        ON_TRACK = "on_track", _("In progress")
        DELAYED = "delayed", _("Delayed")
        COMPLETE = "complete", _("Complete")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {
                "no_data": "neutral",
                "not_started": "neutral",
                "on_track": "info",
                "delayed": "bad",
                "complete": "ok",
            }[self.value]

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
    roadmap_validated_on = models.DateField(
        _("roadmap validated on"), null=True, blank=True,
        help_text=_("The day the advisory council validated the roadmap. From then on every change of a "
                    "milestone's planned dates needs a reason and is published. Leave empty when no source gives it."),
    )  # fmt: skip
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    translated_fields = translated_fields_field()
    sources = models.TextField(_("sources"), blank=True, help_text=_("One address per line."))
    # Milestone figures kept by refresh_summary() on every change of a milestone or a report: lists read them.
    milestone_count = models.PositiveSmallIntegerField(default=0, editable=False)
    complete_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # The due dates in force of the incomplete milestones (ISO, sorted), and the earliest: what "delayed" needs.
    open_due_dates = models.JSONField(default=list, blank=True, editable=False)
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    # The latest report on any of its milestones: "último reporte hace N días".
    last_reported_on = models.DateField(_("last reported on"), null=True, blank=True, editable=False)
    # Lower-case copy of code, titles and problem, also without accents, kept by save(); on PostgreSQL a trigger
    # keeps its Spanish text-search vector (migration 0008), which the search ranks.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    SUMMARY_FIELDS = [
        "milestone_count", "complete_count", "open_due_dates", "next_due_on", "progress", "last_reported_on"
    ]  # fmt: skip
    SEARCHED_FIELDS = ["code", "title", "title_en", "short_title", "short_title_en", "problem", "problem_en"]
    UNSHOWN_FIELDS = ["search_text", "search_vector"]

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*SUMMARY_FIELDS, *UNSHOWN_FIELDS])

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

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        commitment = super().from_db(db, field_names, values, **kwargs)
        commitment._loaded_plan_id = commitment.__dict__.get("plan_id")
        commitment._loaded_code = commitment.__dict__.get("code")
        return commitment

    def save(self, *args, **kwargs):
        self.search_text = build_search_text(*(getattr(self, name) for name in self.SEARCHED_FIELDS))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        loaded_code = getattr(self, "_loaded_code", None)
        # A new code: the old one is kept as an alias whose addresses redirect to the new ones (and the page cache
        # drops both codes' pages: quito_ga/page_versions.py reads `renamed_from`).
        self.renamed_from = loaded_code if loaded_code and loaded_code != self.code else None
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.renamed_from:
                CommitmentAlias.objects.filter(code=self.code).delete()  # the code is a commitment's again
                CommitmentAlias.objects.update_or_create(code=self.renamed_from, defaults={"commitment": self})
        self._loaded_code = self.code
        # The plan's stored figures count its commitments, the documented ones and their progress (a commitment
        # moved to another plan changes both plans).
        plans = {self.plan_id, getattr(self, "_loaded_plan_id", None)} - {None}
        ActionPlan.objects.filter(pk__in=plans).refresh_figures()
        self._loaded_plan_id = self.plan_id

    def get_absolute_url(self):
        return reverse("commitments:commitment-detail", kwargs={"code": self.code})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": ValidationError(_("The end cannot be before the start."), code="ends_before_start")}
            )

    def roadmap_is_validated(self, on=None):
        """Whether the roadmap was validated by `on` (today by default): from then on its dates change with a reason."""
        return self.roadmap_validated_on is not None and self.roadmap_validated_on <= (on or today())

    def days_since_report(self, on=None):
        """Days since the latest report on any of its milestones; None when there is none."""
        return days_since(self.last_reported_on, on)

    def stale_after_days(self):
        return stale_after_days()

    def report_is_stale(self, on=None):
        """An incomplete commitment whose latest report (or, without one, whose start) is older than the threshold."""
        if self.status in (self.Status.COMPLETE, self.Status.NO_DATA):
            return False
        days = days_since(self.last_reported_on or self.starts_on, on)
        return days is not None and days > stale_after_days()

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
    def delayed_count(self):
        """Incomplete milestones past their due date in force today, from the stored due dates (no query)."""
        on = today().isoformat()
        return sum(1 for day in self.open_due_dates if day < on)

    @property
    def status(self):
        """Derived status, from the stored milestone figures."""
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

    def refresh_summary(self):
        """Recompute the stored milestone figures: counts, open due dates and the weighted mean progress."""
        rows = self.milestones.values_list("status", "progress", "weight", "effective_due_on", "last_reported_on")
        summary = self.summarise(rows)
        for name, value in summary.items():
            setattr(self, name, value)
        Commitment.objects.filter(pk=self.pk).update(**summary, updated_at=timezone.now())
        ActionPlan.objects.filter(pk=self.plan_id).refresh_figures()

    @staticmethod
    def summarise(rows):
        """The stored figures from the milestones' (status, progress, weight, due date in force, last report)."""
        rows = list(rows)
        weights = sum(weight for _status, _progress, weight, _due, _reported in rows)
        open_due = sorted(due for status, _progress, _weight, due, _r in rows if status != Milestone.Status.COMPLETE)
        reported = [day for *_rest, day in rows if day is not None]
        progress = None  # no milestones: unknown, never 0
        if weights:
            weighted = sum(progress * weight for _status, progress, weight, _due, _reported in rows)
            progress = (Decimal(weighted) / Decimal(weights)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return {
            "milestone_count": len(rows),
            "complete_count": sum(1 for status, *_rest in rows if status == Milestone.Status.COMPLETE),
            "open_due_dates": [due.isoformat() for due in open_due],
            "next_due_on": open_due[0] if open_due else None,
            "progress": progress,
            "last_reported_on": max(reported, default=None),
        }

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
    def delayed(self, on=None):
        on = on or today()
        return self.exclude(status=Milestone.Status.COMPLETE).filter(effective_due_on__lt=on)

    def for_commitment_page(self, *extra_prefetches):
        """What the commitment page shows per milestone: its latest report only (the history has its own page),
        plus what other apps registered (`extra_prefetches`)."""
        from commitments.models.progress import ProgressUpdate  # progress.py imports this module

        return (
            self.select_related("responsible")
            .with_replanning_count()
            .prefetch_related(
                models.Prefetch(
                    "updates",
                    queryset=ProgressUpdate.objects.latest_per_milestone().prefetch_related("evidence"),
                    to_attr="latest_updates",
                ),
                *extra_prefetches,
            )
        )

    def with_replanning_count(self):
        """Annotate `replanning_count`: how many times its dates changed after the roadmap's validation."""
        from commitments.models.replanning import Replanning  # replanning.py imports this module

        counts = (
            Replanning.objects.filter(milestone=OuterRef("pk"))
            .order_by()
            .values("milestone")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(replanning_count=Coalesce(Subquery(counts), 0))

    def punctuality(self, on=None):
        """The punctuality figures of these milestones (see `Punctuality`), in one aggregate query."""
        return Punctuality(self.aggregate(**punctuality_counts(on=on)))

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

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {"not_started": "neutral", "in_progress": "info", "complete": "ok"}[self.value]

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
    PLANNED_DATE_FIELDS = ("starts_on", "due_on", "revised_due_on")
    # Set by `replan()` or an admin form for the next save: a change of dates after validation needs them.
    replan_reason = ""
    replanned_by = None

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
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
        indexes = [
            models.Index(fields=["status", "effective_due_on"], name="milestone_status_due"),
            # The datasets' "last update" (opendata.datasets.last_updated): a MAX read from the index.
            models.Index(fields=["updated_at"], name="milestone_updated_at"),
        ]

    def __str__(self):
        return f"{self.commitment.code} · {self.order}. {self.title}"

    def save(self, *args, **kwargs):
        self.effective_due_on = self.revised_due_on or self.due_on
        with transaction.atomic():
            replanning = self.pending_replanning(kwargs.get("update_fields"))
            super().save(*args, **kwargs)
            if replanning is not None:
                replanning.save()
        self.replan_reason, self.replanned_by = "", None
        self.commitment.refresh_summary()

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#hito-{self.order}"

    def pending_replanning(self, update_fields=None):
        """The ledger entry this save must write, or None; refuse a change of dates after validation without a
        reason, and any change of the validated planned due date.

        Bulk writes (`QuerySet.update`, `bulk_create`: the loaders, before any validation) do not come here."""
        from commitments.models.replanning import Replanning  # replanning.py imports this module

        if self._state.adding or self.pk is None:
            return None
        if update_fields is not None and not set(update_fields) & {*self.PLANNED_DATE_FIELDS, "effective_due_on"}:
            return None
        commitment = self.commitment
        if not commitment.roadmap_is_validated():
            return None
        stored = locked(Milestone._base_manager.filter(pk=self.pk)).values_list(*self.PLANNED_DATE_FIELDS).first()
        if stored is None:
            return None
        old_starts_on, old_due_on, old_revised_due_on = stored
        if self.due_on != old_due_on:
            raise ValidationError(self.validated_due_on_message(commitment), code="validated_due_on")
        old_due = old_revised_due_on or old_due_on
        if (old_starts_on, old_due) == (self.starts_on, self.effective_due_on):
            return None
        reason = (self.replan_reason or "").strip()
        if not reason:
            raise ValidationError(self.reason_required_message(commitment), code="replan_reason_required")
        return Replanning(
            milestone=self, old_starts_on=old_starts_on, new_starts_on=self.starts_on, old_due_on=old_due,
            new_due_on=self.effective_due_on, reason=reason, **Replanning.author_fields(self.replanned_by),
        )  # fmt: skip

    @staticmethod
    def reason_required_message(commitment):
        return _(
            "The roadmap of this commitment was validated on %(date)s: give the reason for the change of dates. "
            "The reason is published with the change."
        ) % {"date": date_format(commitment.roadmap_validated_on)}

    @staticmethod
    def validated_due_on_message(commitment):
        return _(
            "The roadmap of this commitment was validated on %(date)s: its planned due date stays as validated. "
            "Change the revised due date instead, with the reason."
        ) % {"date": date_format(commitment.roadmap_validated_on)}

    def replan(self, *, reason, by=None, starts_on=None, due_on=None):
        """Move the planned start and/or the due date; return the ledger entry written (None before validation).

        Before the roadmap's validation the draft's dates change as they are. After it, `due_on` becomes the
        revised due date (the validated one stays, for punctuality), and the change is written to the ledger with
        `reason` (required) and `by`."""
        validated = self.commitment.roadmap_is_validated()
        if starts_on is not None:
            self.starts_on = starts_on
        if due_on is not None:
            if validated:
                self.revised_due_on = None if due_on == self.due_on else due_on
            else:
                self.due_on = due_on
        self.clean()
        self.replan_reason, self.replanned_by = reason or "", by
        try:
            self.save()
        finally:
            self.replan_reason, self.replanned_by = "", None
        return self.replannings.order_by("-pk").first() if validated else None

    def delete(self, *args, **kwargs):
        commitment = self.commitment
        result = super().delete(*args, **kwargs)
        commitment.refresh_summary()
        return result

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        milestone = super().from_db(db, field_names, values, **kwargs)
        milestone._loaded_values = dict(zip(field_names, values, strict=True))
        return milestone

    def changed_fields(self):
        """The fields (attnames) whose value differs from the one loaded from the database; None when the instance
        was not loaded (new, or built by hand): everything may have changed. The page cache reads it."""
        loaded = getattr(self, "_loaded_values", None)
        if loaded is None:
            return None
        return {name for name, value in loaded.items() if getattr(self, name) != value}

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

    def days_since_report(self, on=None):
        """Days since its latest report; None when it has none (shown as "Sin reportes", never 0)."""
        return days_since(self.last_reported_on, on)

    def stale_after_days(self):
        return stale_after_days()

    def report_is_stale(self, on=None):
        """Open, and its latest report (or, without one, its start) older than `PROGRESS_STALE_DAYS`."""
        if self.is_complete():
            return False
        days = days_since(self.last_reported_on or self.starts_on, on)
        return days is not None and days > stale_after_days()

    def is_rescheduled(self):
        return self.revised_due_on is not None and self.revised_due_on != self.due_on

    def display_status(self, on=None):
        """The status shown to citizens: delayed wins over in progress / not started."""
        if self.is_delayed(on):
            return Commitment.Status.DELAYED, Commitment.Status.DELAYED.label
        status = self.Status(self.status)
        return status, status.label

    def has_evidence(self):
        from commitments.models.progress import Evidence  # progress.py imports this module

        return Evidence.objects.filter(update__milestone=self).exists()

    def has_evidence_since_last_report(self):
        """Whether evidence dated after the latest report exists: proof a new report may rely on."""
        from commitments.models.progress import Evidence  # progress.py imports this module

        latest = self.updates.order_by("-reported_on", "-created_at", "-pk").values("reported_on")[:1]
        return Evidence.objects.filter(update__milestone=self, dated_on__gt=Subquery(latest)).exists()

    @transaction.atomic
    def report(self, *, progress, status=None, note="", by=None, reported_on=None, evidence=()):
        """Append a progress update with its evidence; the milestone and its commitment follow it."""
        from commitments.models.progress import ProgressUpdate  # progress.py imports this module

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

    def completion_date(self):
        """The day it was reported complete: the first of the complete reports since the last incomplete one (a
        later report at 100 % adding evidence does not move it)."""
        complete = self.Status.COMPLETE
        last_open = (
            self.updates.exclude(status=complete).order_by("-reported_on", "-created_at", "-pk").values("reported_on")
        )
        since = self.updates.filter(status=complete)
        last_open_day = last_open.first()
        if last_open_day is not None:
            since = since.filter(reported_on__gte=last_open_day["reported_on"])
        return since.order_by("reported_on").values_list("reported_on", flat=True).first()

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
            self.completed_on = self.completion_date() if latest.status == self.Status.COMPLETE else None
        # A report changes the milestone: forms opened before it are stale, like after any other save.
        Milestone.objects.filter(pk=self.pk).update(
            version=F("version") + 1,
            progress=self.progress,
            status=self.status,
            last_reported_on=self.last_reported_on,
            completed_on=self.completed_on,
            updated_at=timezone.now(),
        )
        self.version += 1
        self.commitment.refresh_summary()


@receiver(post_delete, sender=Commitment, dispatch_uid="commitments-commitment-deleted")
def commitment_deleted(sender, instance, **kwargs):
    """The plan's stored figures without the deleted commitment."""
    ActionPlan.objects.filter(pk=instance.plan_id).refresh_figures()


class CommitmentAliasQuerySet(models.QuerySet):
    def current_code(self, code, commitments):
        """The code now in use of the commitment among `commitments` that was once `code`, or None."""
        return commitments.filter(aliases__code=code).values_list("code", flat=True).first()


class CommitmentAlias(models.Model):
    """A code a commitment had before it was renamed: its old addresses answer 301 to the new ones. Kept by
    `Commitment.save()`; a code in use by a commitment is never an alias."""

    code = models.CharField(_("previous code"), max_length=12, unique=True)
    commitment = models.ForeignKey(Commitment, models.CASCADE, related_name="aliases", verbose_name=_("commitment"))
    renamed_at = models.DateTimeField(_("renamed at"), auto_now=True)

    objects = CommitmentAliasQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("previous commitment code")
        verbose_name_plural = _("previous commitment codes")

    def __str__(self):
        return f"{self.code} → {self.commitment_id}"


def punctuality_counts(prefix="", on=None):
    """The counts behind `Punctuality`, as aggregates over milestones (`prefix` reaches them from another model,
    e.g. "milestones__" from Organization): conditional counts, one pass over the rows they are given."""
    on = on or today()
    fresh_since = on - datetime.timedelta(days=stale_after_days())

    def field(name):
        return f"{prefix}{name}"

    def q(**lookups):
        return Q(**{field(name): value for name, value in lookups.items()})

    complete = q(status=Milestone.Status.COMPLETE)
    completed = complete & q(completed_on__isnull=False)
    open_started = ~complete & q(starts_on__lte=on)
    pk = field("id")
    return {
        "milestone_count": Count(pk),
        "original_decided": Count(pk, filter=complete | q(due_on__lt=on)),
        "original_on_time": Count(pk, filter=completed & q(completed_on__lte=F(field("due_on")))),
        "revised_decided": Count(pk, filter=complete | q(effective_due_on__lt=on)),
        "revised_on_time": Count(pk, filter=completed & q(completed_on__lte=F(field("effective_due_on")))),
        "completed_count": Count(pk, filter=completed),
        "delay_days": Sum(
            Greatest(DaysBetween(F(field("completed_on")), F(field("due_on"))), Value(0)), filter=completed
        ),
        "open_started": Count(pk, filter=open_started),
        "open_fresh": Count(pk, filter=open_started & q(last_reported_on__gte=fresh_since)),
    }


PUNCTUALITY_COUNTS = (
    "milestone_count", "original_decided", "original_on_time", "revised_decided", "revised_on_time",
    "completed_count", "delay_days", "open_started", "open_fresh",
)  # fmt: skip


def _share(part, whole):
    return None if not whole else round(Decimal(part * 100) / Decimal(whole), 1)


class Punctuality:
    """An institution's punctuality over the milestones it is responsible for; None (no data) where the count it
    divides by is 0, never 0 %.

    - `on_time_original`: % of its milestones decided so far (complete, or past their planned due date) that were
      completed by their planned (validated) due date;
    - `on_time_revised`: the same against the due date in force (the revised one when re-planned);
    - `average_delay_days`: mean days past the planned due date of its completed milestones (early counts 0);
    - `fresh_reports`: % of its open milestones already started whose latest report is at most
      `PROGRESS_STALE_DAYS` days old.
    """

    def __init__(self, counts):
        self.counts = {name: counts.get(name) or 0 for name in PUNCTUALITY_COUNTS}
        c = self.counts
        self.milestone_count = c["milestone_count"]
        self.on_time_original = _share(c["original_on_time"], c["original_decided"])
        self.on_time_revised = _share(c["revised_on_time"], c["revised_decided"])
        self.average_delay_days = (
            round(Decimal(c["delay_days"]) / Decimal(c["completed_count"]), 1) if c["completed_count"] else None
        )
        self.fresh_reports = _share(c["open_fresh"], c["open_started"])

    @classmethod
    def of(cls, obj):
        """From an object annotated by `OrganizationQuerySet.with_punctuality_counts()`."""
        return cls({name: getattr(obj, f"punctuality_{name}", 0) for name in PUNCTUALITY_COUNTS})

    def as_dict(self):
        return {
            "milestone_count": self.milestone_count,
            "on_time_original": self.on_time_original,
            "on_time_revised": self.on_time_revised,
            "average_delay_days": self.average_delay_days,
            "fresh_reports": self.fresh_reports,
        }
