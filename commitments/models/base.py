"""Shared building blocks of the roadmap models: today, date precision, bilingual content."""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LOCAL_CODE_PREFIX = "QGAPA"
DEMO_CODE_PREFIX = "DEMOQ"


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
