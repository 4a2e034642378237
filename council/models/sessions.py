"""The council's sessions, their agenda and who attended them."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments import extensions
from commitments.models import ActionPlan, Commitment, Milestone, today
from commitments.versioning import Versioned
from commitments.visibility import PublicQuerySet
from council.models.members import CouncilMember
from council.models.quorum import Quorum, QuorumRule, quorum_annotations


def plan_in_force(prefix=""):
    """Annotations `plan_number`, `plan_period` and `plan_slug`: the plan of the session's world (demonstration or
    real) whose period contains the session's date, the latest if several do; None outside every plan.

    Sessions are not stored per plan: this is the plan in force when the council met. `prefix` reaches the session
    from another model (`"session__"` for agreements). The plans are a handful of rows: one subquery each."""
    plans = ActionPlan.objects.filter(
        is_demo=OuterRef(f"{prefix}is_demo"),
        starts_on__lte=OuterRef(f"{prefix}scheduled_on"),
        ends_on__gte=OuterRef(f"{prefix}scheduled_on"),
    ).order_by("-number")
    return {f"plan_{field}": Subquery(plans.values(field)[:1]) for field in ("number", "period", "slug")}


class SessionQuerySet(PublicQuerySet):
    """Every session is public: the convocation, the record and the suspension alike."""

    def held(self):
        return self.filter(status=Session.Status.HELD)

    def upcoming(self, on=None):
        return self.filter(status=Session.Status.CONVENED, scheduled_on__gte=on or today()).order_by(
            "scheduled_on", "starts_at", "number"
        )

    def with_quorum(self):
        """Annotate the rule applied, `members_in_office` (the seats it counts) and `attending` among them.

        A demo session is held by the demo council, a real one by the real council: they never mix.
        """
        queryset = self
        for annotations in quorum_annotations(CouncilMember, Attendance.COUNTS_FOR_QUORUM):
            queryset = queryset.annotate(**annotations)
        return queryset

    def keep_quorum_rules(self):
        """Store on each held session without one the rule in force on its date (sessions keep their rule)."""
        in_force = QuorumRule.objects.in_force_on(OuterRef("scheduled_on")).values("pk")[:1]
        return self.held().filter(quorum_rule__isnull=True).update(quorum_rule=Subquery(in_force))

    def for_list(self):
        return self.with_quorum().with_published_minutes().with_plan_in_force().order_by("-scheduled_on", "-number")

    def with_plan_in_force(self):
        """Annotate `plan_number`, `plan_period` and `plan_slug` (see `plan_in_force`)."""
        return self.annotate(**plan_in_force())

    def for_detail_page(self):
        from council.models.records import Agreement, MilestoneReview, Minutes

        return self.with_quorum().prefetch_related(
            models.Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("commitment", "milestone__commitment").prefetch_related(
                    models.Prefetch("agreements", queryset=Agreement.objects.select_related("session")),
                    "proposal_references",
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

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {"convened": "info", "held": "ok", "suspended": "neutral"}[self.value]

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
    quorum_rule = models.ForeignKey(
        QuorumRule, models.PROTECT, null=True, blank=True, editable=False, related_name="sessions",
        verbose_name=_("quorum rule"), help_text=_("The rule the session was held under, kept once it is held."),
    )  # fmt: skip
    # The last change of the row: the calendar's DTSTAMP/LAST-MODIFIED and the datasets' "last update".
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_on", "-number"]
        get_latest_by = ["scheduled_on", "number"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            # The latest held sessions, newest first (the council's page: `MilestoneReview.of_latest_sessions`): a
            # walk of this index backwards, whatever the number of sessions.
            models.Index(fields=["scheduled_on", "number"], condition=Q(status="held"), name="session_held_by_date"),
        ]
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

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        session = super().from_db(db, field_names, values, **kwargs)
        session._loaded_counting = session._counting()
        return session

    def _counting(self):
        """What decides whether and when the session counts in the members' attendance figures."""
        return (self.__dict__.get("status"), self.__dict__.get("scheduled_on"))

    def save(self, *args, **kwargs):
        if self.status == self.Status.HELD and self.quorum_rule_id is None:
            self.quorum_rule = QuorumRule.objects.in_force_on(self.scheduled_on).first()
            if self.quorum_rule is not None and kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "quorum_rule"}
        adding = self._state.adding
        super().save(*args, **kwargs)
        # Held, no longer held or moved to another date: its attendance rows enter, leave or move in the members'
        # running totals (a new session has no attendance rows yet).
        if not adding and getattr(self, "_loaded_counting", None) != self._counting():
            AttendanceTotal.objects.rebuild(self.attendances.values("member"))
        self._loaded_counting = self._counting()

    def applied_quorum_rule(self):
        """The rule this session keeps, else the one in force on its date (None when no rule is stored)."""
        if self.quorum_rule_id is not None:
            return self.quorum_rule
        return QuorumRule.objects.in_force_on(self.scheduled_on).first()

    def quorum(self, rule=None):
        """The quorum on the session's date; uses the `with_quorum()` annotations when present."""
        if hasattr(self, "members_in_office") and hasattr(self, "attending") and rule is None:
            return Quorum(self.members_in_office, self.attending, getattr(self, "rule_threshold", "majority"))
        rule = rule or self.applied_quorum_rule()
        roles = rule.counted_roles() if rule else [choice.value for choice in CouncilMember.Role]
        threshold = rule.threshold if rule else QuorumRule.Threshold.MAJORITY
        seats = CouncilMember.objects.in_office(self.scheduled_on).filter(is_demo=self.is_demo, role__in=roles)
        attending = self.attendances.filter(status__in=Attendance.COUNTS_FOR_QUORUM, member__role__in=roles)
        return Quorum(seats.count(), attending.count(), threshold, rule)

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

    objects = PublicQuerySet.as_manager()
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

    def set_proposals(self, codes):
        """Make the item concern exactly the proposals `codes` (checked by `ProposalReference.codes_from`)."""
        for reference in self.proposal_references.exclude(code__in=codes):
            reference.delete()
        kept = set(self.proposal_references.values_list("code", flat=True))
        for code in codes:
            if code not in kept:
                ProposalReference.objects.create(agenda_item=self, code=code)

    def clean(self):
        if self.commitment_id and self.milestone_id:
            raise ValidationError(
                _("Link the item to a commitment or to one of its milestones, not both."), code="one_link"
            )


