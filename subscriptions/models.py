"""Email subscriptions without an account: who follows what, the events that happened and what each address is owed.

An address (`Subscriber`) follows things (`Subscription`: a commitment, a plan, a zonal administration's proposals,
the council's published minutes, one proposal), each confirmed by a double opt-in. Something public that happens
is one `Event`; each address following it is owed one `Notification` (unique per address and event), sent at once
or in the weekly digest by the task worker (`subscriptions/delivery.py`).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Commitment
from proposals.models import MODERATION_GROUP, Proposal, ZonalAdministration

# Bump whenever the notice beside the subscription form's consent checkbox changes: each consent keeps its version.
CONSENT_VERSION = "2026-12-v1"
# Who may see addresses in the admin: moderators answer citizens' requests about their data (and may delete an
# address with all it follows). Nobody else, except superusers.
ROLE_PERMISSIONS = {
    MODERATION_GROUP: ["view_subscriber", "delete_subscriber", "view_subscription", "delete_subscription"],
}


def email_digest(email):
    """A short digest of an address for signed links: a link proves the address it was sent to, never shows it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


class SubscriberQuerySet(models.QuerySet):
    def erase(self, email):
        """Delete an address with everything it follows and is owed (a confirmed erasure request). The count."""
        return self.filter(email=email.strip().lower()).delete()[1].get(Subscriber._meta.label, 0)

    def purge(self, *, older_than_days, unconfirmed_days, at=None):
        """What the retention rules drop: subscriptions never confirmed within `unconfirmed_days`, subscriptions
        of proposals closed longer than `older_than_days`, notifications sent that long ago, and addresses
        left following nothing. Returns (subscriptions, addresses) deleted."""
        now = at or timezone.now()
        closed = Proposal.objects.closed_before(now - timezone.timedelta(days=older_than_days))
        stale = Subscription.objects.unconfirmed_before(now - timezone.timedelta(days=unconfirmed_days))
        subscriptions = stale.delete()[1].get(Subscription._meta.label, 0)
        subscriptions += (
            Subscription.objects.filter(kind=Subscription.Kind.PROPOSAL, proposal__in=closed)
            .delete()[1]
            .get(Subscription._meta.label, 0)
        )
        Notification.objects.filter(sent_at__lt=now - timezone.timedelta(days=older_than_days)).delete()
        addresses = self.filter(subscriptions=None).delete()[1].get(Subscriber._meta.label, 0)
        return subscriptions, addresses


