"""Recording a session on one screen: attendance of every member in office, agenda, agreements and minutes.

A small admin view of the Session admin (`RecordingAdminMixin.get_urls`). The quorum comes from the rule the
session is held under (`QuorumRule.evaluate`), recomputed on every submit; "Vista previa" re-renders the form
with the minutes as the public page shows them and the quorum, saving nothing. A save is one transaction that
claims the session's next version first, so a recording made from a stale page is refused with the input kept.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models import Organization
from commitments.versioning import StaleVersionError, version_checked
from council.admin.base import AgendaItemForm, can_convene
from council.models import AgendaItem, Agreement, Attendance, CouncilMember, Minutes, QuorumRule, Session, today

PREVIEW = "_preview"


class AttendanceForm(forms.Form):
    """One radio row per member in office on the session's date."""

    def __init__(self, *args, members, initial_statuses, **kwargs):
        super().__init__(*args, prefix="asistencia", **kwargs)
        self.members = members
        for member in members:
            self.fields[self.field_name(member)] = forms.ChoiceField(
                label=f"{member.display_name()} · {member.organization.name} · {member.get_role_display()}",
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=initial_statuses.get(member.pk),
                error_messages={"required": _("Choose how this member attended.")},
            )

    @staticmethod
    def field_name(member):
        return f"miembro_{member.pk}"

    def statuses(self):
        """The status chosen for each member (the submitted one, else the stored one); None when not chosen."""
        chosen = {}
        for member in self.members:
            name = self.field_name(member)
            value = self.data.get(self.add_prefix(name)) if self.is_bound else self.fields[name].initial
            chosen[member.pk] = value if value in Attendance.Status.values else None
        return chosen


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["number", "text", "responsible_member", "responsible_organization", "due_on", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        members, organizations = owners["members"], owners["organizations"]
        member, organization = self.fields["responsible_member"], self.fields["responsible_organization"]
        member.queryset = CouncilMember.objects.filter(pk__in=[m.pk for m in members])
        member.choices = [("", "---------"), *((m.pk, m.display_name()) for m in members)]
        organization.queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])
        organization.choices = [("", "---------"), *((o.pk, o.name) for o in organizations)]


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Minutes
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = self.instance.pk is not None  # minutes may come later than attendance

    def _post_clean(self):
        if self.instance.pk is None and not self.cleaned_data.get("text"):
            return  # no minutes yet: nothing to validate, nothing will be saved
        super()._post_clean()


AgendaFormSet = forms.inlineformset_factory(Session, AgendaItem, form=AgendaItemForm, extra=1, can_delete=True)
AgreementFormSet = forms.inlineformset_factory(Session, Agreement, form=AgreementForm, extra=1, can_delete=True)
VersionedMinutesForm = version_checked(MinutesForm)


