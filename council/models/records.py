"""What a session records: minutes (with errata), agreements and milestone reviews."""

import re
import uuid

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Milestone, Organization, ProgressUpdate, today
from commitments.validators import validate_pdf
from commitments.versioning import Versioned
from commitments.visibility import PublicQuerySet, holds
from council.models.members import CouncilMember
from council.models.sessions import Session, plan_in_force

# What nh3 lets through from the Markdown of the minutes: text structure, tables and links, nothing active.
MINUTES_TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
    "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
HEADING_LEVELS = {"1": 3, "2": 3, "3": 4, "4": 5, "5": 6, "6": 6}


def require_held_session(session):
    if session is not None and not session.is_held():
        raise ValidationError(
            _("Minutes, agreements and reviews are recorded only for a held session."), code="session_not_held"
        )


def signed_minutes_upload_to(instance, filename):
    return f"actas/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class MinutesQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published minutes; drafts and approved-but-unpublished ones only for the council and its secretariat."""
        if holds(user, "council.view_minutes"):
            return self
        return self.filter(status=Minutes.Status.PUBLISHED)

    def awaiting_approval(self):
        return self.filter(status=Minutes.Status.DRAFT).select_related("session").order_by("session__scheduled_on")

    def awaiting_publication(self):
        return self.filter(status=Minutes.Status.APPROVED).select_related("session").order_by("session__scheduled_on")


