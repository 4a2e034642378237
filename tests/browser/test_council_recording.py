"""Browser journeys in Spanish: a council member records a session on one screen; the secretary approves and
publishes its minutes at a later session. Each ends with what the public sees; axe checks every admin page."""

import datetime

import pytest

from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Agreement, Attendance, Minutes
from tests.council.factories import CouncilMemberFactory, MinutesFactory, held_session
from tests.factories import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "clave-de-prueba"


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def assert_no_horizontal_scroll(page):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls {overflow}px sideways at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def council():
    members = [
        CouncilMemberFactory(name="Ana Pérez"),
        CouncilMemberFactory(name="Bruno Salazar"),
        CouncilMemberFactory(name="Carla Montalvo"),
    ]
    consejero = staff_user("consejero", COUNCIL_GROUP, password=PASSWORD)
    members[0].user = consejero
    members[0].save()
    staff_user("secretaria", SECRETARIAT_GROUP, password=PASSWORD)
    return members


def test_council_member_records_a_session_on_one_screen(page, assert_accessible, council):
    session = held_session(council[:1], present=1, number=4, scheduled_on=datetime.date(2023, 5, 4))
    log_in(page, "consejero")
    assert_accessible(page)
    page.goto(f"/admin/council/session/{session.pk}/change/")
    assert_accessible(page)
    page.get_by_role("link", name="Registrar en una pantalla").click()
    page.wait_for_url(f"**/admin/council/session/{session.pk}/registrar/")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    # One radio row per member, named by its legend.
    page.get_by_role("group", name="Bruno Salazar", exact=False).get_by_label("Presente").check()
    page.get_by_role("group", name="Carla Montalvo", exact=False).get_by_label("Representado por el alterno").check()
    agreement = page.get_by_role("group", name="Nuevo acuerdo")
    agreement.get_by_label("Número").fill("1")
    agreement.get_by_label("Acuerdo").fill("Solicitar el informe de la mesa técnica.")
    agreement.get_by_label("Consejero responsable").select_option(label="Bruno Salazar")
    agreement.get_by_label("Fecha límite").fill("2023-06-30")
    page.get_by_label("Texto").fill("## Desarrollo\n\nEl consejo revisó el **avance** del compromiso.")

    # The preview renders the minutes as the public page will, recomputes the quorum and saves nothing.
    page.get_by_role("button", name="Vista previa").click()
    preview = page.locator(".record__preview")
    assert preview.locator("strong", has_text="avance").is_visible()
    assert "Asisten 3 de los 3 miembros que cuentan" in page.locator("#quorum-estado").inner_text()
    assert not Minutes.objects.filter(session=session).exists()
    assert_accessible(page)

    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(f"**/admin/council/session/{session.pk}/registrar/")
    assert page.get_by_text("Se guardó el registro").is_visible()
    assert_accessible(page)
    assert Minutes.objects.get(session=session).status == Minutes.Status.DRAFT
    assert Attendance.objects.filter(session=session).count() == 3
    assert Agreement.objects.get(session=session).responsible_member == council[1]

    # The public (a visitor without an account: the council's roles also see the draft, marked as not public)
    # sees the attendance, the quorum and the rule applied, the agreement, and no draft minutes.
    public = page.context.browser.new_page(base_url=page.url.split("/admin")[0], locale="es-EC")
    public.goto(session.get_absolute_url())
    attendance = public.locator("#asistencia").locator("..")
    assert attendance.get_by_text("Quórum alcanzado").is_visible()
    assert "Quórum: mayoría simple de los 3 miembros con voto en funciones" in attendance.inner_text()
    assert "Representado por el alterno" in attendance.inner_text()
    assert "Solicitar el informe de la mesa técnica." in public.content()
    assert "revisó el" not in public.content()
    public.close()


def test_errors_are_summarised_and_focused_on_the_recording_screen(page, assert_accessible, council):
    session = held_session(council[:1], present=1, number=4, scheduled_on=datetime.date(2023, 5, 4))
    log_in(page, "consejero")
    page.goto(f"/admin/council/session/{session.pk}/registrar/")
    page.get_by_role("button", name="Guardar").click()
    summary = page.locator("#errores")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "errores"
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash").startswith("#id_asistencia-miembro_")
    assert_accessible(page)


def test_secretary_approves_the_minutes_at_a_later_session_and_publishes_them(page, assert_accessible, council):
    session = held_session(council, present=2, number=4, scheduled_on=datetime.date(2023, 5, 4))
    minutes = MinutesFactory(session=session, text="## Desarrollo\n\nEl consejo revisó el **avance** del compromiso.")
    held_session(council, present=1, number=5, scheduled_on=datetime.date(2023, 6, 1))  # no quorum
    held_session(council, present=3, number=6, scheduled_on=datetime.date(2023, 7, 6))

    log_in(page, "secretaria")
    assert_accessible(page)
    page.get_by_role("link", name=str(minutes)).first.click()
    page.wait_for_url(f"**/admin/council/minutes/{minutes.pk}/change/")
    assert_accessible(page)
    page.get_by_role("link", name="Registrar la aprobación…").click()
    assert_accessible(page)
    # Only the session that can approve is offered; the other is listed with the reason.
    assert page.get_by_label("Sesión ordinaria 5", exact=False).count() == 0
    assert "La sesión 5 no tuvo quórum" in page.content()
    page.get_by_label("Sesión ordinaria 6, realizada el", exact=False).check()
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url(f"**/admin/council/minutes/{minutes.pk}/change/")
    assert_accessible(page)
    # Approved minutes are read-only; a correction is an erratum.
    assert page.locator("textarea[name=text]").count() == 0
    assert page.get_by_role("link", name="Registrar fe de erratas").first.is_visible()
    page.get_by_role("link", name="Publicar…").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url(f"**/admin/council/minutes/{minutes.pk}/change/")

    page.goto(session.get_absolute_url())
    minutes_section = page.locator("#acta").locator("..")
    assert "El consejo revisó el avance del compromiso." in minutes_section.inner_text()
    assert "Aprobada por el consejo en la sesión 6" in minutes_section.inner_text()
