"""The register of responses of a plan: every proposal received through the plan's calls and what became of it
(incorporated into a commitment, merged into another proposal, not accepted and why, withdrawn, pending), with
counts per outcome, zone and topic. What the public reads as the outcome is the proposal's public status: a
closing counts only beside its reasoned response."""

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from commitments.models import ActionPlan, Commitment
from proposals.models import Proposal, can_moderate

PAGE_SIZE = 50


def register_queryset(plan, user):
    """The proposals of `plan`'s calls that `user` may see, each annotated with its public outcome."""
    closed_unanswered = Q(status__in=Proposal.CLOSED_STATUSES, response="")
    return (
        Proposal.objects.visible_to(user)
        .filter(call__plan=plan)
        .annotate(
            outcome=Case(
                When(closed_unanswered, then=Value(Proposal.Status.UNDER_REVIEW)),
                default=F("status"),
                output_field=CharField(),
            )
        )
    )


def _counts(queryset, field, labels):
    rows = queryset.order_by().values(field).annotate(total=Count("pk")).order_by("-total", field)
    return [{"key": row[field], "label": labels.get(row[field], row[field]), "total": row["total"]} for row in rows]


@require_safe
def plan_responses(request, slug):
    plan = get_object_or_404(ActionPlan, slug=slug)
    proposals = register_queryset(plan, request.user)
    page = Paginator(
        proposals.select_related("zone", "duplicate_of")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.only("code", "title", "plan_id")))
        .defer("problem", "solution", "search_text")
        .order_by("created_at", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    by_zone = proposals.order_by().values("zone__name").annotate(total=Count("pk")).order_by("-total", "zone__name")
    statuses = dict(Proposal.Status.choices)
    topics = dict(Proposal._meta.get_field("topic").choices)
    return render(
        request,
        "proposals/plan_responses.html",
        {
            "plan": plan,
            "page_obj": page,
            "proposals": page.object_list,
            "counts": [
                (_("What became of them"), _counts(proposals, "outcome", statuses)),
                (_("Zonal administration"), [{"label": row["zone__name"], "total": row["total"]} for row in by_zone]),
                (_("Topic"), _counts(proposals, "topic", topics)),
            ],
            "total": page.paginator.count,
            # Counted apart only for those who don't see hidden proposals in the list (moderators do).
            "hidden": 0
            if can_moderate(request.user)
            else Proposal.objects.filter(call__plan=plan, is_hidden=True).count(),
        },
    )
