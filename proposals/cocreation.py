"""The co-creation of a plan: its public meetings (list and page) and what the plan page shows of its calls,
meetings and the proposals received. Participation is only ever aggregate counts."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commitments.models import ActionPlan
from proposals.models import Call, PublicMeeting, can_moderate

PAGE_SIZE = 30
LATEST_ON_PLAN_PAGE = 5


def plan_section(plan, user):
    """The plan page's co-creation: calls, meetings (totals; the latest ones while in co-creation) and the public
    proposals received. Two queries, three in co-creation."""
    calls = list(Call.objects.visible_to(user).filter(plan=plan).order_by("opens_at", "pk"))
    meetings = PublicMeeting.objects.visible_to(user).filter(plan=plan)
    totals = meetings.totals()
    in_cocreation = plan.phase == ActionPlan.Phase.COCREATION
    latest = list(meetings.for_list()[:LATEST_ON_PLAN_PAGE]) if in_cocreation else []
    # The public proposals received, from the calls' stored counts (kept by the model layer): no count of a plan's
    # proposals per render. Moderators see the same public figures here; the register lists the hidden ones too.
    proposals = {
        "total": sum(call.proposal_count for call in calls),
        "at_meetings": sum(call.meeting_proposal_count for call in calls),
        "demo": sum(call.proposal_count for call in calls if call.is_demo),
    }
    return {
        "calls": calls,
        "open_calls": [call for call in calls if call.is_open()],
        "meetings": totals,
        "latest_meetings": latest,
        "proposals": proposals,
        "has_records": bool(calls or totals["meetings"] or proposals["total"]),
    }


@require_safe
def meeting_list(request, slug=None):
    plan = get_object_or_404(ActionPlan.objects.visible_to(request.user), slug=slug) if slug else None
    meetings = PublicMeeting.objects.visible_to(request.user)
    if plan is not None:
        meetings = meetings.filter(plan=plan)
    totals = meetings.totals()
    shown = {} if can_moderate(request.user) else {"filter": Q(proposals__is_hidden=False)}  # as visible_to
    paginator = Paginator(meetings.for_list().annotate(gathered=Count("proposals", **shown)), PAGE_SIZE)
    paginator.count = totals["meetings"]  # counted once, with the totals
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/publicmeeting_list.html",
        {"plan": plan, "page_obj": page, "meetings": page.object_list, "totals": totals},
    )


# What the page cache keys them on (quito_ga/page_versions.py): a meeting's change bumps "proposals" and its plan.
meeting_list.page_versions = ("proposals", "commitments", "vocabulary")


@require_safe
def meeting_detail(request, pk):
    meeting = get_object_or_404(PublicMeeting.objects.visible_to(request.user).for_page(request.user), pk=pk)
    return render(request, "proposals/publicmeeting_detail.html", {"meeting": meeting, "plan": meeting.plan})


meeting_detail.page_versions = ("proposals", "vocabulary")