class Recording:
    """Everything the screen shows and saves for one session and one user; built per request."""

    def __init__(self, request, session):
        self.request, self.session, self.user = request, session, request.user
        data = request.POST if request.method == "POST" else None
        self.rule = session.applied_quorum_rule() or QuorumRule()
        self.members = list(
            CouncilMember.objects.in_office(session.scheduled_on)
            .filter(is_demo=session.is_demo)
            .select_related("organization")
            .order_by("sector", "role", "name")
        )
        stored = {row.member_id: row for row in session.attendances.all()}
        self.stored_attendance = stored
        self.attendance = AttendanceForm(
            data, members=self.members, initial_statuses={pk: row.status for pk, row in stored.items()}
        )
        self.agenda = AgendaFormSet(
            data, instance=session, prefix="orden",
            queryset=AgendaItem.objects.prefetch_related("proposal_references"),
        )  # fmt: skip
        # Owners are the members in office and their organizations: a dozen choices, fetched once per page.
        organizations = list(Organization.objects.filter(pk__in={m.organization_id for m in self.members}))
        owners = {"members": self.members, "organizations": organizations}
        self.agreements = AgreementFormSet(
            data, instance=session, prefix="acuerdos", form_kwargs={"owners": owners},
            queryset=Agreement.objects.select_related("session"),
        )  # fmt: skip
        self.minutes_obj = Minutes.objects.filter(session=session).first()
        self.minutes = VersionedMinutesForm(data, instance=self.minutes_obj, prefix="acta")
        self.mark_held = self.can_mark_held() and bool(data and data.get("marcar_realizada"))
        self.loaded_version = self.read_version(data)

    def read_version(self, data):
        try:
            return int(data.get("version_sesion")) if data else self.session.version
        except (TypeError, ValueError):
            return self.session.version

    # What the user may do, decided on the server.
    def held_or_marking(self):
        return self.session.is_held() or self.mark_held

    def can_record_attendance(self):
        perms = self.user.has_perm("council.add_attendance") and self.user.has_perm("council.change_attendance")
        return perms and (self.session.is_held() or can_convene(self.user))

    def can_mark_held(self):
        return can_convene(self.user) and not self.session.is_held() and self.session.status != Session.Status.SUSPENDED

    def can_edit_agenda(self):
        return self.user.has_perm("council.change_agendaitem") and self.user.has_perm("council.add_agendaitem")

    def can_edit_agreements(self):
        return self.held_or_marking() and self.user.has_perm("council.add_agreement")

    def can_edit_minutes(self):
        locked = self.minutes_obj is not None and self.minutes_obj.is_locked()
        return self.held_or_marking() and not locked and self.user.has_perm("council.change_minutes")

    def parts(self):
        """The editable parts, each with its form and whether this user may write it now."""
        return [
            (self.attendance, self.can_record_attendance()),
            (self.agenda, self.can_edit_agenda()),
            (self.agreements, self.can_edit_agreements()),
            (self.minutes, self.can_edit_minutes()),
        ]

    def sent(self, form):
        """Whether the page posted carried `form` (a part shown read-only, then editable, is not taken as empty)."""
        if isinstance(form, forms.BaseFormSet):
            return form.add_prefix("TOTAL_FORMS") in form.data
        if isinstance(form, AttendanceForm):
            return True
        return any(form.add_prefix(name) in form.data for name in form.fields)

    def writes(self, form, editable):
        return editable and self.sent(form)

    def quorum(self):
        statuses = self.attendance.statuses()
        return self.rule.evaluate([(member.role, statuses[member.pk]) for member in self.members])

    def minutes_preview(self):
        text = self.minutes.data.get(self.minutes.add_prefix("text"), "") if self.minutes.is_bound else ""
        return Minutes(text=text).text_html() if text.strip() else ""

    def is_valid(self):
        status = self.session.status
        if self.mark_held:
            self.session.status = Session.Status.HELD  # agreements and minutes are validated as of a held session
        try:
            valid = all([form.is_valid() for form, editable in self.parts() if editable and self.sent(form)])
        finally:
            self.session.status = status
        if self.mark_held and self.session.scheduled_on > today():
            error = ValidationError(_("A session cannot be marked as held before its date."), code="held_before_date")
            self.attendance.add_error(None, error)
            valid = False
        return valid

    def minutes_changed(self):
        if not self.writes(self.minutes, self.can_edit_minutes()):
            return False
        return self.minutes.has_changed() and (self.minutes_obj is not None or self.minutes.cleaned_data.get("text"))

    @transaction.atomic
    def save(self):
        session = Session.objects.select_for_update().get(pk=self.session.pk)
        session.version = self.loaded_version
        session.claim_next_version()  # a recording from a stale page stops here, before anything is written
        if self.can_record_attendance():
            self.save_attendance()
        if self.mark_held:
            session.status = Session.Status.HELD
            session.save(update_fields=["status"])
            self.session.status = Session.Status.HELD
        if self.writes(self.agenda, self.can_edit_agenda()):
            self.agenda.save()
        if self.writes(self.agreements, self.can_edit_agreements()):
            for agreement in self.agreements.save(commit=False):
                agreement.full_clean()
                agreement.save()
            for agreement in self.agreements.deleted_objects:
                agreement.delete()
        if self.minutes_changed():
            minutes = self.minutes.save(commit=False)
            minutes.session = self.session
            minutes.save()

    def save_attendance(self):
        for member in self.members:
            status = self.attendance.cleaned_data[AttendanceForm.field_name(member)]
            row = self.stored_attendance.get(member.pk)
            if row is None:
                Attendance.objects.create(session=self.session, member=member, status=status)
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])

    def error_summary(self):
        """Each error with the id of the field it belongs to, for the links at the top of the page."""
        summary = []
        for form, editable in self.parts():
            if not self.writes(form, editable):
                continue
            forms_ = form.forms if isinstance(form, forms.BaseFormSet) else [form]
            if isinstance(form, forms.BaseFormSet):
                summary += [(None, error) for error in form.non_form_errors()]
            for each in forms_:
                summary += [(None, error) for error in each.non_field_errors()]
                for name, errors in each.errors.items():
                    if name == "__all__":
                        continue
                    field = each[name]
                    anchor = field.auto_id + ("_0" if isinstance(field.field.widget, forms.RadioSelect) else "")
                    summary += [(anchor, f"{field.label}: {error}") for error in errors]
        return summary


class RecordingAdminMixin:
    """The Session admin's recording screen and its links."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.record_view)
        return [path("<int:pk>/registrar/", view, name="council_session_record"), *super().get_urls()]

    def record_view(self, request, pk):
        session = get_object_or_404(Session, pk=pk)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        recording = Recording(request, session)
        preview = request.method == "POST" and PREVIEW in request.POST
        stale = None
        if request.method == "POST" and not preview and recording.is_valid():
            try:
                recording.save()
            except StaleVersionError:
                stale = gettext(
                    "Someone else recorded this session after you opened this page; nothing was saved. Your entries "
                    "are kept below: check them against the session's current record and save again."
                )
                recording.loaded_version = Session.objects.get(pk=session.pk).version
            except ValidationError as error:
                recording.attendance.add_error(None, error)
            else:
                self.message_user(
                    request, gettext("The record of %(session)s was saved.") % {"session": session.title()},
                    messages.SUCCESS,
                )  # fmt: skip
                return redirect("admin:council_session_record", session.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record %(session)s") % {"session": session.title()},
            "session": session,
            "recording": recording,
            "quorum": (quorum := recording.quorum()),
            "quorum_statement": recording.rule.statement(quorum.members_in_office),
            "rule": recording.rule,
            "preview": recording.minutes_preview() if preview else None,
            "previewing": preview,
            "stale": stale,
            "errors": recording.error_summary() if request.method == "POST" and not preview else [],
            "opts": self.opts,
            "media": self.media + recording.minutes.media + recording.agreements.media,
        }
        return TemplateResponse(request, "admin/council/session/record.html", context)

    @admin.display(description=_("record"))
    def record_link(self, session):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:council_session_record", args=[session.pk]), _("Record on one screen")
        )


class SessionChangeList(ChangeList):
    """The quorum of the page's rows only: counting and paginating never compute it for the whole table."""

    def get_results(self, request):
        super().get_results(request)
        rows = list(self.result_list)
        annotated = Session.objects.with_quorum().select_related("minutes").in_bulk([row.pk for row in rows])
        self.result_list = [annotated[row.pk] for row in rows]
