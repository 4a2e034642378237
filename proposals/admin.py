from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from commitments.history import DirectSelect, HistoryAdmin
from commitments.models import Commitment
from commitments.versioning import StaleVersionError, VersionedAdmin
from proposals.models import (
    Call,
    Parish,
    Proposal,
    ProposalQueue,
    ProposerContact,
    PublicMeeting,
    StatusEvent,
    ZonalAdministration,
    can_moderate,
)


def source_list(sources):
    return format_html_join(
        mark_safe("<br>"),
        '<a href="{}" rel="noopener noreferrer">{}</a> ({})',
        ((source["url"], source["title"], source["accessed"]) for source in sources),
    ) or _("No source")


@admin.register(ZonalAdministration)
class ZonalAdministrationAdmin(admin.ModelAdmin):
    list_display = ["name", "alias", "order", "in_force", "uncertain", "note"]
    list_filter = ["uncertain", "in_force"]
    search_fields = ["name", "alias", "official_name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["sources_cited"]
    exclude = ["sources"]

    @admin.display(description=_("sources"))
    def sources_cited(self, obj):
        return source_list(obj.sources)


@admin.register(Parish)
class ParishAdmin(admin.ModelAdmin):
    list_display = ["name", "alias", "kind", "zone", "zone_uncertain"]
    list_filter = ["kind", "zone_uncertain", "zone"]
    search_fields = ["name", "alias"]
    list_select_related = ["zone"]
    readonly_fields = ["sources_cited"]
    exclude = ["sources"]

    @admin.display(description=_("sources"))
    def sources_cited(self, obj):
        return source_list(obj.sources)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "opens_at", "closes_at", "is_demo"]
    list_filter = ["plan", "is_demo"]
    search_fields = ["title", "title_en"]
    date_hierarchy = "opens_at"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(PublicMeeting)
