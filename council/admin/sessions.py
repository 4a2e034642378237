"""Admin of council members and sessions: agenda and reviews inline, the rest on the recording screen."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commitments.history import HistoryAdmin
from commitments.versioning import VersionedAdmin
from council.admin.base import AgendaItemForm, HeldSessionInline, SelectRelatedInline, can_convene
from council.admin.recording import RecordingAdminMixin, SessionChangeList
from council.models import (
    AgendaItem,
    CouncilMember,
    MilestoneReview,
    Session,
)


@admin.register(CouncilMember)
class CouncilMemberAdmin(HistoryAdmin):
    list_display = ["__str__", "sector", "role", "term_starts_on", "term_ends_on", "user", "is_demo"]
    list_filter = ["sector", "role", "is_demo"]
    search_fields = ["name", "organization__name", "organization__acronym", "alternate_name"]
    list_select_related = ["organization", "user"]
    autocomplete_fields = ["user"]


class AgendaItemInline(SelectRelatedInline, admin.StackedInline):
    model = AgendaItem
    list_select_related = ["commitment", "milestone__commitment"]  # the rows' labels, in the same query

    form = AgendaItemForm
    extra = 0
    fields = ["order", "kind", "title", "notes", "commitment", "milestone", "proposal_codes"]
    readonly_fields = ["kind"]
    # Thousands of milestones: searched as you type, never rendered as a select in every row.
    autocomplete_fields = ["commitment", "milestone"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("proposal_references")

    @admin.display(description=_("Citizen proposals"))
    def proposal_codes(self, item):
        """The codes as text where the inline is read-only (the council's members only view the agenda)."""
        return ", ".join(reference.code for reference in item.proposal_references.all()) or "—"


class MilestoneReviewForm(forms.ModelForm):
    class Meta:
        model = MilestoneReview
        fields = ["milestone", "outcome", "note"]

    def _post_clean(self):
        # A new milestone means the update reviewed is looked up again on the session's date.
        if "milestone" in self.changed_data:
            self.instance.update_id = None
        super()._post_clean()


class MilestoneReviewInline(SelectRelatedInline, HeldSessionInline, admin.StackedInline):
    model = MilestoneReview
    list_select_related = ["milestone__commitment", "update"]  # the rows' labels, in the same query

    form = MilestoneReviewForm
    fields = ["milestone", "outcome", "note", "update"]
    readonly_fields = ["update"]
    autocomplete_fields = ["milestone"]


@admin.register(Session)
class SessionAdmin(RecordingAdminMixin, VersionedAdmin, HistoryAdmin):
    list_display = [
        "number", "scheduled_on", "kind", "status", "quorum_display", "minutes_status", "is_demo", "record_link",
    ]  # fmt: skip
    list_filter = ["status", "kind", "is_demo"]
    # No date drill-down: it reads the dates of every session; the list is ordered by date and searchable.
    search_fields = ["=number", "place"]
    fieldsets = [
        (None, {"fields": ["number", "kind", "status"]}),
        (
            _("Date and place"),
            {"fields": ["scheduled_on", "starts_at", "ends_at", "place", "online_url", "convened_on"]},
        ),
        (_("Demonstration"), {"fields": ["is_demo"], "classes": ["collapse"]}),
    ]
    # Attendance, agreements and minutes are recorded on the recording screen (admin/recording.py): one radio
    # row per member instead of a select of every member in each row.
    inlines = [AgendaItemInline, MilestoneReviewInline]
    actions = ["mark_held", "suspend", "add_agreements_follow_up"]

    def get_queryset(self, request):
        # The quorum is computed for the rows shown only (SessionChangeList), not for the count or the table.
        return super().get_queryset(request).select_related("minutes")

    def get_changelist(self, request, **kwargs):
        return SessionChangeList

    def get_readonly_fields(self, request, obj=None):
        if not can_convene(request.user):
            return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]
        return ["status"]

    def has_delete_permission(self, request, obj=None):
        # A held session is part of the council's record; only a convocation may be withdrawn.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_held())

    def has_convene_permission(self, request):
        return can_convene(request.user)

    @admin.display(description=_("quorum"))
    def quorum_display(self, session):
        if not session.is_held():
            return "—"
        quorum = session.quorum()
        label = _("reached") if quorum.reached else _("not reached")
        return f"{label} ({quorum.attending}/{quorum.members_in_office})"

    @admin.display(description=_("minutes"))
    def minutes_status(self, session):
        minutes = getattr(session, "minutes", None)
        return minutes.get_status_display() if minutes else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            form.instance.add_agreements_follow_up()

    def run_verb(self, request, queryset, verb, done):
        changed = 0
        for session in queryset:
            try:
                with transaction.atomic():
                    getattr(session, verb)()
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Mark the selected sessions as held"), permissions=["convene"])
    def mark_held(self, request, queryset):
        self.run_verb(request, queryset, "mark_held", _("%(count)s session(s) marked as held."))

    @admin.action(description=_("Suspend the selected sessions"), permissions=["convene"])
    def suspend(self, request, queryset):
        self.run_verb(request, queryset, "suspend", _("%(count)s session(s) suspended."))

    @admin.action(
        description=_("Put the open agreements on the agenda of the selected sessions"), permissions=["convene"]
    )
    def add_agreements_follow_up(self, request, queryset):
        self.run_verb(request, queryset, "add_agreements_follow_up", _("%(count)s agenda(s) updated."))
