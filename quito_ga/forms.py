from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.forms import OTPAuthenticationFormMixin

from ratelimits.limits import login_blocked


class StaffLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin login: password, then the authenticator code when second factors are on and one is set up."""

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the six-digit code shown by your authenticator app."),
        "invalid_token": _("That code is not valid. Check your authenticator app and try again."),
    }
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "account_throttled": _(
            "Too many failed attempts to sign in to this account. For its protection, sign-in is paused for an "
            "hour. Contact the portal's administrators if you need access sooner."
        ),
    }

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        help_text=_("Only if your account has a second factor: the six digits shown by your authenticator app."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and login_blocked(username):
            raise ValidationError(self.error_messages["account_throttled"], code="account_throttled")
        cleaned_data = super().clean()
        if settings.STAFF_MFA and self.user_cache is not None and user_has_device(self.user_cache):
            self.clean_otp(self.user_cache)
        return cleaned_data

    def _chosen_device(self, user):
        # Staff have one authenticator app each; the form asks for no device choice.
        return super()._chosen_device(user) or next(devices_for_user(user, confirmed=True), None)


class DeviceConfirmationForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device = None

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        self.device = next((device for device in self.devices if device.verify_token(token)), None)
        if self.device is None:
            raise ValidationError(
                _("That code is not valid. Check that your phone's clock is right and enter the current code."),
                code="invalid_token",
            )
        return token
