"""Progress as it stood on a date (`?al=AAAA-MM-DD`), rebuilt from the dated progress reports, for researchers and
the Independent Reporting Mechanism.

A milestone's progress on a date is that of its latest report dated on or before it; a milestone without a report
by then counts 0, as it does today before its first report. A commitment's progress is the weighted mean of its
milestones' (as `Commitment.refresh_summary` computes it today), and unknown ("Sin datos", None) when it has no
milestone or none had been reported by then. A plan's is the mean over its commitments whose progress is known, as
`ActionPlan.progress` computes it today. One query for any number of commitments."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from commitments.models import Milestone, ProgressUpdate, today

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARAMETER = "al"


class InvalidDate(ValueError):
    pass


def parse_date(text):
    """The date `text` names (AAAA-MM-DD), not after today; InvalidDate with a message for the user otherwise."""
    try:
        if not DATE_PATTERN.match(text or ""):
            raise ValueError
        on = datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(_("Give the date as AAAA-MM-DD, for example 2023-03-15.")) from None
    if on > today():
        raise InvalidDate(_("The date cannot be in the future: progress is known only up to today."))
    return on


@dataclass
class MilestoneOn:
    milestone: Milestone
    progress: int | None
    reported_on: datetime.date | None


@dataclass
class CommitmentOn:
    date: datetime.date
    progress: Decimal | None
    milestones: list = field(default_factory=list)


def commitments_on(commitment_ids, on):
    """{commitment id: CommitmentOn} on the date `on`, for the given commitments."""
    latest = ProgressUpdate.objects.filter(milestone=OuterRef("pk"), reported_on__lte=on).order_by(
        "-reported_on", "-pk"
    )
    milestones = (
        Milestone.objects.filter(commitment_id__in=list(commitment_ids))
        .annotate(
            progress_then=Subquery(latest.values("progress")[:1]),
            reported_then=Subquery(latest.values("reported_on")[:1]),
        )
        .only("pk", "commitment_id", "order", "title", "weight", "is_demo")
        .order_by("commitment_id", "order")
    )
    grouped = {pk: [] for pk in commitment_ids}
    for milestone in milestones:
        grouped.setdefault(milestone.commitment_id, []).append(
            MilestoneOn(milestone, milestone.progress_then, milestone.reported_then)
        )
    return {pk: CommitmentOn(on, _weighted(rows), rows) for pk, rows in grouped.items()}


def _weighted(rows):
    if not rows or all(row.reported_on is None for row in rows):
        return None
    weights = sum(row.milestone.weight for row in rows)
    if not weights:
        return None
    total = sum((row.progress or 0) * row.milestone.weight for row in rows)
    return (Decimal(total) / Decimal(weights)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def plan_on(plan, on):
    """(the plan's mean progress on `on`, {commitment id: CommitmentOn}) over the plan's commitments."""
    by_commitment = commitments_on(plan.commitments.values_list("pk", flat=True), on)
    known = [item.progress for item in by_commitment.values() if item.progress is not None]
    mean = (sum(known) / len(known)).quantize(Decimal("0.1"), ROUND_HALF_UP) if known else None
    return mean, by_commitment