class PublicMeetingAdmin(HistoryAdmin):
    """The coordination records the public meetings; moderators read them to link the proposals gathered there."""

    list_display = ["held_on", "plan", "zone", "parish", "place", "format", "participants", "is_demo"]
    list_filter = ["plan", "zone", "format", "is_demo"]
    list_select_related = ["plan", "zone", "parish"]
    search_fields = ["place", "summary"]
    date_hierarchy = "held_on"
    readonly_fields = ["proposals_gathered"]
    fieldsets = [
        (None, {"fields": ["plan", "call", "zone", "parish", "held_on", "place", "format", "is_demo"]}),
        (
            _("Participants (counts only, never names)"),
            {
                "fields": [
                    "participants",
                    ("participants_women", "participants_men", "participants_other_gender"),
                    (
                        "participants_under_18",
                        "participants_18_29",
                        "participants_30_44",
                        "participants_45_64",
                        "participants_65_plus",
                    ),
                ],
                "description": _(
                    "Leave a group empty when it was not recorded; the groups of a breakdown may not add up to more "
                    "than the participants."
                ),
            },
        ),
        (_("Summary"), {"fields": ["summary", "summary_en"]}),
        (_("Proposals gathered"), {"fields": ["proposals_gathered"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "call":
            kwargs["queryset"] = Call.objects.visible_to(request.user).select_related("plan")
        kwargs.setdefault("widget", DirectSelect)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", DirectSelect)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description=_("proposals gathered"))
    def proposals_gathered(self, obj):
        if obj is None or obj.pk is None:
            return _("None yet: moderators link each proposal entered from this meeting's forms.")
        # What the public sees of them: the hidden ones are for moderators, in the proposals' own list.
        proposals = Proposal.objects.visible_to(None).filter(meeting=obj).order_by("created_at", "pk")
        return format_html_join(mark_safe("<br>"), "{} · {}", ((p.code, p.title) for p in proposals)) or _("None yet")


class ProposerContactInline(admin.StackedInline):
    """Shown only to users with the view permission on contact data: moderators and superusers."""

    model = ProposerContact
    can_delete = False
    view_on_site = False
    max_num = 1
    fields = ["name", "email", "phone", "organization", "age_range", "gender"]
    readonly_fields = ["consent_version", "consented_at", "anonymised_at"]
    verbose_name_plural = _("proposer's contact data (personal data: only for moderation)")

    def get_fields(self, request, obj=None):
        return [*self.fields, *self.readonly_fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposal")  # its title names the proposal's code

    def get_readonly_fields(self, request, obj=None):
        # Erased data stays erased: nothing left to edit, and no required field to trip the save.
        contact = getattr(obj, "contact", None) if obj is not None else None
        if contact is not None and contact.is_anonymised():
            return [*self.fields, *self.readonly_fields]
        return self.readonly_fields


class StatusEventInline(admin.TabularInline):
    model = StatusEvent
    fields = ["created_at", "status", "note", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # What the user may see; each row's title names the proposal and shows who changed it: fetched with the rows.
        return super().get_queryset(request).visible_to(request.user).select_related("proposal", "by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommitmentAutocomplete(AutocompleteSelectMultiple):
    """Django's autocomplete widget, fed by the proposals admin's own search of commitments.

    The commitments admin shows each staff member only their institution's commitments; a moderator links a
    proposal to any commitment of the plan, all of them public.
    """

    def __init__(self, field, admin_site, url_name):
        super().__init__(field, admin_site)
        self.url_name = url_name

    def get_url(self):
        return reverse(self.url_name)


class ModerationForm(forms.ModelForm):
    """The proposal's own fields plus the moderation steps, each applied through the model's verb methods."""

    new_status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[("", _("— keep the current status —")), *Proposal.Status.choices],
    )
    status_note = forms.CharField(
        label=_("Public note on the status change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    response_text = forms.CharField(
        label=_("Reasoned response (public)"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Whether and how the proposal was taken into the plan. The proposer is told by email."),
    )  # fmt: skip
    hide = forms.BooleanField(label=_("Hide from the public"), required=False)
    hide_reason = forms.CharField(
        label=_("Public reason for hiding"), required=False, max_length=300,
        help_text=_("Shown on the proposal's page instead of its content."),
    )  # fmt: skip

    class Meta:
        model = Proposal
        fields = [
            "call", "meeting", "title", "problem", "solution", "topic", "zone", "parish", "commitments", "duplicate_of",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["response_text"].initial = self.instance.response
            self.fields["hide"].initial = self.instance.is_hidden
            self.fields["hide_reason"].initial = self.instance.hidden_reason

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hide") and not cleaned.get("hide_reason", "").strip():
            self.add_error("hide_reason", ValidationError(_("Give the public reason for hiding."), code="reason"))
        duplicate_of = cleaned.get("duplicate_of")
        if duplicate_of and self.instance.pk and duplicate_of.pk == self.instance.pk:
            self.add_error("duplicate_of", ValidationError(_("A proposal cannot duplicate itself."), code="self"))
        self.check_closing(cleaned, duplicate_of)
        return cleaned

    # Where the model's closing rule reports each error in this form.
    CLOSING_ERROR_FIELDS = {"response": "response_text", "duplicate_of": "duplicate_of"}

    def check_closing(self, cleaned, duplicate_of):
        """Apply the model's closing rule to the state this submission would leave, before anything is saved."""
        if "duplicate_of" in self.errors:
            return
        status = cleaned.get("new_status") or self.instance.status
        response = cleaned.get("response_text", "").strip() or self.instance.response
        try:
            self.instance.check_closing(
                status=status, response=response, duplicate_of_id=duplicate_of.pk if duplicate_of else None
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(self.CLOSING_ERROR_FIELDS[field], errors)


class CappedCountPaginator(Paginator):
    """Counts at most `cap` proposals (a LIMITed subquery), so the change list never scans the whole table; past
    the cap it says "more than" and the filters and the search narrow the list."""

    cap = 5000

    @cached_property
    def count(self):
        return self.object_list[: self.cap].count()

    def is_capped(self):
        return self.count >= self.cap


@admin.register(Proposal)
class ProposalAdmin(VersionedAdmin, HistoryAdmin):
    form = ModerationForm
    paginator = CappedCountPaginator
    list_display = ["code", "title", "status", "zone", "topic", "created_at", "is_hidden", "entered_by_staff"]
    list_filter = ["status", "call", "zone", "topic", "is_hidden", "entered_by_staff"]
    list_select_related = ["zone"]
    # No year drill-down (it scanned every proposal's date) and no second count of the whole table: the list costs
    # what its page shows. Dates are a column and the status filter finds the recent ones.
    show_full_result_count = False
    autocomplete_fields = ["duplicate_of"]
    search_fields = ["code", "title"]
    readonly_fields = ["code", "status", "created_at", "closed_at", "responded_at", "entered_by_staff"]
    inlines = [ProposerContactInline, StatusEventInline]
    fieldsets = [
        (None, {"fields": ["code", "call", "meeting", "status", "created_at", "closed_at", "entered_by_staff"]}),
        (_("The proposal"), {"fields": ["title", "problem", "solution", "topic", "zone", "parish"]}),
        (
            _("Moderation"),
            {"fields": ["new_status", "status_note", "response_text", "responded_at", "commitments", "duplicate_of"]},
        ),
        (_("Hiding"), {"fields": ["hide", "hide_reason"]}),
    ]
    readonly_fieldsets = [
        fieldsets[0],
        fieldsets[1],
        (_("Moderation"), {"fields": ["response", "responded_at", "commitments", "duplicate_of"]}),
        (_("Hiding"), {"fields": ["is_hidden", "hidden_reason"]}),
    ]
    actions = ["start_review"]

    def get_fieldsets(self, request, obj=None):
        # The moderation steps are form-only fields: someone who may only read sees the stored values.
        if obj is not None and not self.has_change_permission(request, obj):
            return self.readonly_fieldsets
        return super().get_fieldsets(request, obj)

    def get_history_fieldsets(self, request, obj):
        return self.readonly_fieldsets  # the stored values, not the moderation steps

    def visible_history(self, request, obj):
        history = super().visible_history(request, obj)
        if can_moderate(request.user):
            return history
        # What moderation took down stays down: no version from before the last time the proposal was hidden.
        last_hidden = history.filter(is_hidden=True).aggregate(at=Max("history_date"))["at"]
        return history if last_hidden is None else history.filter(history_date__gt=last_hidden)

    def _autocomplete_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_commitment_autocomplete"

    def get_urls(self):
        view = self.admin_site.admin_view(self.commitment_autocomplete)
        url = path("commitment-autocomplete/", view, name=self._autocomplete_url_name())
        return [url, *super().get_urls()]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting":  # each option names its zone
            kwargs["queryset"] = PublicMeeting.objects.visible_to(request.user).select_related("zone")
        # The call, zone and parish lists (65 parishes) written directly, not one template per option.
        if db_field.name not in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", DirectSelect)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        kwargs.setdefault("widget", DirectSelect)
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "commitments":
            url_name = f"{self.admin_site.name}:{self._autocomplete_url_name()}"
            kwargs["widget"] = CommitmentAutocomplete(db_field, self.admin_site, url_name)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def commitment_autocomplete(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        commitments = Commitment.objects.visible_to(request.user).order_by("code")
        term = request.GET.get("term", "").strip()
        if term:
            commitments = commitments.filter(
                Q(code__icontains=term) | Q(title__icontains=term) | Q(short_title__icontains=term)
            )
        page = Paginator(commitments, 20).get_page(request.GET.get("page"))
        results = [{"id": str(commitment.pk), "text": str(commitment)} for commitment in page]
        return JsonResponse({"results": results, "pagination": {"more": page.has_next()}})

    def get_search_fields(self, request):
        # Searching by email or name would let other roles probe for personal data: moderators only.
        if can_moderate(request.user):
            return ["code", "title", "contact__name", "contact__email"]
        return ["code", "title"]

    def get_changeform_initial_data(self, request):
        return {"call": Call.objects.open_now().first()}

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        # A new proposal is saved by `Proposal.submit`, together with its contact data, in save_related.

    def save_related(self, request, form, formsets, change):
        # Everything comes from this request's form: one admin instance serves every thread.
        with transaction.atomic():
            if not change:
                contacts = next(formset for formset in formsets if formset.model is ProposerContact)
                contact = next(iter(contacts.save(commit=False)), None)
                form.instance.submit(contact=contact, by=request.user)
            super().save_related(request, form, formsets, change)
            self._apply_moderation(request, form)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProposerContact:
            return super().save_formset(request, form, formset, change)
        if not change:
            return  # stored by `Proposal.submit`
        for contact in formset.save(commit=False):
            if contact._state.adding:  # contact data taken down after the proposal was entered
                form.instance.add_contact(contact, on_paper=True)
            else:
                contact.save()
        return None

    def _apply_moderation(self, request, form):
        proposal, data, user = form.instance, form.cleaned_data, request.user
        proposal.change_status(
            data.get("new_status") or None,
            response=data.get("response_text", "").strip() or None,
            note=data.get("status_note", ""),
            by=user,
            duplicate_of=proposal.duplicate_of,
        )
        if data.get("hide") and not proposal.is_hidden:
            proposal.hide(reason=data["hide_reason"], by=user)
        elif not data.get("hide") and proposal.is_hidden:
            proposal.unhide(by=user)

    @admin.action(description=_("Start reviewing the selected proposals"), permissions=["change"])
    def start_review(self, request, queryset):
        count = 0
        for proposal in queryset.filter(status=Proposal.Status.RECEIVED):
            try:
                proposal.change_status(status=Proposal.Status.UNDER_REVIEW, by=request.user)
            except StaleVersionError as error:  # another moderator saved it since the list was loaded
                self.message_user(request, error.messages[0], messages.WARNING)
                continue
            count += 1
        self.message_user(request, _("%(count)d proposals are now under review.") % {"count": count}, messages.SUCCESS)


@admin.register(ProposalQueue)
class ProposalQueueAdmin(ProposalAdmin):
    list_filter = ["call", "zone", "topic", "entered_by_staff"]
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Proposal.Status.RECEIVED)

    def response_change(self, request, obj):
        # A proposal whose status changed has left the queue: keep editing it in the full list, where it
        # still exists, instead of reloading the queue's page for it ("… does not exist").
        response = super().response_change(request, obj)
        if "_continue" in request.POST and obj.status != Proposal.Status.RECEIVED:
            url = reverse("admin:proposals_proposal_change", args=[obj.pk], current_app=self.admin_site.name)
            self.message_user(request, _("The proposal left the queue of new proposals."), messages.INFO)
            return HttpResponseRedirect(url)
        return response
