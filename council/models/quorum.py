"""The council's quorum rule, as data: which seats count and how many of them must attend, from a date.

The sources (../shared/data) do not give the council's rule. The portal starts with one unsourced rule equal to
what it always computed (a simple majority of everyone in office, the chair's seat and the technical secretary
included) and the plan's coordination replaces it, from a date, when the council's rule is known.

Sessions keep the rule they were held under: a held session stores it (`Session.quorum_rule`), and a rule
that a session stores is never edited again (a new rule from a later date takes over instead).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.visibility import PublicQuerySet


class QuorumRuleQuerySet(PublicQuerySet):
    def in_force_on(self, date):
        """The rules that apply on `date`, the one in force first (a rule without a start applies from the start)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=date)).order_by(
            F("valid_from").desc(nulls_last=True), "-pk"
        )

    def used(self):
        return self.filter(sessions__isnull=False).distinct()


class QuorumRule(models.Model):
    class Threshold(models.TextChoices):
        MAJORITY = "majority", _("More than half of the seats that count")
        TWO_THIRDS = "two_thirds", _("Two thirds of the seats that count")

    valid_from = models.DateField(
        _("in force from"), null=True, blank=True, unique=True,
        help_text=_("Sessions from this date on use this rule until a later rule starts. Blank: from the start."),
    )  # fmt: skip
    counts_chair = models.BooleanField(_("the chair's seat counts"), default=True)
    counts_technical_secretary = models.BooleanField(_("the technical secretary counts"), default=True)
    threshold = models.CharField(_("threshold"), max_length=20, choices=Threshold.choices, default=Threshold.MAJORITY)
    note = models.TextField(_("note"), blank=True, help_text=_("Where the rule comes from, or why it is provisional."))
    source_url = models.URLField(_("source"), blank=True, help_text=_("The published document that sets this rule."))

    objects = QuorumRuleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [F("valid_from").asc(nulls_first=True)]
        verbose_name = _("quorum rule")
        verbose_name_plural = _("quorum rules")

    def __str__(self):
        if self.valid_from is None:
            return str(_("Quorum rule from the first session"))
        return str(_("Quorum rule from %(date)s") % {"date": date_format(self.valid_from)})

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_used() and self.changed_from_stored():
            raise ValidationError(self.locked_error())
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("council:council-home")

    def clean(self):
        if self.valid_from is None and QuorumRule.objects.filter(valid_from__isnull=True).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"valid_from": ValidationError(_("Only one rule applies from the start."), code="two_first_rules")}
            )
        if self.pk is not None and self.is_used():
            raise ValidationError(self.locked_error())

    @staticmethod
    def locked_error():
        return ValidationError(
            _("Sessions were held under this rule, so it is not changed; add a rule from a later date instead."),
            code="rule_in_use",
        )

    def is_used(self):
        return self.sessions.exists()

    def changed_from_stored(self):
        fields = ["valid_from", "counts_chair", "counts_technical_secretary", "threshold"]
        stored = QuorumRule.objects.filter(pk=self.pk).values(*fields).first()
        return stored is not None and any(stored[name] != getattr(self, name) for name in fields)

    def counted_roles(self):
        roles = ["member"]
        if self.counts_chair:
            roles.append("chair")
        if self.counts_technical_secretary:
            roles.append("technical_secretary")
        return roles

    def is_sourced(self):
        return bool(self.source_url)

    def evaluate(self, seats):
        """The quorum of `seats`, pairs of (member role, attendance status or None), under this rule."""
        counted = [status for role, status in seats if role in self.counted_roles()]
        attending = sum(status in ("present", "alternate") for status in counted)
        return Quorum(len(counted), attending, self.threshold, self)

    def statement(self, seats):
        """What the public session page says of the rule applied to `seats` members that count."""
        params = {"seats": seats}
        if self.threshold == self.Threshold.TWO_THIRDS:
            text = _("Quorum: two thirds of the %(seats)s voting members in office") % params
        else:
            text = _("Quorum: simple majority of the %(seats)s voting members in office") % params
        if self.counts_chair and self.counts_technical_secretary:
            seats_text = _("the chair's seat and the technical secretary included")
        elif self.counts_chair:
            seats_text = _("the chair's seat included, the technical secretary not counted")
        elif self.counts_technical_secretary:
            seats_text = _("the technical secretary included, the chair's seat not counted")
        else:
            seats_text = _("neither the chair's seat nor the technical secretary counted")
        if self.valid_from is None:
            since = _("rule applied from the first session")
        else:
            since = _("rule in force since %(date)s") % {"date": date_format(self.valid_from)}
        return f"{text}, {seats_text} ({since})."


def required_for(seats, threshold):
    """How many of `seats` must attend under `threshold`."""
    if threshold == QuorumRule.Threshold.TWO_THIRDS:
        return -(-2 * seats // 3)  # ceiling of two thirds
    return seats // 2 + 1


@dataclass(frozen=True)
class Quorum:
    """Seats that count on the session's date, how many of them attended, and the rule's threshold."""

    members_in_office: int
    attending: int
    threshold: str = QuorumRule.Threshold.MAJORITY
    rule: QuorumRule | None = field(default=None, compare=False)

    @property
    def required(self):
        return required_for(self.members_in_office, self.threshold)

    @property
    def reached(self):
        return self.members_in_office > 0 and self.attending >= self.required


def quorum_annotations(member_model, counted_statuses):
    """Annotations for a Session queryset, in steps: the rule applied, then the seats it counts and who attended.

    The rule is the one the session keeps, else the one in force on its date; without any rule stored, the
    portal's historical behaviour applies (every seat, simple majority).
    """
    from council.models.members import in_office_on
    from council.models.sessions import Attendance

    in_force = QuorumRule.objects.in_force_on(OuterRef("scheduled_on"))

    def rule_field(name, default, output):
        stored, current = F(f"quorum_rule__{name}"), Subquery(in_force.values(name)[:1], output_field=output)
        return Coalesce(stored, current, Value(default))

    def count(queryset):
        # Correlated counts, not a GROUP BY over the join: the list's page is counted, never the whole table.
        counted = queryset.order_by().annotate(count=Func(F("pk"), function="COUNT")).values("count")
        return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))

    def seats(role):
        in_office = in_office_on(OuterRef("scheduled_on"))
        return count(member_model.objects.filter(in_office, is_demo=OuterRef("is_demo"), role=role))

    def attending(role):
        return count(Attendance.objects.filter(session=OuterRef("pk"), status__in=counted_statuses, member__role=role))

    def if_counted(flag, value):
        return Case(When(**{flag: True}, then=value), default=Value(0), output_field=models.IntegerField())

    return [
        {
            "rule_counts_chair": rule_field("counts_chair", True, models.BooleanField()),
            "rule_counts_technical_secretary": rule_field("counts_technical_secretary", True, models.BooleanField()),
            "rule_threshold": rule_field("threshold", QuorumRule.Threshold.MAJORITY, models.CharField()),
        },
        {
            "members_in_office": seats("member")
            + if_counted("rule_counts_chair", seats("chair"))
            + if_counted("rule_counts_technical_secretary", seats("technical_secretary")),
            "attending": attending("member")
            + if_counted("rule_counts_chair", attending("chair"))
            + if_counted("rule_counts_technical_secretary", attending("technical_secretary")),
        },
    ]
