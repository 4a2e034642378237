"""Proposals, the moderation queue and the status history; the moderation role table."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Commitment, OgpValue
from commitments.search import build_search_text, text_search
from commitments.versioning import Versioned
from proposals.models.calls import Call
from proposals.models.codes import new_tracking_code
from proposals.models.meetings import PublicMeeting
from proposals.models.places import Parish, ZonalAdministration

MODERATION_GROUP = "Moderación de propuestas"
# What each role may do with proposals, as model permissions of `proposals` ("app.codename": another app's).
ROLE_PERMISSIONS = {
    MODERATION_GROUP: [
        *[f"{action}_proposal" for action in ("view", "add", "change")],
        "view_proposalqueue",
        "change_proposalqueue",
        *[f"{action}_proposercontact" for action in ("view", "add", "change")],
        "view_statusevent",
        *[f"{action}_call" for action in ("view", "add", "change")],
        "view_zonaladministration",
        "change_zonaladministration",
        *[f"{action}_parish" for action in ("view", "add", "change")],
        "commitments.view_commitment",
        "view_publicmeeting",
    ],
    # The plan's coordination reads proposals, never their proposers' data.
    "Coordinación del plan": [
        "view_proposal", "view_proposalqueue", "view_statusevent", "view_call", "view_zonaladministration",
        "view_parish", *[f"{action}_publicmeeting" for action in ("view", "add", "change", "delete")],
    ],
}  # fmt: skip


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything for moderators and superusers; for everyone else, the proposals not hidden."""
        if user is not None and user.is_authenticated and can_moderate(user):
            return self
        return self.filter(is_hidden=False)

    def by_codes(self, codes):
        """`{code: proposal}` for the proposals among `codes`, with what a link to each shows (one query)."""
        rows = self.filter(code__in=list(codes)).only("code", "title", "is_demo", "is_hidden")
        return {proposal.code: proposal for proposal in rows}

    def shaping(self, commitment, limit):
        """The latest `limit` of these proposals linked to `commitment`, with what a link shows (one query).

        Newest first by id, which the join equates with the link's proposal id: PostgreSQL walks the links' index on
        (commitment, proposal) backwards and stops after `limit` rows (migration 0013), so a commitment linked to
        thousands of proposals costs what one linked to ten does."""
        return list(self.filter(commitments=commitment).only("code", "title", "is_demo").order_by("-pk")[:limit])

    def for_list(self):
        # The response is read: a list shows a closing status only beside its reasoned response.
        return self.select_related("call__plan", "zone", "parish").defer(
            "problem", "solution", *Proposal.UNSHOWN_FIELDS
        )

    def for_detail(self):
        return self.select_related("call", "zone", "parish", "duplicate_of").prefetch_related(
            models.Prefetch("events", queryset=StatusEvent.objects.order_by("created_at", "pk")),
            models.Prefetch("commitments", queryset=Commitment.objects.select_related("plan").order_by("code")),
        )

    def sent_with(self, token):
        """The proposal stored from the form carrying `token` (none for no token)."""
        return self.filter(submission_token=token) if token else self.none()

    def with_public_status(self, status):
        """Filter on the status the public sees: a closing counts only beside its reasoned response."""
        closed_unanswered = Q(status__in=Proposal.CLOSED_STATUSES, response="")
        if status == Proposal.Status.UNDER_REVIEW:
            return self.filter(Q(status=status) | closed_unanswered)
        return self.filter(status=status).exclude(closed_unanswered)

    def awaiting_answer(self):
        """Open proposals without a reasoned response yet, the oldest first."""
        return (
            self.exclude(status__in=Proposal.CLOSED_STATUSES)
            .filter(response="")
            .defer("problem", "solution", *Proposal.UNSHOWN_FIELDS)
            .order_by("created_at", "pk")
        )

    def closed_before(self, moment):
        return self.filter(status__in=Proposal.CLOSED_STATUSES, closed_at__lt=moment)

    def search(self, query):
        """Search title, problem and solution ignoring case and accents; best matches first on PostgreSQL."""
        return text_search(self, query, recent=("-created_at", "-pk"))


