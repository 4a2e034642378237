"""The council's sessions, their agenda and who attended them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Commitment, Milestone, today
from commitments.versioning import Versioned
from council.models.members import CouncilMember, Quorum, in_office_on


class SessionQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=Session.Status.HELD)

    def upcoming(self, on=None):
        return self.filter(status=Session.Status.CONVENED, scheduled_on__gte=on or today()).order_by(
            "scheduled_on", "starts_at", "number"
        )

    def visible_to(self, user):
        """Every session is public: the convocation, the record and the suspension alike."""
        return self

    def with_quorum(self):
        """Annotate `members_in_office` on the session's date and `attending` (present or by the alternate)."""
        # A demo session is held by the demo council, a real one by the real council: they never mix.
        in_office = (
            CouncilMember.objects.filter(in_office_on(OuterRef("scheduled_on")), is_demo=OuterRef("is_demo"))
            .order_by()
            .annotate(count=Func(F("pk"), function="COUNT"))
            .values("count")
        )
        return self.annotate(
            members_in_office=Coalesce(Subquery(in_office, output_field=models.IntegerField()), Value(0)),
            attending=Count("attendances", filter=Q(attendances__status__in=Attendance.COUNTS_FOR_QUORUM)),
        )

    def for_list(self):
        return self.with_quorum().with_published_minutes().order_by("-scheduled_on", "-number")

    def for_detail_page(self):
        from council.models.records import Agreement, MilestoneReview, Minutes

        return self.with_quorum().prefetch_related(
            models.Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("commitment", "milestone__commitment").prefetch_related(
                    models.Prefetch("agreements", queryset=Agreement.objects.select_related("session"))
                ),
            ),
            models.Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("member__organization").order_by(
                    "member__sector", "member__role", "member__name"
                ),
            ),
            models.Prefetch(
                "agreements",
                queryset=Agreement.objects.select_related("responsible_organization", "responsible_member"),
            ),
            models.Prefetch(
                "reviews",
                queryset=MilestoneReview.objects.select_related("milestone__commitment", "update").order_by(
                    "milestone__commitment__code", "milestone__order"
                ),
            ),
            models.Prefetch(
                "approved_minutes",
                queryset=Minutes.objects.select_related("session").order_by("session__scheduled_on"),
            ),
        )

    def to_record(self, on=None):
        """Sessions whose date has come, not suspended, still missing their attendance or their minutes."""
        no_attendance = ~models.Exists(Attendance.objects.filter(session=OuterRef("pk")))
        return (
            self.filter(scheduled_on__lte=on or today())
            .exclude(status=Session.Status.SUSPENDED)
            .filter(no_attendance | Q(minutes__isnull=True))
            .annotate(
                has_attendance=models.Exists(Attendance.objects.filter(session=OuterRef("pk"))),
                has_minutes=models.ExpressionWrapper(Q(minutes__isnull=False), output_field=models.BooleanField()),
            )
            .order_by("scheduled_on", "number")
        )

    def with_published_minutes(self):
        from council.models.records import Minutes

        return self.annotate(
            has_published_minutes=models.Exists(
                Minutes.objects.filter(session=OuterRef("pk"), status=Minutes.Status.PUBLISHED)
            )
        )


