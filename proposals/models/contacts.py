"""Proposers' contact data: kept apart from proposals, consented, anonymised on schedule."""

from django.db import models
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from proposals.models.proposals import Proposal

# Bump whenever the privacy notice shown beside the consent checkbox changes: each consent keeps its version.
CONSENT_VERSION = "2026-11-v1"

# Other personal data kept about the same person (e.g. email subscriptions) is erased by receivers the proposals
# app does not know: `contact_erased(sender, email)` when a proposer confirms an erasure request, and
# `personal_data_purged(sender, older_than_days)` when `purge_personal_data` runs; receivers return a count.
contact_erased = Signal()
personal_data_purged = Signal()


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

    def record_consent(self, *, on_paper):
        """Stamp the consent given: the notice's version (a paper form carries the same one, signed) and when."""
        self.consent_version = f"{CONSENT_VERSION}-paper" if on_paper else CONSENT_VERSION
        self.consented_at = timezone.now()

    def is_anonymised(self):
        return self.anonymised_at is not None

    def anonymise(self):
        if self.email:
            contact_erased.send(sender=ProposerContact, email=self.email)
        for field, value in self.ANONYMOUS.items():
            setattr(self, field, value)
        self.anonymised_at = timezone.now()
        self.save()
