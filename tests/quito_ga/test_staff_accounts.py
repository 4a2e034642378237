import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "clave-de-prueba"  # UserFactory's

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def staff():
    return UserFactory(username="tecnica", is_staff=True)


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError) as error:
        validate_password("Qx7!mPz2#kL")  # 11 characters
    assert "12" in str(error.value)
    validate_password("Qx7!mPz2#kLw")


def test_staff_sessions_expire_after_eight_idle_hours_and_on_browser_close(settings, client, staff):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    login(client, "tecnica", PASSWORD)
    assert client.cookies["sessionid"]["expires"] == ""  # a browser-session cookie, gone when the browser closes
    client.get("/admin/")
    session = Session.objects.get()
    first_expiry = session.expire_date
    assert abs((first_expiry - timezone.now()).total_seconds() - 8 * 3600) < 60
    # Activity after the renewal interval pushes the end of the session 8 hours past it.
    session_data = client.session
    session_data["_seen"] -= settings.SESSION_RENEW_AFTER
    session_data.save()
    client.get("/admin/")
    assert Session.objects.get().expire_date > first_expiry


def test_an_idle_staff_session_is_over(settings, client, staff):
    login(client, "tecnica", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_without_mfa_staff_enter_with_their_password(settings, client, staff):
    settings.STAFF_MFA = False
    assert login(client, "tecnica", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_mfa_a_password_alone_leads_to_setting_up_the_second_factor(settings, client, staff):
    settings.STAFF_MFA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a wrong code; not what this tests
    response = login(client, "tecnica", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/segundo-factor/"
    assert client.get("/admin/").status_code == 302  # the back office stays closed
    page = client.get("/admin/segundo-factor/").content.decode()
    assert "<svg" in page and "aplicación de autenticación" in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post("/admin/segundo-factor/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert "El código no es válido" in wrong.content.decode()
    assert client.post("/admin/segundo-factor/", {"token": current_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_with_mfa_a_staff_member_with_a_device_needs_the_code_to_sign_in(settings, staff):
    settings.STAFF_MFA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client = Client()
    response = login(client, "tecnica", PASSWORD)
    assert response.status_code == 200
    assert "Escribe el código de seis dígitos" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    response = login(client, "tecnica", PASSWORD, otp_token=current_code(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_second_factor_page_is_only_for_signed_in_staff(settings, client):
    settings.STAFF_MFA = True
    response = client.get("/admin/segundo-factor/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not TOTPDevice.objects.exists()


def test_password_guessing_spread_over_many_addresses_is_limited_per_account(settings, staff):
    settings.RATELIMIT_REDIS_URL = ""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 4
    for number in range(4):
        response = Client(REMOTE_ADDR=f"198.51.100.{number}").post(LOGIN, {"username": "TECNICA", "password": "x"})
        assert response.status_code == 200
    response = Client(REMOTE_ADDR="203.0.113.50").post(LOGIN, {"username": "tecnica", "password": PASSWORD})
    assert response.status_code == 200
    assert "Demasiados intentos fallidos de ingresar a esta cuenta" in response.content.decode()
    other = UserFactory(username="otra", is_staff=True)
    assert login(Client(REMOTE_ADDR="203.0.113.50"), other.username, PASSWORD).status_code == 302
