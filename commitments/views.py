import functools
import mimetypes

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import DetailView, ListView

from commitments import asof, extensions
from commitments.forms import CommitmentFilter
from commitments.models import (
    ActionPlan,
    CocreationRequirement,
    Commitment,
    CommitmentAlias,
    Evidence,
    Milestone,
    Organization,
    Replanning,
    stale_after_days,
    today,
)
from commitments.models.cocreation import STANDARDS_SOURCE
from commitments.search import SEARCH_RESULTS_LIMIT


def follows_renamed_code(view):
    """A commitment's addresses under a code it no longer has answer 301 to the same address under its code now
    (`CommitmentAlias`, kept on rename); an unknown code stays a 404."""

    @functools.wraps(view)
    def wrapped(request, *args, code, **kwargs):
        try:
            return view(request, *args, code=code, **kwargs)
        except Http404:
            current = CommitmentAlias.objects.current_code(code, Commitment.objects.visible_to(request.user))
            if current is None:
                raise
            url = reverse(request.resolver_match.view_name, kwargs={**kwargs, "code": current})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapped


class PlanListView(ListView):
    page_versions = ("commitments",)  # what the page cache keys it on (quito_ga/page_versions.py)
    template_name = "commitments/actionplan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return ActionPlan.objects.visible_to(self.request.user).order_by("is_demo", "-number")


class AsOfMixin:
    """`?al=AAAA-MM-DD`: the page also shows the progress as it stood on that date (commitments/asof.py); an invalid
    date is a 400 answer with the page and a message saying what is expected."""

    def as_of(self):
        text = self.request.GET.get(asof.PARAMETER)
        if text is None:
            return None, None
        try:
            return asof.parse_date(text), None
        except asof.InvalidDate as error:
            return None, str(error)

    def render_to_response(self, context, **kwargs):
        if context.get("as_of_error"):
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class PlanDetailView(AsOfMixin, DetailView):
    page_versions = ("plan:{slug}", "vocabulary")
    page_changes_with_time = True  # "Envía tu propuesta" shows while a call is open, by the clock
    template_name = "commitments/actionplan_detail.html"
    context_object_name = "plan"
    paginate_by = 20  # commitment cards per page

    def get_queryset(self):
        return ActionPlan.objects.visible_to(self.request.user).prefetch_related("lead_institutions")

    def get_context_data(self, **kwargs):
        commitments = Commitment.objects.visible_to(self.request.user).for_list().filter(plan=self.object)
        # A page of cards at a time, like the commitment list; the plan's stored count saves the paginator's COUNT.
        paginator = Paginator(commitments, self.paginate_by)
        paginator.count = self.object.commitment_count
        page = paginator.get_page(self.request.GET.get("page"))
        on, error = self.as_of()
        as_of = None
        if on is not None:  # the whole plan on that date: its figure and one row per commitment
            progress, by_commitment = asof.plan_on(self.object, on)
            as_of = {"date": on, "progress": progress, "rows": [(c, by_commitment[c.pk]) for c in commitments]}
        # What other apps show on the plan page (the co-creation: calls, meetings, proposals): commitments/extensions.py
        sections = extensions.plan_sections(self.object, self.request.user)
        return super().get_context_data(
            **kwargs,
            commitments=page.object_list,
            page_obj=page,
            as_of=as_of,
            as_of_error=error,
            plan_sections=sections,
            cocreation_records=any(section.get("has_records") for _template, section in sections),
        )


class PlanStandardsView(DetailView):
    """The plan's checklist of OGP's co-creation standards, grouped by standard, with the count per status."""

    page_versions = ("plan:{slug}",)
    template_name = "commitments/actionplan_standards.html"
    context_object_name = "plan"

    def get_queryset(self):
        return ActionPlan.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        requirements = list(
            CocreationRequirement.objects.visible_to(self.request.user).filter(plan=self.object).for_page()
        )
        standards = {
            number: {"label": label, "requirements": []} for number, label in CocreationRequirement.Standard.choices
        }
        counts = dict.fromkeys(CocreationRequirement.Status.values, 0)
        for requirement in requirements:
            standards[requirement.standard]["requirements"].append(requirement)
            counts[requirement.status] += 1
        return super().get_context_data(
            **kwargs,
            standards=[standard for standard in standards.values() if standard["requirements"]],
            counts=[(CocreationRequirement.Status(status), total) for status, total in counts.items()],
            requirement_total=len(requirements),
            standards_source=STANDARDS_SOURCE,
        )


