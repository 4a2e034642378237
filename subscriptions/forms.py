from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commitments.models import ActionPlan, Commitment
from proposals.models import Proposal, ZonalAdministration, normalize_code
from subscriptions.models import Subscription

# The query parameters of the "Follow" links on commitment, plan, zone, council and proposal pages.
PREFILL_PARAMETERS = {"compromiso": "commitment", "plan": "plan", "zona": "zone", "propuesta": "proposal"}


class SubscriptionForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("We first send a link to confirm it; nothing else is sent until you follow it."),
        error_messages={
            "required": _("Write your email."),
            "invalid": _("Write a valid email address, e.g. nombre@ejemplo.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    kind = forms.ChoiceField(
        label=_("What do you want to follow?"),
        choices=Subscription.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you want to follow.")},
    )
    commitment = forms.CharField(
        label=_("Commitment code"),
        required=False,
        max_length=20,
        help_text=_("For example ECQTO0001. It is at the top of each commitment's page."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    plan = forms.ModelChoiceField(
        label=_("Action plan"), required=False, queryset=ActionPlan.objects.none(), empty_label=_("Choose a plan")
    )
    zone = forms.ModelChoiceField(
        label=_("Zonal administration"),
        required=False,
        queryset=ZonalAdministration.objects.all(),
        empty_label=_("Choose a zonal administration"),
    )
    proposal = forms.CharField(
        label=_("Tracking code of your proposal"),
        required=False,
        max_length=40,
        help_text=_("The code you received when you sent it, e.g. QGA-7K4-M2P-9XH."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    frequency = forms.ChoiceField(
        label=_("How often?"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often you want to hear from us.")},
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and consent to the use of my email for these notices."),
        error_messages={"required": _("To subscribe, tick the box to give your consent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = (
            ActionPlan.objects.visible_to(None).only("slug", "title", "number").order_by("-number")
        )
        self.target = None

    def clean_commitment(self):
        code = self.cleaned_data["commitment"].strip().upper()
        if self.data.get("kind") != Subscription.Kind.COMMITMENT:
            return None
        commitment = Commitment.objects.visible_to(None).filter(code=code).first() if code else None
        if commitment is None:
            raise ValidationError(_("We found no commitment with this code."), code="unknown_commitment")
        return commitment

    def clean_proposal(self):
        if self.data.get("kind") != Subscription.Kind.PROPOSAL:
            return None
        code = normalize_code(self.cleaned_data["proposal"])
        proposal = Proposal.objects.filter(code=code).only("code", "is_demo").first() if code else None
        if proposal is None:
            raise ValidationError(
                _("We found no proposal with this code. Check it against the email we sent you."),
                code="unknown_proposal",
            )
        return proposal

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        field = Subscription.TARGETS.get(kind)
        if field and field not in self.errors:
            self.target = cleaned.get(field)
            if self.target is None:
                self.add_error(field, ValidationError(_("Choose what to follow."), code="no_target"))
        return cleaned


def initial_from(query):
    """The form's initial values from a "Follow" link: `?compromiso=ECQTO0001`, `?plan=<slug>`, `?zona=<id>`,
    `?propuesta=<code>` or `?actas=1`."""
    initial = {}
    for parameter, field in PREFILL_PARAMETERS.items():
        if parameter in query:
            initial["kind"] = field
        value = query.get(parameter, "").strip()[:80]
        if value:
            if field == "plan":
                initial[field] = ActionPlan.objects.filter(slug=value).values_list("pk", flat=True).first()
            elif field == "zone":
                initial[field] = int(value) if value.isdigit() else None
            else:
                initial[field] = value
    if query.get("actas"):
        initial["kind"] = Subscription.Kind.MINUTES
    return initial
