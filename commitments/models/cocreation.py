"""OGP's Participation and Co-Creation Standards as a checklist per plan: each requirement and how the plan meets it.

The requirements are OGP's; which ones a plan is checked against is data, created per plan by
`CocreationRequirement.objects.ensure_for(plan)` (the loaders and `manage.py load_cocreation_standards`). A
requirement nobody has assessed is "Sin datos" (`unknown`), never "not met".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.base import Bilingual
from commitments.models.plans import ActionPlan
from commitments.visibility import PublicQuerySet

# Where the standards are published (approved by OGP's Steering Committee on 24 November 2021, in force since
# 1 January 2022), and the glossary page that lists the minimum requirements.
STANDARDS_SOURCE = "https://www.opengovpartnership.org/ogp-participation-co-creation-standards/"
MINIMUM_REQUIREMENTS_SOURCE = "https://www.opengovpartnership.org/glossary/minimum-requirements/"
REPOSITORY_SOURCE = "https://www.opengovpartnership.org/glossary/repository/"
REASONED_RESPONSE_SOURCE = "https://www.opengovpartnership.org/glossary/reasoned-response/"
IMPLEMENTATION_SOURCE = "https://opengovpartnership.org/national-handbook/implementing-action-plans"

# The seed list: (number, standard, Spanish text, English text, source). Concise paraphrases of OGP's text, not
# quotations; the page says so and links each source. Standard 3 is listed as a whole because the wording of its
# minimum requirements could not be verified against OGP's published text.
REQUIREMENTS = [
    ("1.1", 1,
     "Existe un espacio de diálogo permanente entre el gobierno y la sociedad civil (y otros actores no "
     "gubernamentales) que se reúne con regularidad, al menos cada seis meses, y cuyas reglas básicas de "
     "participación son públicas.",
     "A space for ongoing dialogue between government and civil society (and other non-governmental "
     "stakeholders) is established, meets regularly, at least every six months, and its basic rules on "
     "participation are public.",
     MINIMUM_REQUIREMENTS_SOURCE),
    ("2.1", 2,
     "Se mantiene un sitio web público dedicado a la participación en OGP.",
     "A public website dedicated to the member's participation in OGP is maintained.",
     MINIMUM_REQUIREMENTS_SOURCE),
    ("2.2", 2,
     "Se mantiene un repositorio público de documentos y evidencias del plan de acción (proceso e "
     "implementación), actualizado al menos dos veces al año.",
     "A publicly available repository of the action plan's documents and evidence (process and implementation) "
     "is maintained and updated at least twice a year.",
     REPOSITORY_SOURCE),
    ("3", 3,
     "Se ofrecen oportunidades inclusivas e informadas de participación pública durante la cocreación del plan "
     "de acción.",
     "Inclusive and informed opportunities for public participation are provided during co-creation of the "
     "action plan.",
     STANDARDS_SOURCE),
    ("4.1", 4,
     "El gobierno da una respuesta motivada: explica a los actores por qué las propuestas e ideas recibidas se "
     "incluyeron o no en el plan de acción.",
     "The government provides a reasoned response: it explains to stakeholders why the proposals and ideas "
     "received were or were not included in the action plan.",
     REASONED_RESPONSE_SOURCE),
    ("5.1", 5,
     "Durante la implementación, se realizan al menos dos reuniones al año con la sociedad civil para presentar "
     "los resultados del plan de acción y recoger comentarios.",
     "During implementation, at least two meetings a year are held with civil society to present the results "
     "of the action plan and collect comments.",
     IMPLEMENTATION_SOURCE),
]  # fmt: skip


def validate_evidence_link(value):
    """A page of this portal (a path such as /planes/…/respuestas/) or an external https address."""
    if value.startswith("/") and not value.startswith("//"):
        return
    if value.startswith(("https://", "http://")):
        return
    raise ValidationError(
        _("Give a page of this portal (starting with /) or a full web address (starting with https://)."),
        code="evidence_link",
    )


class CocreationRequirementQuerySet(PublicQuerySet):
    def for_page(self):
        return self.select_related("plan").order_by("plan__number", "standard", "position")

    def status_counts(self):
        """How many requirements have each status: {status: count}, every status present."""
        rows = dict(self.order_by().values_list("status").annotate(total=Count("pk")))
        return {status: rows.get(status, 0) for status in CocreationRequirement.Status.values}

    def ensure_for(self, plan, *, is_demo=None):
        """Create the seed list's requirements `plan` lacks (status "Sin datos") and keep the texts of those it has
        up to date; statuses, evidence and notes recorded by the coordination are never touched. Returns how many
        were created."""
        existing = set(self.model.objects.filter(plan=plan).values_list("number", flat=True))
        is_demo = plan.is_demo if is_demo is None else is_demo
        created = 0
        for position, (number, standard, text, text_en, source) in enumerate(REQUIREMENTS, start=1):
            texts = {"standard": standard, "position": position, "text": text, "text_en": text_en, "source_url": source}
            if number in existing:
                self.model.objects.filter(plan=plan, number=number).update(**texts)
                continue
            self.model.objects.create(plan=plan, number=number, is_demo=is_demo, **texts)
            created += 1
        return created


class CocreationRequirement(Bilingual):
    """One minimum requirement of OGP's co-creation standards, as it applies to one plan."""

    class Standard(models.IntegerChoices):
        DIALOGUE = 1, _("Standard 1: a space for ongoing dialogue and collaboration")
        INFORMATION = 2, _("Standard 2: open, accessible and timely information")
        PARTICIPATION = 3, _("Standard 3: inclusive and informed participation during co-creation")
        RESPONSE = 4, _("Standard 4: a reasoned response and ongoing dialogue during co-creation")
        IMPLEMENTATION = 5, _("Standard 5: ongoing dialogue and collaboration during implementation and monitoring")

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("No data")
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not met")

        @property
        def tone(self):
            """The colour of this status's badge, the same on every page (see the glossary)."""
            return {"unknown": "neutral", "met": "ok", "partly": "warn", "not_met": "bad"}[self.value]

    plan = models.ForeignKey(
        ActionPlan, models.CASCADE, related_name="cocreation_requirements", verbose_name=_("action plan")
    )
    number = models.CharField(_("number"), max_length=10, help_text=_("OGP's numbering, e.g. “2.1”."))
    standard = models.PositiveSmallIntegerField(_("standard"), choices=Standard.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("requirement"))
    text_en = models.TextField(_("requirement in English"), blank=True)
    source_url = models.URLField(_("source of the requirement"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    evidence_link = models.CharField(
        _("evidence"), max_length=500, blank=True, validators=[validate_evidence_link],
        help_text=_("A page of this portal (meetings, the register of responses, council sessions, roadmaps), e.g. "
                    "/planes/…/respuestas/, or an external address."),
    )  # fmt: skip
    evidence_label = models.CharField(_("what the evidence is"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    note_en = models.TextField(_("note in English"), blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("changed by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = CocreationRequirementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "standard", "position"]
        verbose_name = _("co-creation requirement")
        verbose_name_plural = _("co-creation requirements")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_requirement_per_plan"),
            models.CheckConstraint(condition=Q(standard__gte=1, standard__lte=5), name="requirement_standard_1_5"),
            models.CheckConstraint(
                condition=Q(status__in=["unknown", "met", "partly", "not_met"]), name="requirement_status_valid"
            ),
            # An assessment says what it rests on: a status other than "Sin datos" needs evidence or a note.
            models.CheckConstraint(
                condition=Q(status="unknown") | ~Q(evidence_link="") | ~Q(note=""),
                name="requirement_assessment_grounded",
                violation_error_code="assessment_without_grounds",
                violation_error_message=_(
                    "Link the evidence or write a note for a requirement marked met, partly met or not met."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.plan.title} · {self.number}"

    def get_absolute_url(self):
        return f"{reverse('commitments:plan-standards', kwargs={'slug': self.plan.slug})}#requisito-{self.number}"

    def is_assessed(self):
        return self.status != self.Status.UNKNOWN

    def get_status_tone(self):
        return self.Status(self.status).tone

    def evidence_is_internal(self):
        return self.evidence_link.startswith("/")
