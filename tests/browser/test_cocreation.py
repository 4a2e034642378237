"""Co-creating a plan: the public meetings and the territorial view pass axe in both languages and fit 320 px, and
the journey of issue 18: the coordination records a public meeting of a demo plan in co-creation, a moderator
enters two paper proposals from it, one is incorporated into a commitment and one not accepted with a reason, and
the register of responses and the territorial view show them."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from commitments.models import ActionPlan
from proposals.models import Proposal, PublicMeeting, ZonalAdministration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = "/planes/plan-demostracion-en-co-creacion/"
REASON = "No se incorpora: el mantenimiento de parques es competencia de la empresa pública de áreas verdes."


@pytest.fixture
def seeded():
    call_command("load_quito_plan", verbosity=0)
    call_command("seed_demo", scale=1, verbosity=0)
    real = ActionPlan.objects.get(number=2)
    meeting = PublicMeeting.objects.filter(is_demo=True).order_by("pk").first()
    return [
        PLAN,
        real.get_absolute_url(),
        f"{PLAN}reuniones/",
        f"/planes/{real.slug}/reuniones/",
        "/propuestas/reuniones/",
        meeting.get_absolute_url(),
        "/propuestas/territorio/",
        f"{PLAN}territorio/",
        f"/planes/{real.slug}/territorio/",
    ]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_co_creation_pages_pass_axe(page, assert_accessible, seeded, prefix):
    for url in seeded:
        page.goto(prefix + url)
        assert_accessible(page)


def test_co_creation_pages_fit_a_320px_screen(page, seeded):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for url in seeded:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    assert not too_wide


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("demo-test-password")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")


def save(page):
    page.locator("input[name=_save]").click()
    page.wait_for_selector(".messagelist .success, .errornote")
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()


def enter_paper_proposal(page, call, meeting, zone, title):
    page.goto("/admin/proposals/proposal/add/")
    page.locator("#id_call").select_option(str(call.pk))
    page.locator("#id_meeting").select_option(str(meeting.pk))
    page.locator("#id_title").fill(title)
    page.locator("#id_problem").fill("Escrito a mano en la reunión: el parque del barrio no tiene luz.")
    page.locator("#id_solution").fill("Escrito a mano en la reunión: instalar luminarias con los vecinos.")
    page.locator("#id_topic").select_option("civic_participation")
    page.locator("#id_zone").select_option(str(zone.pk))
    page.locator("#id_contact-0-name").fill("Vecina de Quitumbe")
    page.locator("#id_contact-0-email").fill("vecina.quitumbe@example.org")
    save(page)
    return Proposal.objects.get(title=title)


def moderate(page, proposal, status, response, commitment=None):
    page.goto(f"/admin/proposals/proposal/{proposal.pk}/change/")
    page.locator("#id_new_status").select_option(status)
    page.locator("#id_response_text").fill(response)
    if commitment:
        page.locator(".field-commitments .select2-selection").click()
        page.keyboard.type(commitment)
        page.locator(".select2-results__option", has_text=commitment).click()
    save(page)


def test_a_public_meeting_its_paper_proposals_and_their_outcomes_reach_the_register_and_the_territory(
    page, assert_accessible, seeded
):
    plan = ActionPlan.objects.get(slug="plan-demostracion-en-co-creacion")
    call = plan.calls.get()
    zone = ZonalAdministration.objects.get(name="Quitumbe")
    # The coordinator opens the demo plan in co-creation, then records a meeting of 40 people in Quitumbe.
    log_in(page, "coordinador")
    page.goto(PLAN)
    assert "Co-creación en curso" in page.locator("main").inner_text()
    page.goto("/admin/proposals/publicmeeting/add/")
    assert_accessible(page)
    page.locator("#id_plan").select_option(str(plan.pk))
    page.locator("#id_call").select_option(str(call.pk))
    page.locator("#id_zone").select_option(str(zone.pk))
    page.locator("#id_held_on").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.locator("#id_place").fill("Casa barrial de Quitumbe (demostración)")
    page.locator("#id_participants").fill("40")
    page.locator("#id_participants_women").fill("24")
    page.locator("#id_participants_men").fill("16")
    page.locator("#id_is_demo").check()
    save(page)
    meeting = PublicMeeting.objects.get(zone=zone)
    assert meeting.participants == 40 and meeting.history.count() == 1

    # A moderator enters the two paper proposals gathered there, then answers them.
    log_in(page, "moderador")
    kept = enter_paper_proposal(page, call, meeting, zone, "Luminarias para el parque de Quitumbe")
    refused = enter_paper_proposal(page, call, meeting, zone, "Nuevo parque acuático en Quitumbe")
    assert kept.meeting == refused.meeting == meeting and kept.entered_by_staff
    moderate(page, kept, "incorporated", "Se incorpora al compromiso de demostración indicado.", "DEMOQ0001")
    moderate(page, refused, "not_accepted", REASON)
    kept.refresh_from_db()
    assert kept.status == Proposal.Status.INCORPORATED and kept.commitments.get().code == "DEMOQ0001"

    # The public: the meeting's page, the register of responses and the territorial view.
    page.context.clear_cookies()
    page.goto(meeting.get_absolute_url())
    content = page.locator("main").inner_text()
    assert "Luminarias para el parque de Quitumbe" in content and "Nuevo parque acuático" in content
    assert "Vecina de Quitumbe" not in content
    page.goto(f"{PLAN}respuestas/")
    register = page.locator("main").inner_text()
    assert "Incorporada a un compromiso" in register and "DEMOQ0001" in register
    assert "No aceptada" in register and REASON[:60] in register
    assert_accessible(page)
    page.goto(f"{PLAN}territorio/")
    row = page.locator("#zones-table tbody tr", has_text="Quitumbe").inner_text().split("\t")
    assert [cell.strip() for cell in row[1:4]] == ["2", "1", "40"], row
    assert "Datos ficticios de demostración" in page.locator("main").inner_text()
    assert_accessible(page)

    # The standards checklist points at the register as the evidence of standard 3 (inclusive participation), and
    # the end-of-term report of the plan that holds DEMOQ0001 lists the incorporated proposal under it.
    page.goto(f"{PLAN}estandares/")
    assert_accessible(page)
    page.locator("#requisito-3 dd a").first.click()
    page.wait_for_url(f"**{PLAN}respuestas/")
    assert "Luminarias para el parque de Quitumbe" in page.locator("main").inner_text()
    report_plan = kept.commitments.get().plan
    page.goto(f"/planes/{report_plan.slug}/informe/")
    section = page.locator("#compromiso-DEMOQ0001").inner_text()
    assert kept.code in section and "Luminarias para el parque de Quitumbe" in section
    assert refused.code not in page.locator("main").inner_text()
    assert_accessible(page)
