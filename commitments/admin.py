from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from commitments.forms import BulkProgressForm, MilestoneForm, ProgressReportForm
from commitments.history import CheapActionCheckbox, HistoryAdmin
from commitments.models import (
    DUE_SOON_DAYS,
    NO_REPORT_DAYS,
    ActionPlan,
    CocreationRequirement,
    Commitment,
    Evidence,
    Milestone,
    MilestoneQuerySet,
    Organization,
    ProgressUpdate,
    Replanning,
    StaffProfile,
    coordinates_plans,
    staff_organization_id,
)
from commitments.versioning import VersionedAdmin, VersionedInline


class StaffFacts:
    """What the admin asks about the signed-in user, worked out once per request (never kept between requests).

    A change form asks "may this user see / change / delete this milestone?" a dozen times; each answer used to
    re-run the group and scope queries.
    """

    def __init__(self, user):
        self.user = user
        self.in_scope = {}  # (model label, pk) -> bool

    @cached_property
    def coordinates(self):
        return coordinates_plans(self.user)

    @cached_property
    def organization_id(self):
        return staff_organization_id(self.user)

    @cached_property
    def editable_milestones(self):
        """The milestones the user may report on, as a queryset to filter by (built once: its group checks run once)."""
        if self.coordinates:
            return Milestone.objects.all()
        return Milestone.objects.editable_by(self.user)

    def public_reader(self, model_name):
        """Staff outside the plan's institutions (council, moderation) may read every public roadmap, never edit it."""
        return self.organization_id is None and self.user.has_perm(f"commitments.view_{model_name}")


def staff_facts(request):
    """The request's StaffFacts; the request object lives for one request only."""
    facts = getattr(request, "_staff_facts", None)
    if facts is None or facts.user is not request.user:
        facts = request._staff_facts = StaffFacts(request.user)
    return facts


class ScopedAdminMixin:
    """Let a user reach only the objects `scoped(request)` returns; others get 403, even by direct address."""

    def scoped(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request).visible_to(request.user))

    def get_object(self, request, object_id, from_field=None):
        # Look the object up unscoped, so that an object out of reach is refused (403), not reported missing.
        try:
            return self.model._default_manager.get(pk=object_id)
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def in_scope(self, request, obj):
        if obj is None:
            return True
        answers = staff_facts(request).in_scope
        key = (self.model._meta.label, obj.pk)
        if key not in answers:
            answers[key] = self.scoped(request, self.model._default_manager.filter(pk=obj.pk)).exists()
        return answers[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["acronym"]}


