import base64
import io

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from quito_ga.forms import DeviceConfirmationForm, StaffLoginForm


def needs_second_factor(request):
    user = request.user
    if not (settings.STAFF_MFA and user.is_authenticated and user.is_active and user.is_staff):
        return False
    # OTPMiddleware gives request.user is_verified(); a user logged in during this request has otp_device.
    verified = user.is_verified() if hasattr(user, "is_verified") else getattr(user, "otp_device", None) is not None
    return not verified


def _qr_svg(url):
    out = io.BytesIO()
    write_qrcode_image(url, out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]  # drop the XML declaration so it can sit inline in the page


class PortalAdminSite(admin.AdminSite):
    """The back office. With DJANGO_STAFF_MFA=1 every staff account needs a second factor (TOTP) to enter."""

    site_header = _("Gobierno Abierto Quito — Administration")
    site_title = _("Gobierno Abierto Quito — Administration")
    index_title = _("Back office")
    login_form = StaffLoginForm

    def has_permission(self, request):
        return super().has_permission(request) and not needs_second_factor(request)

    def get_urls(self):
        return [path("segundo-factor/", self.second_factor_view, name="second-factor"), *super().get_urls()]

    def login(self, request, extra_context=None):
        if request.method == "GET" and needs_second_factor(request):
            return redirect(f"{self.name}:second-factor")
        response = super().login(request, {**(extra_context or {}), "staff_mfa": settings.STAFF_MFA})
        if request.method == "POST" and needs_second_factor(request):
            # Password accepted but no second factor verified yet: that comes first.
            return redirect(f"{self.name}:second-factor")
        return response

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def second_factor_view(self, request):
        """Set up (first time) or confirm the staff member's authenticator app, then enter the back office."""
        if not needs_second_factor(request):
            return redirect(f"{self.name}:index" if request.user.is_authenticated else f"{self.name}:login")
        confirmed = list(devices_for_user(request.user, confirmed=True))
        device = None
        if not confirmed:
            device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
            if device is None:
                device = TOTPDevice.objects.create(user=request.user, name=str(_("Authenticator app")), confirmed=False)
        form = DeviceConfirmationForm(request.POST or None, devices=confirmed or [device])
        if request.method == "POST" and form.is_valid():
            if not form.device.confirmed:
                form.device.confirmed = True
                form.device.save(update_fields=["confirmed"])
            otp_login(request, form.device)
            return redirect(f"{self.name}:index")
        context = {
            **self.each_context(request),
            "title": _("Second factor"),
            "form": form,
            "setting_up": device is not None,
        }
        if device is not None:
            context["qr_svg"] = _qr_svg(device.config_url)
            context["secret"] = base64.b32encode(device.bin_key).decode()
        return TemplateResponse(request, "admin/second_factor.html", context)