class ProposalReferenceQuerySet(PublicQuerySet):
    def for_proposal(self, code):
        """The references to the proposal `code`, with their item and session, the latest session first."""
        return (
            self.filter(code=code)
            .select_related("agenda_item__session")
            .order_by("-agenda_item__session__scheduled_on", "-agenda_item__session__number", "agenda_item__order")
        )


class ProposalReference(models.Model):
    """A citizen proposal an agenda item concerns, named by its tracking code.

    council and proposals do not import each other: the code is checked, and the proposal's title and address
    found, through the lookups `proposals` provides in `commitments.extensions` (PROPOSALS_BY_CODE).
    """

    agenda_item = models.ForeignKey(
        AgendaItem, models.CASCADE, related_name="proposal_references", verbose_name=_("agenda item")
    )
    code = models.CharField(_("proposal code"), max_length=20, db_index=True)

    objects = ProposalReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agenda_item", "code"]
        verbose_name = _("proposal on the agenda")
        verbose_name_plural = _("proposals on the agenda")
        constraints = [models.UniqueConstraint(fields=["agenda_item", "code"], name="unique_proposal_per_agenda_item")]

    def __str__(self):
        return f"{self.agenda_item}: {self.code}"

    def get_absolute_url(self):
        return self.agenda_item.get_absolute_url()

    @staticmethod
    def codes_from(text, *, is_demo):
        """The proposal codes typed in `text` (separated by commas, semicolons or lines), in canonical form.

        Each must name a public proposal of the same world as the session (demonstration or real); otherwise a
        ValidationError names every code refused. Without the proposals app nothing can be checked: refused.
        """
        typed = [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]
        if not typed:
            return []
        normalize, find = extensions.lookup(extensions.PROPOSAL_CODE), extensions.lookup(extensions.PROPOSALS_BY_CODE)
        if normalize is None or find is None:
            raise ValidationError(_("Citizen proposals cannot be looked up on this site."), code="no_proposals")
        codes = {part: normalize(part) for part in typed}
        found = find({code for code in codes.values() if code}, None)
        errors = []
        for part, code in codes.items():
            if not code:
                errors.append(ValidationError(
                    _("“%(code)s” is not a proposal code: codes look like QGA-7K4-M2P-9XH."),
                    code="bad_code", params={"code": part},
                ))  # fmt: skip
            elif code not in found:
                errors.append(ValidationError(
                    _("There is no public proposal with the code %(code)s."), code="unknown_code", params={"code": code}
                ))  # fmt: skip
            elif found[code].is_demo != is_demo:
                errors.append(ValidationError(
                    _("Proposal %(code)s and this session are not both demonstration data: they never mix."),
                    code="demo_mix", params={"code": code},
                ))  # fmt: skip
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(codes.values()))


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

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = PublicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "member__sector", "member__name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="unique_attendance_per_member")]
        # The datasets' "last update" (opendata.datasets.last_updated): a MAX read from the index.
        indexes = [models.Index(fields=["updated_at"], name="attendance_updated_at")]

    def __str__(self):
        return f"{self.member}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The member's running totals (and a previous member's, if the row was moved to another member).
        members = {self.member_id, getattr(self, "_loaded_member_id", None)} - {None}
        AttendanceTotal.objects.rebuild(members)
        self._loaded_member_id = self.member_id

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

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        attendance = super().from_db(db, field_names, values, **kwargs)
        attendance._loaded_member_id = attendance.__dict__.get("member_id")
        return attendance


