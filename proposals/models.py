import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import ActionPlan, Bilingual, Commitment, OgpValue
from commitments.versioning import Versioned
from commitments.visibility import PublicQuerySet

MODERATION_GROUP = "Moderación de propuestas"
# What each role may do with proposals, as model permissions: (app label, codename).
ROLE_PERMISSIONS = {
    MODERATION_GROUP: [
        *[("proposals", f"{action}_proposal") for action in ("view", "add", "change")],
        ("proposals", "view_proposalqueue"),
        ("proposals", "change_proposalqueue"),
        *[("proposals", f"{action}_proposercontact") for action in ("view", "add", "change")],
        ("proposals", "view_statusevent"),
        *[("proposals", f"{action}_call") for action in ("view", "add", "change")],
        ("proposals", "view_zonaladministration"),
        ("proposals", "change_zonaladministration"),
        *[("proposals", f"{action}_parish") for action in ("view", "add", "change")],
        ("commitments", "view_commitment"),
    ],
    # The plan's coordination reads proposals, never their proposers' data.
    "Coordinación del plan": [
        ("proposals", codename)
        for codename in (
            "view_proposal", "view_proposalqueue", "view_statusevent", "view_call", "view_zonaladministration",
            "view_parish",
        )
    ],
}  # fmt: skip


def ensure_role_groups(apps):
    """Create the moderation group and give the roles their proposal permissions; `apps` may be historical."""
    group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for name, permissions in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = Q(pk__in=[])
        for app_label, codename in permissions:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*permission_model.objects.filter(wanted))


# No 0/O, 1/I/L: a code read aloud or copied from paper cannot be mistaken. 31 symbols, 9 of them give
# 44.6 bits from `secrets`, comfortably above the 40 bits a guessing attack would have to beat.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PREFIX = "QGA"
CODE_LENGTH = 9
CODE_GROUP = 3

# Bump whenever the privacy notice shown beside the consent checkbox changes: each consent keeps its version.
CONSENT_VERSION = "2026-11-v1"


def normalize_text(text):
    """Lower-case `text` and strip its accents, so that "Participación" and "participacion" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def format_code(raw):
    groups = [raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP)]
    return "-".join([CODE_PREFIX, *groups])


def new_tracking_code(choice=secrets.choice):
    return format_code("".join(choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def normalize_code(text):
    """Return the canonical `QGA-XXX-XXX-XXX` form of what a citizen typed, or "" if it cannot be a code."""
    compact = re.sub(r"[\s\-_.]", "", text or "").upper()
    if compact.startswith(CODE_PREFIX) and len(compact) == len(CODE_PREFIX) + CODE_LENGTH:
        compact = compact[len(CODE_PREFIX) :]
    if len(compact) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in compact):
        return ""
    return format_code(compact)


class ZonalAdministration(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    alias = models.CharField(_("also known as"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    official_name = models.CharField(_("name in the sources"), max_length=200, blank=True)
    in_force = models.BooleanField(
        _("in force during the 2022-2023 plan"), null=True, blank=True, help_text=_("Empty while no source says.")
    )
    uncertain = models.BooleanField(_("uncertain in the sources"), default=False)
    uncertainty_note = models.TextField(_("what the sources leave open"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True, help_text=_("Address, title and access date."))

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("zonal administration")
        verbose_name_plural = _("zonal administrations")

    def __str__(self):
        return f"{self.name} ({self.alias})" if self.alias else self.name

    def get_absolute_url(self):
        return f"{reverse('proposals:proposal-list')}?zone={self.pk}"


class Parish(models.Model):
    class Kind(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    name = models.CharField(_("name"), max_length=120, unique=True)
    alias = models.CharField(_("also known as"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    zone = models.ForeignKey(
        ZonalAdministration,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="parishes",
        verbose_name=_("zonal administration"),
        help_text=_("Leave empty while the sources do not say which administration the parish belongs to."),
    )
    zone_uncertain = models.BooleanField(
        _("zone uncertain"),
        default=False,
        help_text=_("The sources do not confirm the zonal administration: never shown to the public as a fact."),
    )
    uncertainty_note = models.TextField(_("what the sources leave open"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True, help_text=_("Address, title and access date."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("parish")
        verbose_name_plural = _("parishes")

    def __str__(self):
        return f"{self.name} ({self.alias})" if self.alias else self.name

    def get_absolute_url(self):
        return f"{reverse('proposals:proposal-list')}?parish={self.pk}"

    def has_confirmed_zone(self):
        return self.zone_id is not None and not self.zone_uncertain


class CallQuerySet(PublicQuerySet):
    def open_now(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=at), opens_at__lte=at)

    def upcoming(self, at=None):
        return self.filter(opens_at__gt=at or timezone.now()).order_by("opens_at")


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

    def is_permanent(self):
        return self.closes_at is None


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything for moderators and superusers; for everyone else, the proposals not hidden."""
        if user is not None and user.is_authenticated and can_moderate(user):
            return self
        return self.filter(is_hidden=False)

    def for_list(self):
        # The response is read: a list shows a closing status only beside its reasoned response.
        return self.select_related("call", "zone", "parish").defer("problem", "solution", "search_text")

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
            .defer("problem", "solution", "search_text")
            .order_by("created_at", "pk")
        )

    def closed_before(self, moment):
        return self.filter(status__in=Proposal.CLOSED_STATUSES, closed_at__lt=moment)

    def search(self, query):
        """Search title, problem and solution ignoring case and accents; best matches first on PostgreSQL."""
        words = normalize_text(query).split()
        if not words:
            return self
        if connection.vendor == "postgresql":
            search_query = SearchQuery(" ".join(words), config="spanish", search_type="websearch")
            vector = SearchVector("search_text", config="spanish")
            return (
                self.annotate(rank=SearchRank(vector, search_query))
                .alias(document=vector)
                .filter(document=search_query)
                .order_by("-rank", "-created_at", "-pk")
            )
        queryset = self
        for word in words:
            queryset = queryset.filter(search_text__contains=word)
        return queryset


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
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # Lower-case copy of title, problem and solution, also without accents, kept by save(): the search runs on it.
    search_text = models.TextField(editable=False, blank=True, default="")
    # The random token of the public form that sent it: the same form sent twice is stored once. Only the browser
    # that was served the form knows it; empty for proposals entered by staff.
    submission_token = models.UUIDField(_("submission token"), null=True, blank=True, unique=True, editable=False)
    is_demo = models.BooleanField(_("demonstration data"), default=False)

    conflict_ignored_fields = ("search_text",)

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "submission_token"])

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
            # On PostgreSQL a GIN index on the Spanish text-search vector is added by migration 0002.
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
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
        """The text without accents (what any query is reduced to), then with them where they differ.

        PostgreSQL's Spanish stemmer only recognises suffixes such as "-ación" with their accent, so the
        accented copy lets "participaciones" find "participación" while the plain copy lets "participacion" do.
        """
        text = f"{self.title}\n{self.problem}\n{self.solution}".casefold()
        plain = normalize_text(text)
        return plain if plain == text else f"{plain}\n{text}"

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
        """Store the proposer's contact data with the consent given: the notice's version and the moment."""
        contact.proposal = self
        # A paper form carries the same notice as the web form, and the citizen's signature.
        contact.consent_version = f"{CONSENT_VERSION}-paper" if on_paper else CONSENT_VERSION
        contact.consented_at = timezone.now()
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


