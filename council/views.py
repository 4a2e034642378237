from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.generic import DetailView
from django_filters.views import FilterView

from commitments import extensions
from council import feeds
from council.forms import AgreementFilter, SessionFilter
from council.loaders import PORTAL_TRANSLATIONS, council_facts
from council.models import Agreement, CouncilMember, MilestoneReview, Minutes, Session

OPEN_AGREEMENTS_SHOWN = 20
LATEST_VERIFICATIONS_SHOWN = 12


def sourced(text):
    """The data file's `text` in the active language, and whether the portal translated it."""
    shown = str(PORTAL_TRANSLATIONS.get(text, text))
    return {"text": shown, "portal_translation": shown != text}


@require_safe
def council_home(request):
    facts = council_facts()
    open_agreements = Agreement.objects.visible_to(request.user).for_council_page()
    counts = open_agreements.counts()
    members = list(CouncilMember.objects.visible_to(request.user).for_council_page())
    for member in members:
        member.sourced_role = "" if member.is_demo else facts["roles"].get(member.name, "")
    return render(
        request,
        "council/council_home.html",
        {
            "facts": facts,
            "composition": sourced(facts["composition"]),
            "sessions_rule": sourced(facts["sessions"]),
            "unknown": [sourced(item) for item in facts["unknown"]],
            "sources": [sourced(item) | {"url": item.startswith("http")} for item in facts["sources"]],
            "members": [member for member in members if not member.is_demo],
            "demo_members": [member for member in members if member.is_demo],
            "next_session": Session.objects.visible_to(request.user).upcoming().first(),
            "latest_verifications": MilestoneReview.objects.visible_to(request.user).of_latest_sessions()[
                :LATEST_VERIFICATIONS_SHOWN
            ],
            "open_agreements": open_agreements[:OPEN_AGREEMENTS_SHOWN],
            "open_agreement_count": counts["total"],
            "open_agreement_demo_count": counts["demo"],
        },
    )


council_home.page_versions = ("council",)


class SessionListView(FilterView):
    page_versions = ("council",)  # what the page cache keys it on (quito_ga/page_versions.py)
    filterset_class = SessionFilter
    paginate_by = 20
    template_name = "council/session_list.html"
    context_object_name = "sessions"

    def get_queryset(self):
        return Session.objects.visible_to(self.request.user).for_list()


class AgreementListView(FilterView):
    """Every agreement of the council with its owner, due date, status and session; overdue ones flagged."""

    filterset_class = AgreementFilter
    paginate_by = 50
    template_name = "council/agreement_list.html"
    context_object_name = "agreements"

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).for_public_list()


class MemberDetailView(DetailView):
    """A councillor: sector, role, organization, term, alternate, attendance and the agreements in their charge.
    For real councillors the page shows only what the sources give; the rest reads "Sin datos"."""

    model = CouncilMember
    template_name = "council/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return CouncilMember.objects.visible_to(self.request.user).for_member_page()

    def get_context_data(self, **kwargs):
        member = self.object
        facts = {} if member.is_demo else council_facts()
        return super().get_context_data(
            **kwargs,
            sourced_role=facts.get("roles", {}).get(member.name, ""),
            sources=[sourced(item) | {"url": item.startswith("http")} for item in facts.get("sources", [])],
            agreements=Agreement.objects.visible_to(self.request.user)
            .for_public_list()
            .filter(responsible_member=member)[:50],
        )


class SessionDetailView(DetailView):
    page_versions = ("session:{number}", "vocabulary")
    context_object_name = "session"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_queryset(self):
        return Session.objects.visible_to(self.request.user).for_detail_page().select_related("quorum_rule")

    def get_context_data(self, **kwargs):
        minutes = (
            Minutes.objects.visible_to(self.request.user)
            .filter(session=self.object)
            .select_related("approved_at")
            .prefetch_related("errata")
            .first()
        )
        attach_proposals(self.object.agenda_items.all(), self.request.user)
        quorum, rule = self.object.quorum(), self.object.applied_quorum_rule()
        statement = rule.statement(quorum.members_in_office) if rule else None
        return super().get_context_data(minutes=minutes, quorum=quorum, quorum_rule=rule, statement=statement, **kwargs)


def attach_proposals(items, user):
    """Give each agenda item `proposals_shown`: the proposals it concerns that `user` may see (one query)."""
    find = extensions.lookup(extensions.PROPOSALS_BY_CODE)
    codes = {reference.code for item in items for reference in item.proposal_references.all()}
    found = find(codes, user) if find and codes else {}
    for item in items:
        item.proposals_shown = [found[ref.code] for ref in item.proposal_references.all() if ref.code in found]


@require_safe
def session_calendar(request):
    sessions = Session.objects.visible_to(request.user).order_by("scheduled_on", "number")
    text, last_change = feeds.calendar(sessions)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    if last_change:  # with the ETag of ConditionalGetMiddleware: a 304 for a client that has it
        response["Last-Modified"] = http_date(last_change.timestamp())
    response["Content-Disposition"] = 'inline; filename="consejo-consultivo-quito.ics"'
    return response


session_calendar.page_versions = ("council",)


@require_safe
def minutes_download(request, number):
    minutes = get_object_or_404(Minutes.objects.visible_to(request.user).exclude(signed_pdf=""), session__number=number)
    return FileResponse(
        minutes.signed_pdf.open("rb"), as_attachment=False, filename=f"acta-sesion-{number}.pdf",
        content_type="application/pdf",
    )  # fmt: skip
