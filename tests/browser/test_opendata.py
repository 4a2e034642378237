import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(live_server):
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


@pytest.mark.parametrize("url", ["/datos/", "/en/datos/", "/datos/api/", "/en/datos/api/"])
def test_open_data_pages_pass_axe(page, assert_accessible, portal, url):
    page.goto(url)
    assert_accessible(page)


def test_a_citizen_downloads_the_commitments_as_csv(page, portal):
    page.goto("/datos/")
    page.get_by_role("link", name="Datos abiertos").first.wait_for()
    with page.expect_download() as download:
        page.locator("#compromisos").get_by_role("link", name="Descargar CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("code,url,page,plan,title")
    assert "ECQTO0001" in text
