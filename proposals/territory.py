"""Participation by territory: proposals and public-meeting participation per zonal administration and parish.

Counted in the database, grouped by zone and parish (bounded by the 65 parishes, whatever the number of
proposals): a fixed number of queries. No source gives a population per zone or parish, so the counts are raw.
A parish whose zone the sources leave uncertain is never placed in a zone for the public.
"""

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commitments.models import ActionPlan
from proposals.models import Parish, Proposal, PublicMeeting, ZonalAdministration

CHART_ROW = 44  # height of one bar's row in the chart, in its own units (label above, bar below)
CHART_WIDTH = 600
CHART_BAR_SPACE = 480  # the longest bar; the value is written after it


def _grouped(queryset, **figures):
    rows = queryset.order_by().values("zone_id", "parish_id").annotate(**figures)
    return {(row["zone_id"], row["parish_id"]): row for row in rows}


def territory_counts(user, plan=None):
    """Rows per zonal administration and per parish, with the totals; four queries.

    Each row: `proposals`, `demo_proposals`, `meetings`, `demo_meetings`, `participants` (the sum over the
    meetings that counted them) and `uncounted_meetings` (meetings without a participant count).
    """
    proposals = Proposal.objects.visible_to(user)
    meetings = PublicMeeting.objects.visible_to(user)
    if plan is not None:
        proposals, meetings = proposals.filter(call__plan=plan), meetings.filter(plan=plan)
    proposal_groups = _grouped(proposals, proposals=Count("pk"), demo_proposals=Count("pk", filter=Q(is_demo=True)))
    meeting_groups = _grouped(
        meetings,
        meetings=Count("pk"),
        demo_meetings=Count("pk", filter=Q(is_demo=True)),
        counted_meetings=Count("participants"),  # before the sum that takes the field's name
        participants=Sum("participants"),
    )
    zones = list(ZonalAdministration.objects.all())
    parishes = list(Parish.objects.select_related("zone").order_by("name"))
    zone_rows = {zone.pk: _row(zone) for zone in zones}
    parish_rows = {parish.pk: _row(parish) for parish in parishes}
    without_parish = _row(None)
    total = _row(None)
    for groups in (proposal_groups, meeting_groups):
        for (zone_id, parish_id), figures in groups.items():
            for row in (zone_rows.get(zone_id), parish_rows.get(parish_id, without_parish), total):
                if row is not None:
                    _add(row, figures)
    return {
        "zones": list(zone_rows.values()),
        "parishes": list(parish_rows.values()),
        "without_parish": without_parish,
        "total": total,
        "parishes_without_proposals": [row["place"] for row in parish_rows.values() if not row["proposals"]],
    }


FIGURES = ("proposals", "demo_proposals", "meetings", "demo_meetings", "participants", "counted_meetings")


def _row(place):
    return {"place": place, **dict.fromkeys(FIGURES, 0)}


def _add(row, figures):
    for name in FIGURES:
        row[name] += figures.get(name) or 0


def bar_chart(rows, figure):
    """The bars of a server-drawn SVG chart of `figure` per row: label, value, position and length."""
    largest = max((row[figure] for row in rows), default=0)
    bars = []
    for index, row in enumerate(rows):
        value = row[figure]
        length = round(value * CHART_BAR_SPACE / largest) if largest else 0
        y = index * CHART_ROW
        bars.append(
            {"label": str(row["place"]), "value": value, "y": y, "bar_y": y + 18, "length": length, "end": length + 8}
        )
    return {"bars": bars, "height": len(rows) * CHART_ROW, "width": CHART_WIDTH}


@require_safe
def territory(request, slug=None):
    plan = get_object_or_404(ActionPlan.objects.visible_to(request.user), slug=slug) if slug else None
    counts = territory_counts(request.user, plan)
    total = counts["total"]
    return render(
        request,
        "proposals/territory.html",
        {
            "plan": plan,
            **counts,
            "demo": total["demo_proposals"] or total["demo_meetings"],
            "proposals_chart": bar_chart(counts["zones"], "proposals"),
            "participants_chart": bar_chart(counts["zones"], "participants"),
        },
    )


territory.page_versions = ("proposals", "commitments", "vocabulary")  # quito_ga/page_versions.py
