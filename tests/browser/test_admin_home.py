import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.models import Milestone
from tests.browser.test_commitments import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def test_editor_opens_the_admin_on_the_most_overdue_milestone_and_can_report_it(page, assert_accessible, seeded):
    editor = get_user_model().objects.get(username="editor")
    most_overdue = Milestone.objects.editable_by(editor).delayed().by_urgency().first()
    log_in(page, "editor")
    assert page.get_by_role("heading", name="Mi trabajo").is_visible()
    overdue = page.locator("#work-overdue")
    assert overdue.locator("caption").text_content() == "Hitos vencidos"
    first_row = overdue.locator("tbody tr").first
    assert str(most_overdue) in first_row.inner_text()
    assert_accessible(page)
    first_row.get_by_role("link", name="Reportar avance").click()
    page.wait_for_url(f"**/admin/commitments/progressupdate/add/?milestone={most_overdue.pk}")
    assert page.locator("#id_milestone").input_value() == str(most_overdue.pk)


def test_every_roles_home_passes_axe_and_fits_a_360px_screen(page, assert_accessible, seeded):
    for username in ["coordinador", "secretaria", "consejero", "moderador"]:
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 800})
        log_in(page, username)
        assert page.get_by_role("heading", name="Mi trabajo").is_visible(), username
        assert_accessible(page)
        page.set_viewport_size({"width": 360, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, username
