"""Admin of minutes (approval, publication, errata), agreements and milestone reviews."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commitments.history import HistoryAdmin
from commitments.versioning import VersionedAdmin
from council.models import (
    Agreement,
    Erratum,
    MilestoneReview,
    Minutes,
    Session,
    validate_pdf,
)


class ErratumInline(admin.StackedInline):
    """Errata are added to approved minutes and, like them, never edited afterwards."""

    model = Erratum
    fields = ["text", "recorded_on", "author"]
    readonly_fields = ["author"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and obj is not None and obj.is_locked()

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.is_locked() else 0  # one empty erratum form, usable without JavaScript

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApproveForm(forms.Form):
    """One radio per later session that can approve; the others are listed by the page with their reason."""

    at = forms.ModelChoiceField(
        queryset=Session.objects.none(), label=_("Approved at session"), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.minutes = minutes
        self.options = minutes.approval_options()
        field = self.fields["at"]
        field.queryset = minutes.later_sessions()  # any later session validates, so a refusal gives its reason
        field.widget.choices = [
            (session.pk, self.describe(session)) for session, obstacle in self.options if obstacle is None
        ]

    @staticmethod
    def describe(session):
        quorum = session.quorum()
        return _("%(session)s, held on %(date)s: %(attending)s of %(in_office)s members attended") % {
            "session": session.title(),
            "date": date_format(session.scheduled_on),
            "attending": quorum.attending,
            "in_office": quorum.members_in_office,
        }

    def has_choices(self):
        return bool(self.fields["at"].widget.choices)

    def refused(self):
        """The later sessions shown that cannot approve, each with the reason."""
        return [(session, obstacle.messages[0]) for session, obstacle in self.options if obstacle is not None]

    def clean_at(self):
        at = self.cleaned_data["at"]
        obstacle = self.minutes.approval_obstacle(at)
        if obstacle is not None:
            raise obstacle
        return at


class PublishForm(forms.Form):
    signed_pdf = forms.FileField(label=_("Signed minutes (PDF)"), required=False, validators=[validate_pdf])


@admin.register(Minutes)
class MinutesAdmin(VersionedAdmin, HistoryAdmin):
    list_display = ["__str__", "status", "approved_at", "published_on", "workflow"]
    list_filter = ["status"]
    list_select_related = ["session", "approved_at"]
    search_fields = ["=session__number", "text"]
    inlines = [ErratumInline]
    actions = ["publish_selected"]

    def get_readonly_fields(self, request, obj=None):
        workflow = ["status", "approved_at", "approved_by", "approved_on", "published_on", "workflow"]
        if obj is not None and obj.is_locked():
            return ["session", "text", "signed_pdf", *workflow]
        return ["session", *workflow] if obj is not None else workflow

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = Session.objects.held().filter(minutes__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        for erratum in formset.save(commit=False):
            erratum.author = erratum.author or request.user
            erratum.save()

    def get_urls(self):
        return [
            path("<int:pk>/approve/", self.admin_site.admin_view(self.approve_view), name="council_minutes_approve"),
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view), name="council_minutes_publish"),
            *super().get_urls(),
        ]

    @admin.display(description=_("next step"))
    def workflow(self, minutes):
        if minutes.pk is None:  # the add form: nothing to approve yet
            return "—"
        if minutes.status == Minutes.Status.DRAFT:
            return format_html('<a href="{}">{}</a>', reverse("admin:council_minutes_approve", args=[minutes.pk]),
                               _("Record approval…"))  # fmt: skip
        # Locked minutes are read-only: a correction is an erratum, added in the minutes' own form.
        erratum = format_html('<a href="{}#errata-group">{}</a>', reverse("admin:council_minutes_change",
                              args=[minutes.pk]), _("Record an erratum"))  # fmt: skip
        if minutes.status == Minutes.Status.APPROVED:
            publish = format_html('<a href="{}">{}</a>', reverse("admin:council_minutes_publish", args=[minutes.pk]),
                                  _("Publish…"))  # fmt: skip
            return format_html("{} · {}", publish, erratum)
        return erratum

    def workflow_view(self, request, pk, *, permission, form_class, title, perform):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        minutes = get_object_or_404(Minutes.objects.select_related("session", "approved_at"), pk=pk)
        form_kwargs = {"minutes": minutes} if form_class is ApproveForm else {}
        form = form_class(request.POST or None, request.FILES or None, **form_kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                perform(minutes, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, _("%(minutes)s: done.") % {"minutes": minutes}, messages.SUCCESS)
                return redirect("admin:council_minutes_change", minutes.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": title % {"minutes": minutes},
            "minutes": minutes,
            "form": form,
            "approving": form_class is ApproveForm,
            "opts": self.opts,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/council/minutes_workflow.html", context)

    def approve_view(self, request, pk):
        return self.workflow_view(
            request, pk, permission="council.approve_minutes", form_class=ApproveForm,
            title=_("Record the approval of the %(minutes)s"),
            perform=lambda minutes, data: minutes.approve(at=data["at"], by=request.user),
        )  # fmt: skip

    def publish_view(self, request, pk):
        return self.workflow_view(
            request, pk, permission="council.publish_minutes", form_class=PublishForm,
            title=_("Publish the %(minutes)s"),
            perform=lambda minutes, data: minutes.publish(signed_pdf=data["signed_pdf"]),
        )  # fmt: skip

    @admin.action(description=_("Publish the selected approved minutes"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        published = 0
        for minutes in queryset:
            try:
                minutes.publish()
            except ValidationError as error:
                self.message_user(request, f"{minutes}: {'; '.join(error.messages)}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, _("%(count)s minutes published.") % {"count": published}, messages.SUCCESS)

    def has_publish_permission(self, request):
        return request.user.has_perm("council.publish_minutes")


@admin.register(Agreement)
class AgreementAdmin(HistoryAdmin):
    """Following agreements up across sessions: their status and notes change long after the session."""

    list_display = ["__str__", "text", "responsible_organization", "due_on", "status"]
    list_editable = ["status"]
    list_filter = ["status"]
    list_select_related = ["session", "responsible_organization"]
    search_fields = ["text", "=session__number"]
    readonly_fields = ["session", "number"]

    def has_add_permission(self, request):
        return False  # agreements are adopted in the session's screen


@admin.register(MilestoneReview)
class MilestoneReviewAdmin(HistoryAdmin):
    list_display = ["milestone", "session", "outcome", "update"]
    list_filter = ["outcome"]
    list_select_related = ["milestone__commitment", "session", "update"]
    search_fields = ["milestone__commitment__code", "milestone__title"]
    readonly_fields = ["session", "milestone", "update"]

    def has_add_permission(self, request):
        return False  # reviews are recorded in the session's screen
