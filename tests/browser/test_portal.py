import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("url", ["/", "/en/", "/accesibilidad/", "/en/accesibilidad/", "/no-existe/"])
def test_public_page_passes_axe(page, assert_accessible, url):
    page.goto(url)
    assert_accessible(page)


def test_keyboard_user_reaches_main_content_through_the_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Saltar al contenido principal")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher_changes_language_and_keeps_the_page(page):
    page.goto("/accesibilidad/")
    assert page.locator("h1").inner_text() == "Declaración de accesibilidad"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/accesibilidad/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Accessibility statement"
    page.get_by_role("link", name="Español").click()
    page.wait_for_url("**/accesibilidad/")
    assert page.locator("h1").inner_text() == "Declaración de accesibilidad"


def test_layout_fits_a_320px_screen(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
