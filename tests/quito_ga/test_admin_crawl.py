"""Every admin page each role uses, crawled in Spanish: no string of Django's own English catalogues is left.

The crawl follows the admin's registry as each demo account sees it (index, change lists with search, filters and
facets, add and change forms, history, delete confirmation, the delete action's confirmation), plus the login,
second-factor and password-change pages. A text node or label that is exactly one of the msgids Django's Spanish
catalogues translate (admin, auth, core) is stock English that our catalogue must override.
"""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROLES = ["editor", "coordinador", "secretaria", "consejero", "moderador"]
DJANGO = Path(django.__file__).parent
CATALOGUES = [
    DJANGO / "contrib/admin/locale/es/LC_MESSAGES/django.mo",
    DJANGO / "contrib/admin/locale/es/LC_MESSAGES/djangojs.mo",
    DJANGO / "contrib/auth/locale/es/LC_MESSAGES/django.mo",
    DJANGO / "conf/locale/es/LC_MESSAGES/django.mo",
]
TEXT_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "value"}


def stock_english():
    """Django's English msgids whose Spanish differs: one of them on a Spanish page went untranslated."""
    english = set()
    for path in CATALOGUES:
        with path.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog
        for msgid, msgstr in catalogue.items():
            msgid = msgid[0] if isinstance(msgid, tuple) else msgid
            msgid = msgid.split("\x04")[-1]  # drop a context
            if msgid and msgid != msgstr and re.search(r"[A-Za-z]{2}", msgid) and "%" not in msgid:
                english.add(" ".join(msgid.split()))
    return english


STOCK_ENGLISH = stock_english()


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        attrs = dict(attrs)
        for name in TEXT_ATTRIBUTES & set(attrs):
            if name != "value" or attrs.get("type") in ("submit", "button", "reset"):
                self.texts.append(attrs[name] or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def english_on(content):
    parser = VisibleText()
    parser.feed(content)
    found = set()
    for text in parser.texts:
        text = " ".join(text.split()).strip(" :·|")
        if text in STOCK_ENGLISH:
            found.add(text)
    return found


def crawl_urls(client, user):
    """The admin pages this user reaches from the index, with an object of each model they may see."""
    urls = ["/admin/", "/admin/password_change/", "/admin/password_change/done/"]
    for model, model_admin in admin.site._registry.items():
        request = type("Request", (), {"user": user, "method": "GET", "GET": {}, "COOKIES": {}, "META": {}})()
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        urls += [base, f"{base}?q=zz", f"{base}?_facets=1", f"{base}?o=-1"]
        if model_admin.has_add_permission(request):
            urls.append(f"{base}add/")
        obj = model_admin.get_queryset(request).order_by("-pk").first()
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]
            if model_admin.has_delete_permission(request, obj):
                urls.append(f"{base}{obj.pk}/delete/")
    return urls


@pytest.fixture
def demo_world():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


@pytest.mark.parametrize("username", ROLES)
def test_every_admin_page_a_role_uses_is_in_spanish(client, demo_world, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    pages = {}
    for url in crawl_urls(client, user):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        if response.status_code != 200:
            continue  # a page the role may not open (403) says so in Spanish elsewhere; here we read what it uses
        english = english_on(response.content.decode())
        if english:
            pages[url] = sorted(english)
    found = {}
    for url, strings in pages.items():
        for string in strings:
            found.setdefault(string, url)
    assert not found, found  # each English string with one page that shows it


def test_delete_action_confirmation_is_in_spanish(client, demo_world):
    client.force_login(get_user_model().objects.get(username="coordinador"))
    from commitments.models import Organization

    organization = Organization.objects.filter(is_demo=True).first()
    response = client.post(
        "/admin/commitments/organization/",
        {"action": "delete_selected", "_selected_action": [organization.pk]},
    )
    assert response.status_code == 200
    assert not english_on(response.content.decode())
    assert "¿Está seguro?" in response.content.decode() or "Eliminar" in response.content.decode()


def test_login_and_second_factor_pages_are_in_spanish(client, settings, demo_world):
    settings.STAFF_MFA = True
    login = client.get("/admin/login/")
    assert not english_on(login.content.decode())
    client.force_login(get_user_model().objects.get(username="editor"))
    second = client.get("/admin/segundo-factor/")
    assert second.status_code == 200
    assert not english_on(second.content.decode())
