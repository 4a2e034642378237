import datetime

import pytest
from django.core.management import call_command

from commitments.models import Commitment
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Minutes, ProposalReference, Session
from tests.council.factories import CouncilMemberFactory, held_session
from tests.factories import MilestoneFactory, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "clave-de-prueba"


def test_council_pages_pass_axe_in_spanish_and_english(page, assert_accessible):
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    session = Session.objects.filter(minutes__status=Minutes.Status.PUBLISHED).order_by("number").first()
    for prefix in ("", "/en"):
        for path in ("/consejo/", "/consejo/sesiones/", "/consejo/sesiones/?status=held", session.get_absolute_url()):
            page.goto(prefix + path)
            assert_accessible(page)


def test_lists_naming_plans_and_agendas_with_proposals_pass_axe_and_fit_a_phone(page, assert_accessible):
    """The pages issue 15's last gaps changed, at 360 px and in both languages: the council's latest verifications
    and agreement list with the plan in force, a session that takes up proposals, a proposal the council discussed,
    the proposal list and an institution's delayed milestones with their plans."""
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    reference = ProposalReference.objects.select_related("agenda_item__session").order_by("pk").first()
    lead = Commitment.objects.filter(is_demo=True).order_by("code").first().lead
    paths = [
        "/consejo/",
        "/consejo/acuerdos/",
        reference.agenda_item.session.get_absolute_url(),
        f"/propuestas/{reference.code}/",
        "/propuestas/",
        "/compromisos/",
        lead.get_absolute_url(),
    ]
    page.set_viewport_size({"width": 360, "height": 740})
    for prefix in ("", "/en"):
        for path in paths:
            page.goto(prefix + path)
            assert_accessible(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, prefix + path
    page.goto(reference.agenda_item.session.get_absolute_url())
    page.locator(f"main a[href='/propuestas/{reference.code}/']").click()
    page.wait_for_url(f"**/propuestas/{reference.code}/")
    assert "Sesiones del consejo que la trataron" in page.locator("main").inner_text()


def test_the_session_page_prints_without_navigation(page):
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    session = Session.objects.filter(minutes__status=Minutes.Status.PUBLISHED).order_by("number").first()
    page.goto(session.get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".minutes__text").is_visible()


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def add_inline_row(page, group):
    page.locator(f"#{group}-group .add-row a").click()


def test_council_records_a_session_and_the_secretariat_approves_and_publishes_its_minutes(page, assert_accessible):
    members = CouncilMemberFactory.create_batch(3)
    consejero = staff_user("consejero", COUNCIL_GROUP, password=PASSWORD)
    members[0].user = consejero
    members[0].save()
    staff_user("secretaria", SECRETARIAT_GROUP, password=PASSWORD)
    milestone = MilestoneFactory(title="Mesa técnica instalada")
    milestone.report(progress=50, reported_on=datetime.date(2023, 4, 20))
    session = held_session(members[:1], present=1, number=4, scheduled_on=datetime.date(2023, 5, 4))
    next_session = held_session(members, present=3, number=5, scheduled_on=datetime.date(2023, 6, 1))

    # The council member records attendance, draft minutes and an agreement on the recording screen, then a
    # milestone review in the session's form.
    log_in(page, "consejero")
    page.goto(f"/admin/council/session/{session.pk}/registrar/")
    page.get_by_role("group", name=members[1].name, exact=False).get_by_label("Presente").check()
    page.get_by_role("group", name=members[2].name, exact=False).get_by_label("Representado por el alterno").check()
    page.get_by_label("Texto").fill("## Desarrollo\n\nEl consejo revisó el **avance** del compromiso.")
    page.fill("#id_acuerdos-0-number", "1")
    page.fill("#id_acuerdos-0-text", "Solicitar el informe de la mesa técnica.")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(f"**/admin/council/session/{session.pk}/registrar/")
    page.goto(f"/admin/council/session/{session.pk}/change/")
    add_inline_row(page, "reviews")
    # Milestones are picked by search (admin autocomplete), not from a select of thousands.
    page.locator("#id_reviews-0-milestone + .select2").click()
    page.locator(".select2-search__field").fill("Mesa técnica")
    page.locator(".select2-results__option", has_text="Mesa técnica instalada").click()
    page.select_option("#id_reviews-0-outcome", "verified")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/council/session/")
    minutes = Minutes.objects.get(session=session)
    assert minutes.status == Minutes.Status.DRAFT

    # The public page shows the agreement and review but not the draft (the council's own roles see the draft,
    # marked as not public: the public is a visitor without an account).
    public = page.context.browser.new_page(base_url=page.url.split("/admin")[0], locale="es-EC")
    public.goto(session.get_absolute_url())
    assert "Solicitar el informe de la mesa técnica." in public.content()
    assert "revisó el" not in public.content()
    public.close()

    # The technical secretary records the approval at the next session, then publishes.
    log_in(page, "secretaria")
    page.goto(f"/admin/council/minutes/{minutes.pk}/change/")
    page.get_by_role("link", name="Registrar la aprobación…").click()
    page.get_by_label(f"Sesión ordinaria {next_session.number}, realizada el", exact=False).check()
    page.click("input[type=submit]")
    page.wait_for_url(f"**/admin/council/minutes/{minutes.pk}/change/")
    page.get_by_role("link", name="Publicar…").click()
    page.click("input[type=submit]")
    page.wait_for_url(f"**/admin/council/minutes/{minutes.pk}/change/")

    page.goto(session.get_absolute_url())
    minutes_section = page.locator("#acta").locator("..")
    assert "El consejo revisó el avance del compromiso." in minutes_section.inner_text()
    assert "Aprobada por el consejo en la sesión 5" in minutes_section.inner_text()
    assert page.locator("#asistencia").locator("..").get_by_text("Quórum alcanzado").is_visible()
    page.get_by_role("link", name="Mesa técnica instalada").click()
    page.wait_for_url(f"**{milestone.commitment.get_absolute_url()}*")
    verification = page.get_by_role("link", name="Verificado por el Consejo en la sesión 4")
    assert verification.is_visible()
    assert_accessible(page)
    verification.click()
    page.wait_for_url(f"**{session.get_absolute_url()}")