class Session(Versioned):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary")
        EXTRAORDINARY = "extraordinary", _("Extraordinary")

    class Status(models.TextChoices):
        CONVENED = "convened", _("Convened")
        HELD = "held", _("Held")
        SUSPENDED = "suspended", _("Suspended")

    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    scheduled_on = models.DateField(_("date"), db_index=True)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONVENED)
    convened_on = models.DateField(_("convened on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_on", "-number"]
        get_latest_by = ["scheduled_on", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(convened_on__isnull=True) | Q(convened_on__lte=F("scheduled_on")),
                name="session_convened_before_date",
            ),
        ]

    def __str__(self):
        return _("Session %(number)s (%(date)s)") % {"number": self.number, "date": self.scheduled_on}

    def get_absolute_url(self):
        return reverse("council:session-detail", kwargs={"number": self.number})

    def clean(self):
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = ValidationError(_("The session must end after it starts."), code="ends_before_start")
        if self.convened_on and self.scheduled_on and self.convened_on > self.scheduled_on:
            errors["convened_on"] = ValidationError(
                _("A session is convened before it takes place."), code="convened_after_date"
            )
        if errors:
            raise ValidationError(errors)

    def title(self):
        if self.kind == self.Kind.EXTRAORDINARY:
            return _("Extraordinary session %(number)s") % {"number": self.number}
        return _("Ordinary session %(number)s") % {"number": self.number}

    def starts(self):
        """The aware start datetime in Quito."""
        return timezone.make_aware(datetime.datetime.combine(self.scheduled_on, self.starts_at))

    def ends(self):
        end = datetime.datetime.combine(self.scheduled_on, self.ends_at) if self.ends_at else None
        return timezone.make_aware(end) if end else self.starts() + datetime.timedelta(hours=2)

    def is_held(self):
        return self.status == self.Status.HELD

    def quorum(self):
        """The quorum on the session's date; uses the `with_quorum()` annotations when present."""
        if hasattr(self, "members_in_office") and hasattr(self, "attending"):
            return Quorum(self.members_in_office, self.attending)
        return Quorum(
            CouncilMember.objects.in_office(self.scheduled_on).filter(is_demo=self.is_demo).count(),
            self.attendances.filter(status__in=Attendance.COUNTS_FOR_QUORUM).count(),
        )

    def mark_held(self):
        if self.scheduled_on > today():
            raise ValidationError(
                _("Session %(number)s cannot be marked as held before its date."),
                code="held_before_date",
                params={"number": self.number},
            )
        if not self.attendances.exists():
            raise ValidationError(
                _("Record the attendance before marking session %(number)s as held."),
                code="no_attendance",
                params={"number": self.number},
            )
        self.status = self.Status.HELD
        self.save(update_fields=["status"])

    def suspend(self):
        if self.status == self.Status.HELD:
            raise ValidationError(_("A held session cannot be suspended."), code="already_held")
        self.status = self.Status.SUSPENDED
        self.save(update_fields=["status"])

    def is_before(self, other):
        return (self.scheduled_on, self.number) < (other.scheduled_on, other.number)

    def open_agreements_to_follow_up(self):
        from council.models.records import Agreement

        return (
            Agreement.objects.open()
            .filter(Q(session__scheduled_on__lt=self.scheduled_on) | Q(session__scheduled_on=self.scheduled_on,
                                                                      session__number__lt=self.number))
            .filter(session__status=Session.Status.HELD)
        )  # fmt: skip

    @transaction.atomic
    def add_agreements_follow_up(self):
        """Put the open agreements of earlier sessions on this session's agenda ("seguimiento de acuerdos")."""
        agreements = list(self.open_agreements_to_follow_up())
        item = self.agenda_items.filter(kind=AgendaItem.Kind.FOLLOW_UP).first()
        if item is None and not agreements:
            return None
        if item is None:
            last = self.agenda_items.aggregate(last=models.Max("order"))["last"] or 0
            with translation.override(settings.LANGUAGE_CODE):  # stored content is in the site's language
                title = str(AgendaItem.FOLLOW_UP_TITLE)
            item = AgendaItem.objects.create(session=self, order=last + 1, kind=AgendaItem.Kind.FOLLOW_UP, title=title)
        item.agreements.set(agreements)
        return item


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", _("Item")
        FOLLOW_UP = "follow_up", _("Follow-up of agreements")

    FOLLOW_UP_TITLE = _("Follow-up of agreements")

    session = models.ForeignKey(Session, models.CASCADE, related_name="agenda_items", verbose_name=_("session"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ITEM)
    title = models.CharField(_("title"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    commitment = models.ForeignKey(
        Commitment, models.SET_NULL, null=True, blank=True, related_name="council_agenda_items",
        verbose_name=_("commitment"),
    )  # fmt: skip
    milestone = models.ForeignKey(
        Milestone, models.SET_NULL, null=True, blank=True, related_name="council_agenda_items",
        verbose_name=_("milestone"),
    )  # fmt: skip
    agreements = models.ManyToManyField(
        "Agreement", blank=True, related_name="followed_up_in", verbose_name=_("agreements followed up"),
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[agreements])

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="unique_agenda_item_order"),
            models.CheckConstraint(
                condition=Q(commitment__isnull=True) | Q(milestone__isnull=True), name="agenda_item_one_link"
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"

    def get_absolute_url(self):
        return f"{self.session.get_absolute_url()}#punto-{self.order}"

    def clean(self):
        if self.commitment_id and self.milestone_id:
            raise ValidationError(
                _("Link the item to a commitment or to one of its milestones, not both."), code="one_link"
            )


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")
        ALTERNATE = "alternate", _("Represented by the alternate")

    COUNTS_FOR_QUORUM = [Status.PRESENT, Status.ALTERNATE]

    session = models.ForeignKey(Session, models.CASCADE, related_name="attendances", verbose_name=_("session"))
    member = models.ForeignKey(CouncilMember, models.PROTECT, related_name="attendances", verbose_name=_("member"))
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "member__sector", "member__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="unique_attendance_per_member")]

    def __str__(self):
        return f"{self.member}: {self.get_status_display()}"

    def get_absolute_url(self):
        return f"{self.session.get_absolute_url()}#asistencia"

    def clean(self):
        if not (self.session_id and self.member_id):
            return
        if self.member.is_demo != self.session.is_demo:
            raise ValidationError(
                {"member": ValidationError(_("Demonstration and real councils never mix."), code="demo_mix")}
            )
        if not self.member.is_in_office(self.session.scheduled_on):
            raise ValidationError(
                {"member": ValidationError(_("This member was not in office on the session's date."), code="term")}
            )