@admin.register(ActionPlan)
class ActionPlanAdmin(HistoryAdmin):
    list_display = ["number", "title", "period", "starts_on", "ends_on", "status", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = ["title", "title_en"]
    filter_horizontal = ["lead_institutions"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "submitted_on"


@admin.register(CocreationRequirement)
class CocreationRequirementAdmin(HistoryAdmin):
    """The plan's checklist of OGP's co-creation standards: only the coordination (by its model permissions) edits
    it; the requirements themselves come from `manage.py load_cocreation_standards`."""

    list_display = ["number", "plan", "status", "evidence_link", "changed_by", "updated_at", "is_demo"]
    list_filter = ["plan", "status", "standard", "is_demo"]
    list_select_related = ["plan", "changed_by"]
    search_fields = ["number", "text", "note"]
    readonly_fields = ["changed_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["plan", "number", "standard", "position", "text", "text_en", "source_url", "is_demo"]}),
        (_("Assessment"), {"fields": [
            "status", "evidence_link", "evidence_label", "note", "note_en", "changed_by", "updated_at",
        ]}),
    ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)


class MilestoneInline(VersionedInline, admin.TabularInline):
    model = Milestone
    form = MilestoneForm
    extra = 0
    fields = [
        "order", "title", "responsible", "starts_on", "due_on", "revised_due_on", "replan_reason", "weight",
        "progress", "status",
    ]  # fmt: skip
    readonly_fields = ["progress", "status"]
    autocomplete_fields = ["responsible"]
    show_change_link = True


@admin.register(Commitment)
class CommitmentAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ["code", "short_title", "plan", "lead", "progress", "is_demo"]
    list_filter = ["plan", "ogp_values", "is_demo", "lead"]
    list_select_related = ["plan", "lead"]
    search_fields = ["code", "title", "short_title", "title_en"]
    autocomplete_fields = ["lead", "co_responsible"]
    readonly_fields = ["progress"]
    prepopulated_fields = {"slug": ["code"]}
    inlines = [MilestoneInline]
    fieldsets = [
        (None, {"fields": ["plan", "code", "slug", "is_demo", "progress"]}),
        (_("Texts"), {"fields": [
            "title", "title_en", "short_title", "short_title_en", "problem", "problem_en", "status_quo",
            "status_quo_en", "action", "action_en", "translated_fields",
        ]}),
        (_("Organizations and values"), {"fields": [
            "lead", "co_responsible", "ogp_values", "starts_on", "starts_on_precision", "ends_on", "ends_on_precision",
            "roadmap_validated_on",
        ]}),
        (_("Assessment"), {"fields": [
            "self_assessed_completion", "irm_verifiability", "irm_potential_for_results", "irm_completion",
            "irm_opened_government", "irm_assessor", "irm_assessed_on",
        ]}),
        (_("Sources"), {"fields": ["sources"]}),
    ]  # fmt: skip

    def scoped(self, request, queryset):
        facts = staff_facts(request)
        if facts.coordinates or facts.public_reader("commitment"):
            return queryset
        organization_id = facts.organization_id
        if organization_id is None:
            return queryset.none()
        return queryset.filter(pk__in=Commitment.objects.involving(organization_id).values("pk"))

    def save_formset(self, request, form, formset, change):
        if formset.model is Milestone:
            for milestone_form in formset.forms:
                milestone_form.instance.replanned_by = request.user  # who, for the re-planning ledger
        super().save_formset(request, form, formset, change)


class DelayedFilter(admin.SimpleListFilter):
    title = _("delay")
    parameter_name = "delayed"

    def lookups(self, request, model_admin):
        return [("yes", _("Delayed")), ("no", _("Not delayed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.delayed()
        if self.value() == "no":
            return queryset.exclude(pk__in=Milestone.objects.delayed().values("pk"))
        return queryset


class PendingWorkFilter(admin.SimpleListFilter):
    """The lists of the staff's admin home ("Mi trabajo"), reachable in full from its "ver todos" links."""

    title = _("pending work")
    parameter_name = "pendiente"

    def lookups(self, request, model_admin):
        return [
            ("vencidos", pgettext_lazy("pending work", "Overdue")),
            ("por-vencer", _("Due in the next %(days)s days") % {"days": DUE_SOON_DAYS}),
            ("sin-reporte", _("No report for %(days)s days") % {"days": NO_REPORT_DAYS}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "vencidos":
            return queryset.delayed()
        if self.value() == "por-vencer":
            return queryset.due_within(DUE_SOON_DAYS)
        if self.value() == "sin-reporte":
            return queryset.without_report_for(NO_REPORT_DAYS)
        return queryset


class UpdateHistoryInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["reported_on", "progress", "status", "note", "author", "created_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("progress reports")

    def get_queryset(self, request):
        # Each row's title names its milestone and commitment: fetched with the rows, not once per row.
        return super().get_queryset(request).select_related("milestone__commitment", "author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReplanningInline(admin.TabularInline):
    """The milestone's re-planning ledger, read-only: entries are written by changing its dates with a reason."""

    model = Replanning
    extra = 0
    fields = ["changed_at", "old_starts_on", "new_starts_on", "old_due_on", "new_due_on", "reason", "changed_by"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("milestone__commitment", "changed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdmin, ScopedAdminMixin, HistoryAdmin):
    list_display = ["__str__", "responsible_acronym", "due_date", "progress_display", "status_display", "delay"]
    list_filter = ["status", DelayedFilter, PendingWorkFilter, "commitment__plan", "responsible", "is_demo"]
    list_select_related = ["commitment", "responsible"]
    search_fields = ["title", "commitment__code", "commitment__title", "commitment__short_title"]
    autocomplete_fields = ["commitment", "responsible"]
    readonly_fields = ["progress", "status", "last_reported_on", "report_link"]
    form = MilestoneForm
    inlines = [ReplanningInline, UpdateHistoryInline]
    change_list_template = "admin/commitments/milestone/change_list.html"
    # What an institutional editor may change: the plan's own dates, order and weight stay as approved.
    editor_readonly_fields = ["commitment", "order", "title", "starts_on", "due_on", "weight", "is_demo"]

    def scoped(self, request, queryset):
        facts = staff_facts(request)
        if facts.coordinates or facts.public_reader("milestone"):
            return queryset
        return queryset.filter(pk__in=facts.editable_milestones.values("pk"))

    def get_ordering(self, request):
        return MilestoneQuerySet.urgency_ordering()  # the most urgent first, complete ones last

    def get_readonly_fields(self, request, obj=None):
        if staff_facts(request).coordinates:
            return self.readonly_fields
        return [*self.editor_readonly_fields, *self.readonly_fields]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The daily task first: reporting progress.
        return (["report_link"] if obj else []) + [field for field in fields if field != "report_link"]

    def save_model(self, request, obj, form, change):
        obj.replanned_by = request.user  # who, for the re-planning ledger
        super().save_model(request, obj, form, change)

    @admin.display(description=_("responsible organization"), ordering="responsible__acronym")
    def responsible_acronym(self, milestone):
        return milestone.responsible.acronym

    @admin.display(description=_("due date in force"), ordering="effective_due_on")
    def due_date(self, milestone):
        return milestone.effective_due_on

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, milestone):
        return f"{milestone.progress} %"

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, milestone):
        return milestone.display_status()[1]

    @admin.display(description=_("delay"))
    def delay(self, milestone):
        days = milestone.days_delayed()
        return ngettext("%(days)s day", "%(days)s days", days) % {"days": days} if days else "—"

    @admin.display(description=_("report progress"))
    def report_link(self, milestone):
        url = reverse("admin:commitments_progressupdate_add")
        return format_html('<a class="button" href="{}?milestone={}">{}</a>', url, milestone.pk, _("Report progress"))

    def get_urls(self):
        return [
            path(
                "actualizacion-masiva/",
                self.admin_site.admin_view(self.bulk_update_view),
                name="commitments_milestone_bulk_update",
            ),
            *super().get_urls(),
        ]

    def bulk_update_view(self, request):
        """Report progress on many milestones from a CSV file: preview, then apply all rows or none."""
        if not request.user.has_perm("commitments.add_progressupdate"):
            raise PermissionDenied
        milestones = Milestone.objects.editable_by(request.user)
        form = BulkProgressForm(request.POST or None, request.FILES or None, milestones=milestones)
        # One transaction from the version check (which locks the milestones) to the last report.
        with transaction.atomic():
            confirmed = request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"]
            if confirmed:
                for row in form.rows:
                    row.milestone.report(
                        progress=row.progress, status=row.status, note=row.note, by=request.user,
                        reported_on=timezone.localdate(),
                    )  # fmt: skip
        if confirmed:
            count = len(form.rows)
            self.message_user(
                request,
                ngettext("%(count)s progress report saved.", "%(count)s progress reports saved.", count)
                % {"count": count},
                messages.SUCCESS,
            )
            return redirect("admin:commitments_milestone_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Bulk progress update from a CSV file"),
            "form": form,
        }
        return TemplateResponse(request, "admin/commitments/milestone/bulk_update.html", context)


class EvidenceInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        new_evidence = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.has_changed()
        ]
        update = self.instance
        if update.progress is None or not update.milestone_id:
            return
        if not update.status:
            update.status = ProgressUpdate.status_for(update.progress)
        update.check_evidence(new_evidence_count=len(new_evidence))


class LabelledFileInput(forms.ClearableFileInput):
    """A file box named by its visible label. Django draws file fields as a fieldset whose legend names no input
    (axe: "Form elements must have labels", critical); with a plain label the box, and its "clear" checkbox, each
    have their own name."""

    use_fieldset = False


# Our own wording for an empty upload: the Spanish catalogues of installed libraries disagree (one has a typo).
EVIDENCE_FILE_FIELD = {
    models.FileField: {"widget": LabelledFileInput, "error_messages": {"empty": _("The file is empty.")}}
}


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formset = EvidenceInlineFormSet
    extra = 1
    fields = ["title", "file", "url", "dated_on"]
    formfield_overrides = EVIDENCE_FILE_FIELD


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(CheapActionCheckbox, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["milestone", "reported_on", "progress", "status", "author", "created_at"]
    list_filter = ["status", "reported_on", "milestone__commitment__plan"]
    list_select_related = ["milestone__commitment", "author"]
    search_fields = ["milestone__title", "milestone__commitment__code", "note"]
    autocomplete_fields = ["milestone"]
    date_hierarchy = "reported_on"
    form = ProgressReportForm
    fields = ["milestone", "reported_on", "progress", "status", "note", "milestone_version"]
    inlines = [EvidenceInline]

    def scoped(self, request, queryset):
        facts = staff_facts(request)
        if facts.coordinates:
            return queryset
        return queryset.filter(milestone__in=facts.editable_milestones.values("pk"))

    def get_fields(self, request, obj=None):
        # A stored report is only read: the version its form carried means nothing there (it showed "None").
        fields = super().get_fields(request, obj)
        return fields if obj is None else [field for field in fields if field != "milestone_version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["help_texts"] = {
            "status": _("Leave it empty to follow the progress: 0 % not started, 100 % complete, in progress between."),
            "progress": _("At 100 % attach evidence below: evidence that came with earlier reports does not count."),
        }
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "milestone":
            # Refuses a milestone out of the user's reach even in a hand-made POST.
            kwargs["queryset"] = staff_facts(request).editable_milestones.select_related("commitment")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False  # append-only: a correction is a new report

    def save_model(self, request, obj, form, change):
        obj.author = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("Progress reported. The public page shows it now."), messages.SUCCESS)
        return redirect(obj.milestone.get_absolute_url())


@admin.register(Replanning)
class ReplanningAdmin(CheapActionCheckbox, ScopedAdminMixin, admin.ModelAdmin):
    """The re-planning ledger, read-only: written by `Milestone.save()` when dates change with a reason."""

    list_display = ["milestone", "changed_at", "old_due_on", "new_due_on", "role", "organization", "changed_by"]
    list_select_related = ["milestone__commitment", "organization", "changed_by"]
    list_filter = ["role", "milestone__commitment__plan"]
    search_fields = ["milestone__title", "milestone__commitment__code", "reason"]
    date_hierarchy = "changed_at"
    readonly_fields = [
        "milestone", "old_starts_on", "new_starts_on", "old_due_on", "new_due_on", "reason", "changed_at",
        "changed_by", "role", "organization",
    ]  # fmt: skip
    fields = readonly_fields

    def scoped(self, request, queryset):
        facts = staff_facts(request)
        if facts.coordinates or facts.public_reader("replanning"):
            return queryset
        return queryset.filter(milestone__in=facts.editable_milestones.values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(CheapActionCheckbox, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "update", "dated_on", "file", "url"]
    list_select_related = ["update__milestone__commitment"]
    search_fields = ["title", "update__milestone__commitment__code"]
    readonly_fields = ["update"]
    formfield_overrides = EVIDENCE_FILE_FIELD

    def scoped(self, request, queryset):
        facts = staff_facts(request)
        if facts.coordinates:
            return queryset
        return queryset.filter(update__milestone__in=facts.editable_milestones.values("pk"))

    def has_add_permission(self, request):
        return False  # evidence is attached to a progress report, in its form


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organization"]
    list_select_related = ["user", "organization"]
    list_filter = ["organization"]
    search_fields = ["user__username", "organization__acronym"]
    autocomplete_fields = ["organization"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    autocomplete_fields = ["organization"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
