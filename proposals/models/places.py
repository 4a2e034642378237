"""Where a proposal is about: Quito's zonal administrations and parishes."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
