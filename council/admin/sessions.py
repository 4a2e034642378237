"""Admin of council members and sessions, with their agenda, attendance, minutes and records inlines."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from commitments.history import HistoryAdmin
from commitments.versioning import VersionedAdmin, VersionedInline
from council.admin.base import HeldSessionInline, SelectRelatedInline, can_convene, shared_choices
from council.models import (
    AgendaItem,
    Agreement,
    Attendance,
    CouncilMember,
    MilestoneReview,
    Minutes,
    Session,
)


@admin.register(CouncilMember)
class CouncilMemberAdmin(HistoryAdmin):
    list_display = ["__str__", "sector", "role", "term_starts_on", "term_ends_on", "user", "is_demo"]
    list_filter = ["sector", "role", "is_demo"]
    search_fields = ["name", "organization__name", "organization__acronym", "alternate_name"]
    list_select_related = ["organization", "user"]
    autocomplete_fields = ["user"]


class AgendaItemInline(SelectRelatedInline, admin.TabularInline):
    model = AgendaItem
    list_select_related = ["commitment", "milestone__commitment"]  # the rows' labels, in the same query

    extra = 0
    fields = ["order", "kind", "title", "notes", "commitment", "milestone"]
    readonly_fields = ["kind"]
    # Thousands of milestones: searched as you type, never rendered as a select in every row.
    autocomplete_fields = ["commitment", "milestone"]


class AttendanceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not self.instance.pk or not self.instance.is_held():
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(_("A held session keeps its attendance record."), code="attendance_required")


class AttendanceInline(SelectRelatedInline, HeldSessionInline, admin.TabularInline):
    model = Attendance
    list_select_related = ["member__organization"]  # the rows' labels, in the same query

    formset = AttendanceFormSet
    fields = ["member", "status"]

    def allowed(self, request, obj):
        # The secretary records attendance before marking the session held.
        return obj is not None and (obj.is_held() or can_convene(request.user))

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return 0
        in_office = CouncilMember.objects.in_office(obj.scheduled_on)
        return in_office.exclude(attendances__session=obj).count()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "member":
            kwargs["queryset"] = CouncilMember.objects.select_related("organization")
        return shared_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))


class MinutesInline(VersionedInline, HeldSessionInline, admin.StackedInline):
    model = Minutes
    fk_name = "session"
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 16, "cols": 80})}}
    fields = ["text", "signed_pdf", "status", "approved_at"]
    readonly_fields = ["status", "approved_at"]
    max_num = 1

    def allowed(self, request, obj):
        minutes = getattr(obj, "minutes", None) if obj is not None else None
        return super().allowed(request, obj) and (minutes is None or not minutes.is_locked())

    def has_delete_permission(self, request, obj=None):
        return False


class AgreementInline(SelectRelatedInline, HeldSessionInline, admin.TabularInline):
    model = Agreement
    list_select_related = [
        "responsible_organization",
        "responsible_member__organization",
    ]  # the rows' labels, in the same query

    fields = ["number", "text", "responsible_organization", "responsible_member", "due_on", "status", "follow_up_notes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible_member":
            kwargs["queryset"] = CouncilMember.objects.select_related("organization")
        return shared_choices(super().formfield_for_foreignkey(db_field, request, **kwargs))


class MilestoneReviewForm(forms.ModelForm):
    class Meta:
        model = MilestoneReview
        fields = ["milestone", "outcome", "note"]

    def _post_clean(self):
        # A new milestone means the update reviewed is looked up again on the session's date.
        if "milestone" in self.changed_data:
            self.instance.update_id = None
        super()._post_clean()


class MilestoneReviewInline(SelectRelatedInline, HeldSessionInline, admin.TabularInline):
    model = MilestoneReview
    list_select_related = ["milestone__commitment", "update"]  # the rows' labels, in the same query

    form = MilestoneReviewForm
    fields = ["milestone", "outcome", "note", "update"]
    readonly_fields = ["update"]
    autocomplete_fields = ["milestone"]


@admin.register(Session)
class SessionAdmin(VersionedAdmin, HistoryAdmin):
    list_display = ["number", "scheduled_on", "kind", "status", "quorum_display", "minutes_status", "is_demo"]
    list_filter = ["status", "kind", "is_demo"]
    date_hierarchy = "scheduled_on"
    search_fields = ["=number", "place"]
    fieldsets = [
        (None, {"fields": ["number", "kind", "status"]}),
        (
            _("Date and place"),
            {"fields": ["scheduled_on", "starts_at", "ends_at", "place", "online_url", "convened_on"]},
        ),
        (_("Demonstration"), {"fields": ["is_demo"], "classes": ["collapse"]}),
    ]
    inlines = [AgendaItemInline, AttendanceInline, MinutesInline, AgreementInline, MilestoneReviewInline]
    actions = ["mark_held", "suspend", "add_agreements_follow_up"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_quorum().select_related("minutes")

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
        quorum = session.quorum()
        if not session.is_held():
            return "—"
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