class Subscriber(models.Model):
    """One email address: personal data, seen by moderators only, erased with everything it follows."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    language = models.CharField(_("language"), max_length=10, default="es")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        # Never the address: this string ends up in admin logs other roles can read.
        return str(_("Subscriber %(number)s") % {"number": self.pk})

    def get_absolute_url(self):
        return reverse("admin:subscriptions_subscriber_change", args=[self.pk])

    def digest(self):
        return email_digest(self.email)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def matching(self, event):
        """The subscriptions that follow what `event` is about; demonstration events reach demonstration ones only."""
        Kind = Subscription.Kind
        follows = Q(pk__in=[])
        for kind, field in ((Kind.COMMITMENT, "commitment"), (Kind.PLAN, "plan"), (Kind.ZONE, "zone")):
            value = getattr(event, f"{field}_id")
            if value is not None:
                follows |= Q(kind=kind, **{f"{field}_id": value})
        if event.proposal_id is not None:
            follows |= Q(kind=Kind.PROPOSAL, proposal_id=event.proposal_id)
        if event.council:
            follows |= Q(kind=Kind.MINUTES)
        return self.filter(follows, is_demo=event.is_demo)

    def unconfirmed_before(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)

    def with_targets(self):
        return self.select_related("subscriber", "commitment", "plan", "zone", "proposal")

    def for_manage_page(self):
        return self.with_targets().order_by("kind", "created_at", "pk")


class Subscription(models.Model):
    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("A commitment")
        PLAN = "plan", _("An action plan")
        ZONE = "zone", _("The proposals of a zonal administration")
        MINUTES = "minutes", _("The council's published minutes")
        PROPOSAL = "proposal", _("A proposal, by its tracking code")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once, one email per event")
        WEEKLY = "weekly", _("A weekly digest")

    TARGETS = {Kind.COMMITMENT: "commitment", Kind.PLAN: "plan", Kind.ZONE: "zone", Kind.PROPOSAL: "proposal"}

    subscriber = models.ForeignKey(
        Subscriber, models.CASCADE, related_name="subscriptions", verbose_name=_("subscriber")
    )
    kind = models.CharField(_("follows"), max_length=20, choices=Kind.choices)
    commitment = models.ForeignKey(
        Commitment, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("commitment")
    )
    plan = models.ForeignKey(
        ActionPlan, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("action plan")
    )
    zone = models.ForeignKey(
        ZonalAdministration, models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("zonal administration"),
    )  # fmt: skip
    proposal = models.ForeignKey(
        Proposal, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("proposal")
    )
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    language = models.CharField(_("language"), max_length=10, default="es")
    consent_version = models.CharField(_("consent text version"), max_length=40)
    consented_at = models.DateTimeField(_("consent given at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Follows demonstration data: gets the demonstration's events only (and real ones only when false).
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["subscriber", "kind", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="commitment", commitment__isnull=False, plan=None, zone=None, proposal=None)
                    | Q(kind="plan", plan__isnull=False, commitment=None, zone=None, proposal=None)
                    | Q(kind="zone", zone__isnull=False, commitment=None, plan=None, proposal=None)
                    | Q(kind="proposal", proposal__isnull=False, commitment=None, plan=None, zone=None)
                    | Q(kind="minutes", commitment=None, plan=None, zone=None, proposal=None)
                ),
                name="subscription_one_target_per_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=["subscriber", field], condition=Q(kind=kind), name=f"unique_subscription_{kind}"
                )
                for kind, field in (
                    ("commitment", "commitment"),
                    ("plan", "plan"),
                    ("zone", "zone"),
                    ("proposal", "proposal"),
                    ("minutes", "kind"),
                )
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target_label()}" if self.target() else str(self.get_kind_display())

    def get_absolute_url(self):
        target = self.target()
        return target.get_absolute_url() if target is not None else reverse("council:session-list")

    def target(self):
        field = self.TARGETS.get(self.kind)
        return getattr(self, field) if field else None

    def target_label(self):
        target = self.target()
        if isinstance(target, (Commitment, Proposal)):
            return target.code
        return str(target) if target is not None else ""

    def is_confirmed(self):
        return self.confirmed_at is not None

    def record_consent(self):
        """Stamp the consent given with the version of the notice shown beside the checkbox."""
        self.consent_version = CONSENT_VERSION
        self.consented_at = timezone.now()

    def confirm(self):
        """Follow the confirmation link: from now on, events reach this address. Confirming twice changes nothing."""
        if self.confirmed_at is None:
            self.confirmed_at = timezone.now()
            self.save(update_fields=["confirmed_at"])


class Event(models.Model):
    """Something public that happened, once (`key` names its source row), with its text in every language."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress report")
        COMPLETED = "completed", _("Milestone completed")
        REVIEW = "review", _("Council verification")
        MINUTES = "minutes", _("Minutes published")
        PROPOSAL_STATUS = "proposal_status", _("Proposal status change")
        REPLANNED = "replanned", _("Milestone re-planned")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("source"), max_length=80, unique=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    # What it is about, for matching the subscriptions (SET_NULL: an event outlives a deleted row's notifications).
    commitment = models.ForeignKey(Commitment, models.SET_NULL, null=True, blank=True, related_name="+")
    plan = models.ForeignKey(ActionPlan, models.SET_NULL, null=True, blank=True, related_name="+")
    zone = models.ForeignKey(ZonalAdministration, models.SET_NULL, null=True, blank=True, related_name="+")
    proposal = models.ForeignKey(Proposal, models.SET_NULL, null=True, blank=True, related_name="+")
    council = models.BooleanField(_("about the council's minutes"), default=False)
    # {"es": {"text": …, "url": …}, "en": {…}}: written once, in each language, when the event is recorded.
    texts = models.JSONField(_("texts"), default=dict)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.text_in(settings.LANGUAGE_CODE)}"

    def get_absolute_url(self):
        return self.texts.get(settings.LANGUAGE_CODE, {}).get("url", "/")

    def text_in(self, language):
        return (self.texts.get(language) or self.texts.get(settings.LANGUAGE_CODE) or {}).get("text", "")

    def url_in(self, language):
        return (self.texts.get(language) or self.texts.get(settings.LANGUAGE_CODE) or {}).get("url", "/")


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True)

    def due_in_digest(self):
        return self.pending().filter(frequency=Subscription.Frequency.WEEKLY)


class Notification(models.Model):
    """What one address is owed about one event: at most one per address and event, sent once."""

    subscriber = models.ForeignKey(Subscriber, models.CASCADE, related_name="notifications")
    # The subscription that matched (an address following a commitment and its plan gets one notification);
    # unsubscribing deletes what it had not sent yet.
    subscription = models.ForeignKey(Subscription, models.CASCADE, related_name="notifications")
    event = models.ForeignKey(Event, models.CASCADE, related_name="notifications")
    frequency = models.CharField(_("how often"), max_length=20, choices=Subscription.Frequency.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["subscriber", "event"], name="one_notification_per_address")]
        indexes = [models.Index(fields=["subscriber", "sent_at"], name="notification_pending")]

    def __str__(self):
        return f"{self.event} → {self.subscriber}"

    def get_absolute_url(self):
        return self.event.get_absolute_url()