class ProposerContactQuerySet(models.QuerySet):
    def purgeable(self, *, older_than_days, at=None):
        moment = (at or timezone.now()) - timezone.timedelta(days=older_than_days)
        return self.filter(anonymised_at__isnull=True, proposal__in=Proposal.objects.closed_before(moment))

    def anonymise(self):
        return self.update(**ProposerContact.ANONYMOUS, anonymised_at=timezone.now())


class ProposerContact(models.Model):
    """The proposer's personal data, apart from the public proposal; only moderators ever see it."""

    class AgeRange(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        FROM_18_TO_29 = "18_29", _("18 to 29")
        FROM_30_TO_44 = "30_44", _("30 to 44")
        FROM_45_TO_64 = "45_64", _("45 to 64")
        FROM_65 = "65_plus", _("65 or older")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another identity")

    ANONYMOUS = {"name": "", "email": "", "phone": "", "organization": "", "age_range": "", "gender": ""}

    proposal = models.OneToOneField(
        Proposal, models.CASCADE, related_name="contact", verbose_name=_("proposal"), editable=False
    )
    name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    organization = models.CharField(_("organization"), max_length=150, blank=True)
    age_range = models.CharField(_("age range"), max_length=10, choices=AgeRange.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, default="es", editable=False)
    consent_version = models.CharField(_("consent text version"), max_length=40)
    consented_at = models.DateTimeField(_("consent given at"))
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = ProposerContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposer's contact data")
        verbose_name_plural = _("proposers' contact data")

    def __str__(self):
        # Never the person's name: this string ends up in admin logs that other roles can read.
        return str(_("Contact data of %(code)s") % {"code": self.proposal.code})

    def get_absolute_url(self):
        return reverse("admin:proposals_proposal_change", args=[self.proposal_id])

    def is_anonymised(self):
        return self.anonymised_at is not None

    def anonymise(self):
        for field, value in self.ANONYMOUS.items():
            setattr(self, field, value)
        self.anonymised_at = timezone.now()
        self.save()