def can_moderate(user):
    return user.is_superuser or user.has_perm("proposals.view_proposercontact")


class Proposal(Versioned):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        INCORPORATED = "incorporated", _("Incorporated into a commitment")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        DUPLICATE = "duplicate", _("Duplicate of another proposal")
        WITHDRAWN = "withdrawn", _("Withdrawn")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {
                "received": "neutral",
                "under_review": "info",
                "accepted": "ok",
                "incorporated": "ok",
                "not_accepted": "neutral",
                "duplicate": "neutral",
                "withdrawn": "neutral",
            }[self.value]

    CLOSED_STATUSES = (Status.INCORPORATED, Status.NOT_ACCEPTED, Status.DUPLICATE, Status.WITHDRAWN)

    code = models.CharField(_("tracking code"), max_length=20, unique=True, editable=False)
    call = models.ForeignKey(Call, models.PROTECT, related_name="proposals", verbose_name=_("call for proposals"))
    title = models.CharField(_("title"), max_length=150)
    problem = models.TextField(_("the problem"), max_length=3000)
    solution = models.TextField(_("the proposed solution"), max_length=3000)
    topic = models.CharField(_("topic"), max_length=40, choices=OgpValue.Key.choices)
    zone = models.ForeignKey(
        ZonalAdministration, models.PROTECT, related_name="proposals", verbose_name=_("zonal administration")
    )
    parish = models.ForeignKey(
        Parish, models.SET_NULL, null=True, blank=True, related_name="proposals", verbose_name=_("parish")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    response = models.TextField(
        _("reasoned response"), blank=True, help_text=_("Public: whether and how the proposal was taken into the plan.")
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    commitments = models.ManyToManyField(
        Commitment, blank=True, related_name="proposals", verbose_name=_("commitments it shaped")
    )
    duplicate_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of")
    )
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    hidden_reason = models.CharField(_("public reason for hiding"), max_length=300, blank=True)
    entered_by_staff = models.BooleanField(_("entered by staff for a citizen"), default=False)
    meeting = models.ForeignKey(
        PublicMeeting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("public meeting"),
        help_text=_("The public meeting where it was gathered, for a proposal entered from a paper form."),
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Lower-case copy of title, problem and solution, also without accents, kept by save(): the search runs on it.
    search_text = models.TextField(editable=False, blank=True, default="")
    # On PostgreSQL a trigger keeps the Spanish text-search vector of search_text (migration 0007): searches rank it.
    search_vector = SearchVectorField(null=True, editable=False)
    # The random token of the public form that sent it: the same form sent twice is stored once. Only the browser
    # that was served the form knows it; empty for proposals entered by staff.
    submission_token = models.UUIDField(_("submission token"), null=True, blank=True, unique=True, editable=False)
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    conflict_ignored_fields = ("search_text", "search_vector")
    UNSHOWN_FIELDS = ["search_text", "search_vector"]

    # The row's last change (opendata.datasets: a dataset's "last update"; the sitemap's lastmod).
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "search_vector", "submission_token"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("citizen proposal")
        verbose_name_plural = _("citizen proposals")
        constraints = [
            models.CheckConstraint(condition=Q(is_hidden=False) | ~Q(hidden_reason=""), name="hidden_needs_reason"),
            models.CheckConstraint(condition=~Q(duplicate_of=F("id")), name="proposal_not_duplicate_of_itself"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="proposal_status_created"),
            # The datasets' "last update" (opendata.datasets.last_updated): a MAX read from the index, not the table.
            models.Index(fields=["updated_at"], name="proposal_updated_at"),
            # The calls' stored counts (Call.objects.refresh_counts()): counted from the index alone.
            models.Index(fields=["call", "meeting"], condition=Q(is_hidden=False), name="proposal_public_call"),
            # On PostgreSQL a GIN index on the stored text-search vector is added by migration 0007.
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        proposal = super().from_db(db, field_names, values, **kwargs)
        proposal._loaded_call_id = proposal.__dict__.get("call_id")
        return proposal

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        self._save_with_code(*args, **kwargs)
        # The calls' stored counts (the plan page's "proposals received"), recounted once the change is committed so
        # that concurrent submissions all count; a proposal moved to another call changes both.
        calls = {self.call_id, getattr(self, "_loaded_call_id", None)} - {None}
        self._loaded_call_id = self.call_id
        transaction.on_commit(lambda: Call.objects.filter(pk__in=calls).refresh_counts(), robust=True)

    def _save_with_code(self, *args, **kwargs):
        if self.code:
            return super().save(*args, **kwargs)
        # The code space is huge, but a collision must never lose a proposal: draw again.
        for _attempt in range(5):
            self.code = new_tracking_code()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if Proposal.objects.filter(code=self.code).exists():
                    continue
                raise
        raise IntegrityError("Could not draw a unique tracking code.")

    def get_absolute_url(self):
        return reverse("proposals:proposal-detail", kwargs={"code": self.code})

    def clean(self):
        if self.meeting_id and self.call_id and self.meeting.plan_id != self.call.plan_id:
            raise ValidationError(
                {
                    "meeting": ValidationError(
                        _("The meeting served another plan than this proposal's call."), code="meeting_of_another_plan"
                    )
                }
            )
        # An unconfirmed assignment in our data must not overrule what the citizen says about their own parish.
        if self.parish_id and self.zone_id and self.parish.has_confirmed_zone() and self.parish.zone_id != self.zone_id:
            raise ValidationError(
                {
                    "parish": ValidationError(
                        _("%(parish)s does not belong to the zonal administration %(zone)s."),
                        code="parish_outside_zone",
                        params={"parish": self.parish, "zone": self.zone.name},
                    )
                }
            )

    def build_search_text(self):
        """Title, problem and solution without accents, then with them (see commitments.search)."""
        return build_search_text(self.title, self.problem, self.solution)

    def is_closed(self):
        return self.status in self.CLOSED_STATUSES

    def check_closing(self, *, status, response, duplicate_of_id):
        """Refuse a closing status without a reasoned response, and "duplicate" without the original.

        Status changes go through the verb methods, which call this; the admin's moderation form calls it on
        the state a submission would produce, before anything is saved. Not a database constraint yet: rows
        closed before this rule (and the current demo seed) may lack a response.
        """
        errors = {}
        if status in self.CLOSED_STATUSES and not (response or "").strip():
            errors["response"] = ValidationError(
                _("A proposal cannot be closed as “%(status)s” without a reasoned response: write it for the public."),
                code="closing_needs_response",
                params={"status": self.Status(status).label},
            )
        if status == self.Status.DUPLICATE and duplicate_of_id is None:
            errors["duplicate_of"] = ValidationError(
                _("Say which proposal this one duplicates."), code="duplicate_needs_original"
            )
        if errors:
            raise ValidationError(errors)

    def shows_closed_status(self):
        """Whether the public may see the closing status: only together with its reasoned response."""
        return self.is_closed() and bool(self.response)

    def public_status(self):
        """The status value the public sees: a closing without its response still reads "under review"."""
        if self.is_closed() and not self.response:
            return self.Status.UNDER_REVIEW
        return self.Status(self.status)

    def get_public_status_display(self):
        return self.public_status().label

    def days_waiting(self, on=None):
        """Whole days since the proposal was received, in Quito's calendar."""
        return ((on or timezone.localdate()) - timezone.localdate(self.created_at)).days

    @transaction.atomic
    def submit(self, *, contact=None, by=None):
        """Save a new proposal with its proposer's contact data, open its timeline and send the code.

        `by` is the staff member entering a citizen's proposal from a paper form (at a meeting, a zonal
        workshop); None for the public form.
        """
        self.entered_by_staff = by is not None
        # A proposal sent to a demonstration call belongs to the demonstration, like its call.
        self.is_demo = bool(self.call_id and self.call.is_demo)
        # The token's uniqueness is left to the database: a check here could pass for two requests at once.
        self.full_clean(exclude=["code", "submission_token"])
        self.save()
        if contact is not None:
            self.add_contact(contact, on_paper=by is not None)
        StatusEvent.objects.create(proposal=self, status=self.Status.RECEIVED, by=by)
        self._notify("received")
        return self

    def add_contact(self, contact, *, on_paper):
        """Store the proposer's contact data with the consent they gave."""
        contact.proposal = self
        contact.record_consent(on_paper=on_paper)
        contact.save()

    @transaction.atomic
    def change_status(self, status=None, *, response=None, note="", by=None, duplicate_of=None):
        """Move to `status` and/or publish the reasoned `response`: the one way moderation changes a proposal.

        Checks the closing rules, records a new status in the public timeline and tells the proposer after
        commit. A step that changes nothing records nothing and sends nothing.
        """
        status = self.Status(status or self.status)
        if response is not None:
            if not response.strip():
                raise ValidationError(_("Write the reasoned response."), code="empty_response")
            response = response.strip()
        else:
            response = self.response
        if status == self.Status.DUPLICATE and duplicate_of is not None and duplicate_of.pk == self.pk:
            raise ValidationError(_("A proposal cannot duplicate itself."), code="duplicate_of_itself")
        status_changed, answered = status != self.status, response != self.response
        if not (status_changed or answered):
            return None
        original_id = duplicate_of.pk if duplicate_of is not None else self.duplicate_of_id
        self.check_closing(status=status, response=response, duplicate_of_id=original_id)
        fields = []
        if answered:
            self.response, self.responded_at = response, timezone.now()
            fields += ["response", "responded_at"]
        if status_changed:
            if status == self.Status.DUPLICATE and duplicate_of is not None:
                self.duplicate_of = duplicate_of
            self.status = status
            self.closed_at = timezone.now() if status in self.CLOSED_STATUSES else None
            fields += ["status", "closed_at", "duplicate_of"]
        self.save(update_fields=fields)
        event = StatusEvent.objects.create(proposal=self, status=status, note=note, by=by) if status_changed else None
        self._notify("status" if status_changed else "answer")
        return event

    def answer(self, *, text, status=None, note="", by=None):
        """Publish the reasoned response, optionally with a new status (`change_status` with a response)."""
        return self.change_status(status, response=text, note=note, by=by)

    @transaction.atomic
    def hide(self, *, reason, by=None):
        if not reason.strip():
            raise ValidationError(_("Give the public reason for hiding the proposal."), code="hide_needs_reason")
        self.is_hidden, self.hidden_reason = True, reason.strip()
        self.save(update_fields=["is_hidden", "hidden_reason"])
        self._notify("hidden")

    @transaction.atomic
    def unhide(self, *, by=None):
        self.is_hidden, self.hidden_reason = False, ""
        self.save(update_fields=["is_hidden", "hidden_reason"])

    def _notify(self, kind):
        from proposals.emails import send_proposal_email  # emails.py imports this module

        # The task worker sends it; `robust`: a failure to queue it never turns a committed save into an error.
        transaction.on_commit(lambda: send_proposal_email.enqueue(self.pk, kind), robust=True)


class ProposalQueue(Proposal):
    """The moderation queue: proposals nobody has looked at yet, oldest first."""

    class Meta:
        proxy = True
        verbose_name = _("new proposal")
        verbose_name_plural = _("new proposals (queue)")


@receiver(post_delete, sender=Proposal, dispatch_uid="proposals-proposal-deleted")
def proposal_deleted(sender, instance, **kwargs):
    """The call's stored counts without the deleted proposal (a proposal deleted with its call has none left)."""
    call_id = instance.call_id
    transaction.on_commit(lambda: Call.objects.filter(pk=call_id).refresh_counts(), robust=True)


class StatusEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The timeline of the proposals `user` may see."""
        if user is not None and user.is_authenticated and can_moderate(user):
            return self
        return self.filter(proposal__is_hidden=False)


class StatusEvent(models.Model):
    """One step of a proposal's public timeline. Append-only."""

    proposal = models.ForeignKey(Proposal, models.CASCADE, related_name="events", verbose_name=_("proposal"))
    status = models.CharField(_("status"), max_length=20, choices=Proposal.Status.choices)
    note = models.TextField(_("public note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    objects = StatusEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.proposal.code} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The timeline cannot be changed; record a new status."), code="append_only")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.proposal.get_absolute_url()

    def is_closing(self):
        return self.status in Proposal.CLOSED_STATUSES