@receiver(post_delete, sender=Attendance, dispatch_uid="council-attendance-deleted")
def attendance_deleted(sender, instance, **kwargs):
    """A deleted attendance row (on its own or with its session) leaves the member's running totals. The row is
    already gone when this runs (a session deleted with it goes after its attendance rows): the rebuild is exact."""
    AttendanceTotal.objects.rebuild([instance.member_id])


def running_totals(attendance_rows):
    """(member id, date, recorded, attended) running totals from attendance rows of held sessions: per member and
    date, how many such rows up to that date (included) and how many of them counted for the quorum (migration
    council 0009 computes the same to fill the table)."""
    per_day = (
        attendance_rows.values_list("member_id", "session__scheduled_on")
        .annotate(
            recorded=Count("pk"),
            attended=Count("pk", filter=Q(status__in=[str(status) for status in Attendance.COUNTS_FOR_QUORUM])),
        )
        .order_by("member_id", "session__scheduled_on")
    )
    member, recorded, attended = None, 0, 0
    for member_id, day, day_recorded, day_attended in per_day:
        if member_id != member:
            member, recorded, attended = member_id, 0, 0
        recorded, attended = recorded + day_recorded, attended + day_attended
        yield member_id, day, recorded, attended


class AttendanceTotalQuerySet(models.QuerySet):
    def rebuild(self, members=None):
        """Recompute the running totals of `members` (ids, or a queryset of ids; every member when None) from
        their attendance rows. The model layer calls it on every change of an attendance row or of a session's
        status or date; bulk writers (the demo seeder) call it once at the end."""
        rows = Attendance.objects.filter(session__status=Session.Status.HELD)
        stored = self.all()
        with transaction.atomic(using=self.db):
            if members is not None:
                # The members' rows are locked while their totals are replaced: two writers recording the same
                # member one after the other, never both deleting and inserting at once.
                members = list(
                    CouncilMember.objects.select_for_update()
                    .filter(pk__in=members)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                if not members:
                    return
                rows, stored = rows.filter(member__in=members), stored.filter(member__in=members)
            stored._raw_delete(stored.db)  # derived rows: no signals, no history
            self.bulk_create(
                (
                    AttendanceTotal(member_id=member_id, held_on=day, recorded=recorded, attended=attended)
                    for member_id, day, recorded, attended in running_totals(rows)
                ),
                batch_size=1000,
            )


class AttendanceTotal(models.Model):
    """A member's attendance up to a date: per member and date of a held session they have an attendance row for,
    how many held sessions up to that date (included) record the member (`recorded`) and in how many the member
    counted for the quorum (`attended`).

    Running totals make any window two rows per member: the figures over (start, end] are the last row up to
    `end` minus the last row up to `start`. The council page thus reads two rows per member, whatever the number
    of sessions (`CouncilMemberQuerySet.with_attendance_rate`). Derived data, kept by the model layer
    (`Attendance.save`, its deletion, `Session.save` when the status or date changes; `rebuild()` after bulk
    work); no history of its own.
    """

    member = models.ForeignKey(
        CouncilMember, models.CASCADE, related_name="attendance_totals", verbose_name=_("member")
    )
    held_on = models.DateField(_("date"))
    recorded = models.PositiveIntegerField(_("sessions recorded"))
    attended = models.PositiveIntegerField(_("sessions attended"))

    objects = AttendanceTotalQuerySet.as_manager()

    class Meta:
        ordering = ["member", "held_on"]
        verbose_name = _("attendance total")
        verbose_name_plural = _("attendance totals")
        constraints = [models.UniqueConstraint(fields=["member", "held_on"], name="unique_attendance_total_per_day")]

    def __str__(self):
        return f"{self.member_id} {self.held_on}: {self.attended}/{self.recorded}"