class Minutes(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {"draft": "neutral", "approved": "info", "published": "ok"}[self.value]

    session = models.OneToOneField(Session, models.CASCADE, related_name="minutes", verbose_name=_("session"))
    text = models.TextField(_("text"), help_text=_("Markdown: paragraphs, lists, **bold**, *italics*, tables."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    approved_at = models.ForeignKey(
        Session, models.RESTRICT, null=True, blank=True, editable=False, related_name="approved_minutes",
        verbose_name=_("approved at session"),
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("approval recorded by"),
    )  # fmt: skip
    approved_on = models.DateTimeField(_("approval recorded on"), null=True, blank=True, editable=False)
    published_on = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    signed_pdf = models.FileField(
        _("signed minutes (PDF)"), upload_to=signed_minutes_upload_to, blank=True, max_length=200,
        validators=[validate_pdf], help_text=_("The signed PDF; at most 20 MB."),
    )  # fmt: skip

    objects = MinutesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        permissions = [("approve_minutes", _("Can approve minutes")), ("publish_minutes", _("Can publish minutes"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", approved_at__isnull=True)
                | Q(status__in=["approved", "published"], approved_at__isnull=False, approved_on__isnull=False),
                name="minutes_approval_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_on__isnull=False), name="minutes_publication_recorded"
            ),
            models.CheckConstraint(condition=~Q(approved_at=F("session")), name="minutes_approved_at_later_session"),
        ]  # fmt: skip

    def __str__(self):
        return _("Minutes of session %(number)s") % {"number": self.session.number}

    def save(self, *args, **kwargs):
        self.check_unlocked()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.session.get_absolute_url()}#acta"

    def clean(self):
        if self.session_id:
            require_held_session(self.session)

    def is_locked(self):
        """Approved minutes are never edited again; a correction is an erratum."""
        return self.status != self.Status.DRAFT

    def check_unlocked(self):
        if self._state.adding:
            return
        stored = Minutes.objects.filter(pk=self.pk).values("status", "text", "signed_pdf").first()
        if stored is None or stored["status"] == self.Status.DRAFT:
            return
        # The signed PDF may still be attached once, when the approved minutes are published.
        pdf_replaced = stored["signed_pdf"] and stored["signed_pdf"] != self.signed_pdf.name
        if stored["text"] != self.text or pdf_replaced:
            raise ValidationError(
                _("Approved minutes cannot be changed; record an erratum instead."), code="minutes_locked"
            )

    def text_html(self):
        html = markdown.markdown(self.text, extensions=["tables", "sane_lists"], output_format="html")
        # The page has h1 and the minutes' own h2: the text's headings start one level below.
        html = re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{HEADING_LEVELS[m[2]]}>", html)
        return mark_safe(nh3.clean(html, tags=MINUTES_TAGS, link_rel="nofollow noopener"))  # noqa: S308

    def approval_obstacle(self, at):
        """Why session `at` cannot approve these minutes (a ValidationError), or None when it can."""
        if not self.session.is_before(at):
            return ValidationError(
                _("Minutes are approved at a later session than the one they record."), code="approving_not_later"
            )
        if not at.is_held():
            return ValidationError(_("Minutes are approved only at a held session."), code="approving_not_held")
        if not at.quorum().reached:
            return ValidationError(
                _("Session %(number)s had no quorum, so it cannot approve minutes."),
                code="approving_without_quorum",
                params={"number": at.number},
            )
        return None

    def later_sessions(self):
        """The sessions after the one these minutes record, soonest first: the only ones that might approve."""
        session = self.session
        later = Q(scheduled_on__gt=session.scheduled_on) | Q(
            scheduled_on=session.scheduled_on, number__gt=session.number
        )
        return Session.objects.filter(later).order_by("scheduled_on", "number")

    def approval_options(self, limit=10):
        """The next `limit` later sessions, each with None if it can approve, else the reason it cannot."""
        sessions = self.later_sessions().with_quorum()[:limit]
        return [(session, self.approval_obstacle(session)) for session in sessions]

    @transaction.atomic
    def approve(self, *, at, by):
        """Record the council's approval of these minutes at a later held session that had quorum."""
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("These minutes are already approved."), code="already_approved")
        obstacle = self.approval_obstacle(at)
        if obstacle is not None:
            raise obstacle
        self.status, self.approved_at, self.approved_by = self.Status.APPROVED, at, by
        self.approved_on = timezone.now()
        self.save()

    @transaction.atomic
    def publish(self, *, signed_pdf=None):
        if self.status == self.Status.DRAFT:
            raise ValidationError(_("Only approved minutes can be published."), code="not_approved")
        if self.status == self.Status.PUBLISHED:
            raise ValidationError(_("These minutes are already published."), code="already_published")
        if signed_pdf is not None:
            if self.signed_pdf:
                raise ValidationError(_("The signed PDF is already attached."), code="pdf_attached")
            self.signed_pdf = signed_pdf
        self.status, self.published_on = self.Status.PUBLISHED, timezone.now()
        self.save()


class ErratumQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The errata of the minutes `user` may see."""
        if holds(user, "council.view_minutes"):
            return self
        return self.filter(minutes__status=Minutes.Status.PUBLISHED)


class Erratum(models.Model):
    """A correction of approved minutes, which themselves stay as approved."""

    minutes = models.ForeignKey(Minutes, models.CASCADE, related_name="errata", verbose_name=_("minutes"))
    text = models.TextField(_("correction"))
    recorded_on = models.DateField(_("recorded on"), default=today)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, verbose_name=_("author")
    )

    objects = ErratumQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["minutes", "recorded_on", "pk"]
        verbose_name = _("erratum")
        verbose_name_plural = _("errata")

    def __str__(self):
        return _("Erratum of %(minutes)s (%(date)s)") % {"minutes": self.minutes, "date": self.recorded_on}

    def get_absolute_url(self):
        return self.minutes.get_absolute_url()

    def clean(self):
        if self.minutes_id and self.minutes.status == Minutes.Status.DRAFT:
            raise ValidationError(
                _("Draft minutes are corrected directly; errata are for approved minutes."), code="erratum_of_draft"
            )


class AgreementQuerySet(PublicQuerySet):
    def open(self):
        return self.filter(status__in=Agreement.OPEN_STATUSES)

    def overdue(self, on=None):
        """Open agreements of held sessions past their due date, the longest overdue first."""
        return (
            self.open()
            .filter(session__status=Session.Status.HELD, due_on__lt=on or today())
            .select_related("session", "responsible_organization", "responsible_member")
            .order_by("due_on", "session__scheduled_on", "number")
        )

    def with_overdue(self, on=None):
        """Annotate `is_overdue`: open, of a held session, and past its due date on `on` (today by default)."""
        return self.annotate(
            is_overdue=Case(
                When(
                    Q(
                        status__in=Agreement.OPEN_STATUSES,
                        session__status=Session.Status.HELD,
                        due_on__lt=on or today(),
                    ),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def for_public_list(self):
        """Every agreement of a held session, with what the public list shows, the newest session first."""
        return (
            self.filter(session__status=Session.Status.HELD)
            .with_overdue()
            .with_plan_in_force()
            .select_related("session", "responsible_organization", "responsible_member")
            .order_by("-session__scheduled_on", "-session__number", "number")
        )

    def with_plan_in_force(self):
        """The plan in force on the date of the agreement's session (`SessionQuerySet.with_plan_in_force`)."""
        return self.annotate(**plan_in_force(prefix="session__"))

    def counts(self):
        """`{"total": …, "demo": …}`: how many of these agreements there are, and how many are demonstration
        records, in one query. It counts the session column rather than the id (the same number: every agreement
        has a session) because the index of open agreements holds the session, not the id."""
        return self.aggregate(total=Count("session"), demo=Count("session", filter=Q(session__is_demo=True)))

    def for_council_page(self):
        return (
            self.open()
            .filter(session__status=Session.Status.HELD)
            .with_overdue()
            .with_plan_in_force()
            .select_related("session", "responsible_organization", "responsible_member__organization")
            # The session's number last: two sessions may share a date, so the order is the same whatever the plan.
            .order_by(F("due_on").asc(nulls_last=True), "session__scheduled_on", "number", "session__number")
        )


class Agreement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {"pending": "neutral", "in_progress": "info", "done": "ok", "dropped": "neutral"}[self.value]

    OPEN_STATUSES = [Status.PENDING, Status.IN_PROGRESS]

    session = models.ForeignKey(Session, models.CASCADE, related_name="agreements", verbose_name=_("session"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("agreement"))
    responsible_organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="council_agreements",
        verbose_name=_("responsible organization"),
    )  # fmt: skip
    responsible_member = models.ForeignKey(
        CouncilMember, models.PROTECT, null=True, blank=True, related_name="agreements",
        verbose_name=_("responsible member"),
    )  # fmt: skip
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    follow_up_notes = models.TextField(_("follow-up notes"), blank=True)

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "number"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [
            # The open agreements in the council page's order (due date first): its first 20 are a walk of this
            # small index, and their count (`AgreementQuerySet.counts`) may read it instead of every agreement.
            models.Index(
                fields=["due_on", "session", "number"],
                condition=Q(status__in=["pending", "in_progress"]),  # Agreement.OPEN_STATUSES, as open() filters
                name="agreement_open_by_due_date",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="unique_agreement_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="agreement_number_positive"),
        ]

    def __str__(self):
        return _("Agreement %(session)s-%(number)s") % {"session": self.session.number, "number": self.number}

    def get_absolute_url(self):
        return f"{self.session.get_absolute_url()}#acuerdo-{self.number}"

    def clean(self):
        if self.session_id:
            require_held_session(self.session)
            owners = [owner for owner in (self.responsible_organization, self.responsible_member) if owner is not None]
            if any(owner.is_demo != self.session.is_demo for owner in owners):
                raise ValidationError(_("Demonstration and real records never mix."), code="demo_mix")
            if self.due_on and self.due_on < self.session.scheduled_on:
                raise ValidationError(
                    {"due_on": ValidationError(_("The due date cannot be before the session."), code="due_early")}
                )

    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def responsible_display(self):
        if self.responsible_member_id:
            return self.responsible_member.display_name()
        return self.responsible_organization.name if self.responsible_organization_id else ""


class MilestoneReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviews of held sessions; those of a session not (or no longer) held only for the council's roles."""
        if holds(user, "council.view_milestonereview"):
            return self
        return self.filter(session__status=Session.Status.HELD)

    def latest_first(self):
        return self.select_related("session").order_by("-session__scheduled_on", "-session__number")

    def of_latest_sessions(self, sessions=3):
        """The reviews of the latest `sessions` held sessions that reviewed anything, for the council's page.

        The sessions are found newest first by their date index, stopping at the `sessions`-th: no scan of every
        review."""
        reviewed = Session.objects.held().filter(Exists(MilestoneReview.objects.filter(session=OuterRef("pk"))))
        latest = reviewed.order_by("-scheduled_on", "-number").values("pk")[:sessions]
        return (
            self.filter(session__in=latest)
            .select_related("session", "milestone__commitment__plan")
            .order_by("-session__scheduled_on", "-session__number", "milestone__commitment__code", "milestone__order")
        )


class MilestoneReview(models.Model):
    class Outcome(models.TextChoices):
        VERIFIED = "verified", _("Verified")
        OBSERVATIONS = "observations", _("Verified with observations")
        NOT_VERIFIED = "not_verified", _("Not verified")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {"verified": "ok", "observations": "warn", "not_verified": "bad"}[self.value]

    VERIFIED_OUTCOMES = [Outcome.VERIFIED, Outcome.OBSERVATIONS]

    session = models.ForeignKey(Session, models.CASCADE, related_name="reviews", verbose_name=_("session"))
    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="council_reviews", verbose_name=_("milestone")
    )
    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, blank=True, related_name="council_reviews", verbose_name=_("update reviewed"),
        help_text=_("Left blank, the milestone's latest update on the session's date."),
    )  # fmt: skip
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = MilestoneReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "milestone"]
        verbose_name = _("milestone review")
        verbose_name_plural = _("milestone reviews")
        constraints = [models.UniqueConstraint(fields=["session", "milestone"], name="unique_review_per_session")]

    def __str__(self):
        return f"{self.milestone} · {self.get_outcome_display()}"

    def get_absolute_url(self):
        return f"{self.session.get_absolute_url()}#verificaciones"

    def clean(self):
        if not (self.session_id and self.milestone_id):
            return
        require_held_session(self.session)
        if self.milestone.is_demo != self.session.is_demo:
            raise ValidationError(
                {"milestone": ValidationError(_("Demonstration and real records never mix."), code="demo_mix")}
            )
        if not self.update_id:
            latest = self.milestone.updates.filter(reported_on__lte=self.session.scheduled_on).first()
            if latest is not None:
                self.update = latest
            else:
                raise ValidationError(
                    {"milestone": ValidationError(_("This milestone had no progress report on the session's date."),
                                                  code="no_update")}
                )  # fmt: skip
        elif self.update.milestone_id != self.milestone_id:
            raise ValidationError(
                {"update": ValidationError(_("The update must belong to the milestone reviewed."), code="milestone")}
            )
        elif self.update.reported_on > self.session.scheduled_on:
            raise ValidationError(
                {"update": ValidationError(_("A review may cite only an update that existed on the session's date."),
                                           code="update_after_session")}
            )  # fmt: skip

    def is_verified(self):
        return self.outcome in self.VERIFIED_OUTCOMES
