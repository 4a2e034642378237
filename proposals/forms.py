import re
import time
import uuid

import django_filters
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commitments.forms import SearchFilter, SearchFilterSet
from proposals.models import Call, Parish, Proposal, ProposerContact, ZonalAdministration, normalize_code

STARTED_SALT = "proposals.form-started"
CONFIRM_SALT = "proposals.form-confirm"
# Mobile 09XXXXXXXX or +593 9XXXXXXXX; landline 0[2-7]XXXXXXX (area code and seven digits).
PHONE_PATTERN = re.compile(r"^(?:09\d{8}|\+5939\d{8}|0[2-7]\d{7})$")


def started_token():
    return signing.dumps(time.time(), salt=STARTED_SALT)


def seconds_since(token):
    """Seconds since the form carrying `token` was served, or None if the token is forged or a day old."""
    try:
        return time.time() - float(signing.loads(token, salt=STARTED_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def parse_submission_token(value):
    """The form's one-time token as a UUID, or None if it is missing or malformed."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def grouped_parishes():
    """Parishes for a <select>: one <optgroup> per zone, and apart those whose zone the sources do not confirm."""
    groups, unconfirmed, loose = {}, {Parish.Kind.URBAN: [], Parish.Kind.RURAL: []}, []
    for parish in Parish.objects.select_related("zone").order_by("zone__order", "zone__name", "name"):
        if parish.has_confirmed_zone():
            # Labelled like the zone's own option, so the form's script can match them.
            groups.setdefault(str(parish.zone), []).append((parish.pk, str(parish)))
        elif parish.kind in unconfirmed:
            unconfirmed[parish.kind].append((parish.pk, str(parish)))
        else:
            loose.append((parish.pk, str(parish)))
    choices = [("", _("— None or I don't know —")), *groups.items()]
    unconfirmed_labels = {
        Parish.Kind.URBAN: _("Urban parish (zonal administration to be confirmed)"),
        Parish.Kind.RURAL: _("Rural parish (zonal administration to be confirmed)"),
    }
    for kind, label in unconfirmed_labels.items():
        if unconfirmed[kind]:
            choices.append((label, sorted(unconfirmed[kind], key=lambda choice: choice[1])))
    if loose:
        choices.append((_("Other parishes"), loose))
    return choices


class ProposalForm(forms.ModelForm):
    # A field people never see (hidden by the stylesheet) and bots fill in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set when a form sent faster than a person usually types came back for confirmation: the second send of
    # that same form is taken as the person's (a bot would have to read and resend the page).
    confirmed = forms.CharField(widget=forms.HiddenInput, required=False)
    # Drawn each time the form is shown; sending the same form again finds the proposal it already stored.
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        fields = ["title", "problem", "topic", "zone", "parish", "solution"]
        labels = {
            "title": _("Title of your proposal"),
            "problem": _("What is the problem?"),
            "solution": _("What do you propose?"),
            "topic": _("Topic"),
            "zone": _("Zonal administration"),
            "parish": _("Parish (optional)"),
        }
        help_texts = {
            "title": _("A short sentence, at most 150 characters."),
            "problem": _("Describe the problem, who it affects and where. At most 3,000 characters."),
            "solution": _("How could the municipality solve it? At most 3,000 characters."),
            "topic": _("The open-government value closest to your proposal."),
            "zone": _("The zonal administration where the problem happens."),
            "parish": _(
                "Parishes whose zonal administration the sources we consulted do not confirm are listed apart."
            ),
        }
        error_messages = {
            "title": {
                "required": _("Write a title for your proposal."),
                "max_length": _("The title can have at most %(limit_value)d characters (it has %(show_value)d)."),
            },
            "problem": {
                "required": _("Describe the problem."),
                "max_length": _("Describe the problem in at most %(limit_value)d characters (it has %(show_value)d)."),
            },
            "solution": {
                "required": _("Describe your proposed solution."),
                "max_length": _("Describe the solution in at most %(limit_value)d characters (it has %(show_value)d)."),
            },
            "topic": {"required": _("Choose the topic of your proposal.")},
            "zone": {"required": _("Choose the zonal administration.")},
        }
        widgets = {"problem": forms.Textarea(attrs={"rows": 6}), "solution": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.call = call
        self.fields["parish"].choices = grouped_parishes()
        self.fields["topic"].choices = [("", _("Choose a topic")), *Proposal._meta.get_field("topic").choices]
        self.fields["zone"].empty_label = _("Choose a zonal administration")
        self.fields["started"].initial = started_token()
        self.fields["submission_token"].initial = uuid.uuid4()
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")
        for name in ("title", "problem", "solution"):
            self.fields[name].widget.attrs["maxlength"] = Proposal._meta.get_field(name).max_length

    def clean_submission_token(self):
        token = parse_submission_token(self.cleaned_data["submission_token"])
        if token is None:
            # A form without a valid token still goes through, and keeps its new token if it comes back.
            token = uuid.uuid4()
            self.data = self.data.copy()
            self.data["submission_token"] = str(token)
        return token

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise ValidationError(_("We could not accept this submission."), code="honeypot")
        elapsed = seconds_since(cleaned.get("started"))
        if elapsed is None:
            self.renew_started()
            raise ValidationError(_("The form expired. Check your answers and send it again."), code="form_expired")
        if elapsed < settings.PROPOSALS_MIN_FILL_SECONDS and not self.is_confirmation():
            self.ask_confirmation()
            raise ValidationError(
                _("Please check your answers, then press “Confirm and send my proposal”."), code="too_fast"
            )
        return cleaned

    def ask_confirmation(self):
        self.data = self.data.copy()
        self.data["confirmed"] = signing.dumps(str(self.data.get("submission_token", "")), salt=CONFIRM_SALT)

    def is_confirmation(self):
        """Whether this is the confirming send of a form that came back once for being too fast."""
        try:
            token = signing.loads(self.data.get("confirmed", ""), salt=CONFIRM_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            return False
        return token == str(self.data.get("submission_token", ""))

    def needs_confirmation(self):
        return any(error.code == "too_fast" for error in self.errors.as_data().get("__all__", []))

    def renew_started(self):
        self.data = self.data.copy()
        self.data["started"] = started_token()

    def is_bot(self):
        return any(error.code == "honeypot" for error in self.errors.as_data().get("__all__", []))


class ContactForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and consent to the processing of my data for this proposal."),
        error_messages={"required": _("To send your proposal, tick the box to give your consent.")},
    )

    class Meta:
        model = ProposerContact
        fields = ["name", "email", "phone", "organization", "age_range", "gender"]
        labels = {
            "name": _("Full name"),
            "email": _("Email"),
            "phone": _("Phone (optional)"),
            "organization": _("Organization you represent (optional)"),
            "age_range": _("Age range (optional)"),
            "gender": _("Gender (optional)"),
        }
        help_texts = {
            "email": _("We send your tracking code and the answers here."),
            "phone": _("Mobile 09XXXXXXXX or +5939XXXXXXXX, or landline with area code, e.g. 022345678."),
            "age_range": _("Only for anonymous statistics on who takes part."),
        }
        error_messages = {
            "name": {
                "required": _("Write your name."),
                "max_length": _("The name can have at most %(limit_value)d characters."),
            },
            "email": {
                "required": _("Write your email so we can send you the tracking code."),
                "invalid": _("Write a valid email address, e.g. nombre@ejemplo.com."),
            },
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age_range"].choices = [("", _("I prefer not to say")), *ProposerContact.AgeRange.choices]
        self.fields["gender"].choices = [("", _("I prefer not to say")), *ProposerContact.Gender.choices]

    def clean_phone(self):
        phone = re.sub(r"[\s\-().]", "", self.cleaned_data["phone"])
        if phone and not PHONE_PATTERN.match(phone):
            raise ValidationError(
                _(
                    "Write an Ecuadorian phone number: a mobile 09XXXXXXXX or +5939XXXXXXXX, "
                    "or a landline with its area code, e.g. 022345678."
                ),
                code="phone",
            )
        return phone


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("For example QGA-7K4-M2P-9XH. Capital or small letters, with or without dashes."),
        error_messages={"required": _("Write your tracking code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(
                _("That is not a tracking code. Codes look like QGA-7K4-M2P-9XH."), code="code_format"
            )
        return code


class ErasureRequestForm(TrackForm):
    email = forms.EmailField(
        label=_("The email you gave with the proposal"),
        error_messages={
            "required": _("Write the email you gave with the proposal."),
            "invalid": _("Write a valid email address, e.g. nombre@ejemplo.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ProposalFilter(SearchFilterSet):
    q = SearchFilter()
    call = django_filters.ModelChoiceFilter(
        label=_("Call"), queryset=Call.objects.visible_to(None), empty_label=_("All calls")
    )
    zone = django_filters.ModelChoiceFilter(
        label=_("Zonal administration"), queryset=ZonalAdministration.objects.all(), empty_label=_("All zones")
    )
    parish = django_filters.ModelChoiceFilter(
        label=_("Parish"), queryset=Parish.objects.all(), empty_label=_("All parishes")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Proposal.Status.choices, empty_label=_("All statuses"), method="filter_status"
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), choices=Proposal._meta.get_field("topic").choices, empty_label=_("All topics")
    )

    class Meta:
        model = Proposal
        fields = ["q", "call", "zone", "parish", "status", "topic"]

    def search(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        return queryset.with_public_status(value)


def error_summary(*forms_):
    """The errors of `forms_` for the summary at the top of a page: (anchor, message) pairs, in the order of the
    fields on the page, each anchor the field to correct (a form-wide error points at the form)."""
    items = []
    for form in forms_:
        for message in form.non_field_errors():
            items.append(("#proposal-form", message))
        for name, field in form.fields.items():
            if name in form.errors and not field.widget.is_hidden:
                items.extend((f"#{form[name].auto_id}", message) for message in form.errors[name])
    return items
