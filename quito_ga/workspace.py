"""What each role finds on its admin home ("Mi trabajo"): its pending work, most urgent first, in bounded lists."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    COORDINATION_GROUP,
    DUE_SOON_DAYS,
    EDITOR_GROUP,
    NO_REPORT_DAYS,
    Milestone,
    Organization,
    staff_organization_id,
)
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Agreement, Minutes, Session
from proposals.models import MODERATION_GROUP, Proposal

ROWS = 10  # rows per list; the rest are one "ver todos" link away


@dataclass
class Section:
    key: str
    title: str
    rows: list
    has_more: bool = False
    more_url: str = ""
    extra: dict = field(default_factory=dict)


def bounded(queryset):
    """The first ROWS rows, and whether there are more, in one query (no count over the table)."""
    rows = list(queryset[: ROWS + 1])
    return rows[:ROWS], len(rows) > ROWS


def changelist(model_name, **params):
    url = reverse(f"admin:{model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def section(key, title, queryset, more_url="", **extra):
    rows, has_more = bounded(queryset)
    return Section(key, title, rows, has_more, more_url, extra)


def milestone_sections(milestones, on):
    rows = milestones.select_related("commitment", "responsible").by_urgency()
    work = "commitments_milestone"
    return [
        section("overdue", _("Overdue milestones"), rows.delayed(on), changelist(work, pendiente="vencidos")),
        section(
            "due_soon",
            _("Milestones due in the next %(days)s days") % {"days": DUE_SOON_DAYS},
            rows.due_within(DUE_SOON_DAYS, on),
            changelist(work, pendiente="por-vencer"),
        ),
        section(
            "no_report",
            _("Milestones without a report for %(days)s days") % {"days": NO_REPORT_DAYS},
            rows.without_report_for(NO_REPORT_DAYS, on),
            changelist(work, pendiente="sin-reporte"),
        ),
    ]


def punctuality_section(user, on):
    organizations = Organization.objects.visible_to(user).least_punctual_first(on)
    return section(
        "punctuality", _("Punctuality by institution"), organizations, changelist("commitments_organization")
    )


def secretariat_sections(user, on):
    return [
        section(
            "to_record",
            _("Sessions to record"),
            Session.objects.visible_to(user).to_record(on),
            changelist("council_session", scheduled_on__lte=on.isoformat()),
        ),
        section(
            "minutes_to_approve",
            _("Minutes awaiting approval"),
            Minutes.objects.visible_to(user).awaiting_approval(),
            changelist("council_minutes", status__exact=Minutes.Status.DRAFT),
        ),
        section(
            "minutes_to_publish",
            _("Minutes awaiting publication"),
            Minutes.objects.visible_to(user).awaiting_publication(),
            changelist("council_minutes", status__exact=Minutes.Status.APPROVED),
        ),
        section(
            "agreements_overdue",
            _("Overdue agreements"),
            Agreement.objects.visible_to(user).overdue(on),
            changelist("council_agreement", status__in="pending,in_progress", due_on__lt=on.isoformat()),
        ),
    ]


def council_sections(user, on):
    upcoming = Session.objects.visible_to(user).upcoming(on).prefetch_related("agenda_items").first()
    return [
        Section("next_session", _("Next session"), [upcoming] if upcoming else []),
        section(
            "drafts_to_review",
            _("Draft minutes to review"),
            Minutes.objects.visible_to(user).awaiting_approval(),
            changelist("council_minutes", status__exact=Minutes.Status.DRAFT),
        ),
    ]


def moderation_sections(user, on):
    target = settings.PROPOSALS_RESPONSE_TARGET_DAYS
    proposals, has_more = bounded(Proposal.objects.visible_to(user).awaiting_answer())
    for proposal in proposals:
        proposal.waiting = proposal.days_waiting(on)
        proposal.past_target = proposal.waiting > target
    more = changelist("proposals_proposal", response__exact="", status__in="received,under_review,accepted")
    title = _("Proposals awaiting an answer")
    return [Section("awaiting_answer", title, proposals, has_more, more, {"target": target})]


def role_home(user, on=None):
    """The sections of the user's admin home, in the order their roles need them; superusers get them all."""
    on = on or timezone.localdate()
    groups = set(user.groups.values_list("name", flat=True))
    everything = user.is_superuser
    sections = []
    if everything or COORDINATION_GROUP in groups:
        sections += milestone_sections(Milestone.objects.visible_to(user), on)
        sections.append(punctuality_section(user, on))
    elif EDITOR_GROUP in groups and staff_organization_id(user) is not None:
        sections += milestone_sections(Milestone.objects.visible_to(user).editable_by(user), on)
    if everything or SECRETARIAT_GROUP in groups:
        sections += secretariat_sections(user, on)
    if everything or COUNCIL_GROUP in groups:
        council = council_sections(user, on)
        # The secretariat's "minutes awaiting approval" already lists the drafts.
        sections += council[:1] if everything or SECRETARIAT_GROUP in groups else council
    if everything or MODERATION_GROUP in groups:
        sections += moderation_sections(user, on)
    return sections