class CommitmentListView(ListView):
    page_versions = ("commitments",)
    template_name = "commitments/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = CommitmentFilter(
            self.request.GET, queryset=Commitment.objects.visible_to(self.request.user).for_list(), request=self.request
        )
        if not self.filterset.is_valid():
            return Commitment.objects.none()
        queryset = self.filterset.qs
        if self.filterset.form.cleaned_data.get("value"):
            queryset = queryset.distinct()  # the OGP value is a many-to-many join; the other filters are not
        return queryset[:SEARCH_RESULTS_LIMIT] if self.filterset.is_searching() else queryset

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs, filter=self.filterset, query=query.urlencode())


class CommitmentDetailView(AsOfMixin, DetailView):
    page_versions = ("commitment:{code}", "vocabulary")
    template_name = "commitments/commitment_detail.html"
    context_object_name = "commitment"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        # With what other apps show per milestone (the council's latest review): see commitments/extensions.py.
        return Commitment.objects.visible_to(self.request.user).for_page(
            milestone_prefetches=extensions.milestone_prefetches()
        )

    def get_object(self, queryset=None):
        commitment = super().get_object(queryset)
        extensions.fetch_commitment_attributes(commitment)  # the proposals that shaped it: see extensions.py
        return commitment

    def get_context_data(self, **kwargs):
        milestones = list(self.object.milestones.all())
        on, error = self.as_of()
        as_of = asof.commitments_on([self.object.pk], on)[self.object.pk] if on is not None else None
        return super().get_context_data(
            **kwargs, milestones=milestones, timeline=roadmap_timeline(milestones), as_of=as_of, as_of_error=error
        )


class ReplanningListView(ListView):
    """The re-planning ledger of one commitment or one plan: every change of dates, newest first."""

    template_name = "commitments/replanning_list.html"
    context_object_name = "replannings"
    paginate_by = 50

    def get_scope(self):
        raise NotImplementedError

    def get_queryset(self):
        self.scope = self.get_scope()
        return Replanning.objects.visible_to(self.request.user).for_list(*extensions.replanning_prefetches())

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, **{self.scope_name: self.scope})


class CommitmentReplanningListView(ReplanningListView):
    page_versions = ("commitment:{code}", "vocabulary")
    scope_name = "commitment"

    def get_scope(self):
        commitments = Commitment.objects.visible_to(self.request.user).select_related("plan")
        return get_object_or_404(commitments.defer(*Commitment.UNSHOWN_FIELDS), code=self.kwargs["code"])

    def get_queryset(self):
        return super().get_queryset().filter(milestone__commitment=self.scope)


class PlanReplanningListView(ReplanningListView):
    page_versions = ("plan:{slug}", "vocabulary")
    scope_name = "plan"

    def get_scope(self):
        return get_object_or_404(ActionPlan.objects.visible_to(self.request.user), slug=self.kwargs["slug"])

    def get_queryset(self):
        return super().get_queryset().filter(milestone__commitment__plan=self.scope)


