import pytest

from commitments.models import COORDINATION_GROUP, Milestone
from tests.factories import MilestoneFactory, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_in_own_browser(browser, live_server, username, path):
    """A separate browser context (its own cookies and session), logged in and showing `path`."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="es-EC")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill("clave-de-prueba")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/admin/")
    page.goto(path)
    return context, page


def test_two_coordinators_in_two_browsers_the_second_save_shows_what_changed_and_keeps_the_input(browser, live_server):
    milestone = MilestoneFactory(title="Hito original", means_of_verification="Informe publicado")
    staff_user("coordinadora_a", COORDINATION_GROUP)
    staff_user("coordinador_b", COORDINATION_GROUP)
    path = f"/admin/commitments/milestone/{milestone.pk}/change/"
    first_context, first = open_in_own_browser(browser, live_server, "coordinadora_a", path)
    second_context, second = open_in_own_browser(browser, live_server, "coordinador_b", path)
    try:
        first.locator("#id_title").fill("Título corregido por A")
        first.locator("input[name=_save]").click()
        first.wait_for_url("**/admin/commitments/milestone/")

        second.locator("#id_means_of_verification").fill("Acta firmada por B")
        second.locator("input[name=_save]").click()

        errors = second.locator("ul.errorlist.nonfield").inner_text()
        assert "Otra persona guardó cambios en este registro (hito)" in errors
        assert "Cambió mientras tanto: título; ahora es «Título corregido por A»." in errors
        assert second.locator("#id_means_of_verification").input_value() == "Acta firmada por B"
        stored = Milestone.objects.get(pk=milestone.pk)
        assert (stored.title, stored.means_of_verification) == ("Título corregido por A", "Informe publicado")

        assert second.locator("#id_title").input_value() == "Título corregido por A"  # what B did not touch

        # Having read what changed, B saves again on purpose: both changes are kept.
        second.locator("input[name=_save]").click()
        second.wait_for_url("**/admin/commitments/milestone/")
        stored = Milestone.objects.get(pk=milestone.pk)
        assert (stored.title, stored.means_of_verification, stored.version) == (
            "Título corregido por A",
            "Acta firmada por B",
            3,
        )
    finally:
        first_context.close()
        second_context.close()