class OrganizationDetailView(DetailView):
    page_versions = ("commitments",)  # its commitments' progress and delayed milestones
    template_name = "commitments/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.visible_to(self.request.user).prefetch_related("led_plans")

    def get_context_data(self, **kwargs):
        organization, user = self.object, self.request.user
        delayed = (
            Milestone.objects.visible_to(user)
            .delayed()
            .filter(Q(responsible=organization) | Q(commitment__lead=organization))
            .select_related("commitment__plan", "responsible")
            .order_by("effective_due_on", "commitment__code", "order")
        )
        led = list(Commitment.objects.visible_to(user).for_list().filter(lead=organization))
        punctuality = Milestone.objects.visible_to(user).filter(responsible=organization).punctuality()
        co_led = list(Commitment.objects.visible_to(user).for_list().filter(co_responsible=organization))
        return super().get_context_data(
            **kwargs,
            led=led,
            led_progress=Commitment.progress_summary(led),
            co_led=co_led,
            delayed_milestones=delayed,
            punctuality=punctuality,
            stale_days=stale_after_days(),
            sources=Commitment.sources_of([*organization.led_plans.all(), *led, *co_led]),
        )


def milestone_history(request, code, order):
    """Every progress report of one milestone, the latest first: the commitment page shows only the latest."""
    milestones = Milestone.objects.visible_to(request.user).select_related("commitment__plan")
    milestone = get_object_or_404(milestones, commitment__code=code, order=order)
    updates = milestone.updates.prefetch_related("evidence")
    context = {"milestone": milestone, "commitment": milestone.commitment, "updates": updates}
    return render(request, "commitments/milestone_history.html", context)


# It shows what the commitment's page shows of the milestone, all of its reports (page_versions.py).
milestone_history.page_versions = ("commitment:{code}", "vocabulary")


def evidence_download(request, pk):
    """Stream an evidence file from private storage, under a safe name."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).exclude(file=""), pk=pk)
    extension = evidence.file.name.rsplit(".", 1)[-1].lower()
    filename = f"{slugify(evidence.title)[:80] or 'evidencia'}.{extension}"
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


TIMELINE_LEFT = 220
TIMELINE_WIDTH = 1000
TIMELINE_ROW = 32
TIMELINE_TOP = 40


def roadmap_timeline(milestones, on=None):
    """Place each milestone's planned and revised periods on a shared time axis, for the SVG roadmap."""
    if not milestones:
        return None
    on = on or today()
    start = min(milestone.starts_on for milestone in milestones)
    end = max(max(milestone.due_on, milestone.effective_due_on) for milestone in milestones)
    start, end = min(start, on), max(end, on)
    span = max((end - start).days, 1)
    scale = (TIMELINE_WIDTH - TIMELINE_LEFT - 20) / span

    def x(day):
        return round(TIMELINE_LEFT + (day - start).days * scale, 1)

    rows = []
    for index, milestone in enumerate(milestones):
        y = TIMELINE_TOP + index * TIMELINE_ROW
        status, label = milestone.display_status(on)
        planned = x(milestone.due_on) - x(milestone.starts_on)
        rows.append(
            {
                "milestone": milestone,
                "status": status,
                "label": label,
                "days": milestone.days_delayed(on),
                "y": y,
                "text_y": y + 17,
                "x": x(milestone.starts_on),
                "width": round(max(planned, 2), 1),
                "fill_width": round(max(planned * milestone.progress / 100, 2), 1),
                "revised_x": x(milestone.due_on),
                "revised_width": round(x(milestone.revised_due_on) - x(milestone.due_on), 1)
                if milestone.is_rescheduled() and milestone.revised_due_on > milestone.due_on
                else 0,
            }
        )
    height = TIMELINE_TOP + len(rows) * TIMELINE_ROW + 10
    return {
        "rows": rows,
        "width": TIMELINE_WIDTH,
        "height": height,
        "left": TIMELINE_LEFT,
        "today_x": x(on),
        "today": on,
        "ticks": [{"x": x(day), "date": day} for day in timeline_ticks(start, end)],
        "axis_bottom": height - 6,
    }


def timeline_ticks(start, end):
    """First days of months along the axis, at most about eight of them."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = max(1, -(-months // 8))
    year, month = start.year, start.month + 1
    ticks = []
    while True:
        if month > 12:
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        day = start.replace(year=year, month=month, day=1)
        if day > end:
            return ticks
        ticks.append(day)
        month += step
