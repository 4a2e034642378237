"""OGP's co-creation standards as a checklist per plan: the rules of a requirement, its seed list, who edits it."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from commitments.models import (
    COORDINATION_GROUP,
    EDITOR_GROUP,
    ActionPlan,
    CocreationRequirement,
    Evidence,
    fill_evidence_checksums,
)
from commitments.models.cocreation import REQUIREMENTS
from council.models.roles import COUNCIL_GROUP, SECRETARIAT_GROUP
from proposals.models.proposals import MODERATION_GROUP
from tests.commitments.factories import PDF_BYTES, pdf_upload
from tests.factories import ActionPlanFactory, MilestoneFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/commitments/cocreationrequirement/"


@pytest.fixture
def plan():
    plan = ActionPlanFactory(slug="plan-prueba")
    CocreationRequirement.objects.ensure_for(plan)
    return plan


def requirement(plan, number="1.1"):
    return CocreationRequirement.objects.get(plan=plan, number=number)


# Model rules -----------------------------------------------------------------------------------------------------


def test_a_new_requirement_is_unknown_never_not_met():
    unsaved = CocreationRequirement(number="1.1", standard=1, text="Texto", source_url="https://example.org/")
    assert unsaved.status == CocreationRequirement.Status.UNKNOWN
    assert not unsaved.is_assessed()
    assert str(CocreationRequirement.Status.UNKNOWN.label) == "Sin datos"  # the page language is Spanish


def test_an_assessment_needs_evidence_or_a_note(plan):
    item = requirement(plan)
    item.status = CocreationRequirement.Status.MET
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.error_dict["__all__"][0].code == "assessment_without_grounds"
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()
    item.evidence_link = f"/planes/{plan.slug}/respuestas/"
    item.full_clean()
    item.save()
    assert requirement(plan).status == "met"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "//evil.example/", "planes/x/", "ftp://example.org/"])
def test_the_evidence_link_is_a_portal_path_or_a_web_address(plan, link):
    item = requirement(plan)
    item.evidence_link = link
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert error.value.error_dict["evidence_link"][0].code == "evidence_link"


def test_a_requirement_number_is_unique_per_plan(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        CocreationRequirement.objects.create(
            plan=plan, number="1.1", standard=1, text="Otra", source_url="https://example.org/"
        )


def test_the_seed_list_is_created_once_and_keeps_what_the_coordination_recorded(plan):
    assert plan.cocreation_requirements.count() == len(REQUIREMENTS)
    assert set(plan.cocreation_requirements.values_list("standard", flat=True)) == {1, 2, 3, 4, 5}
    CocreationRequirement.objects.filter(plan=plan, number="2.1").update(status="partly", note="Falta el repositorio")
    assert CocreationRequirement.objects.ensure_for(plan) == 0
    kept = requirement(plan, "2.1")
    assert (kept.status, kept.note) == ("partly", "Falta el repositorio")
    assert all(item.source_url.startswith("https://") for item in plan.cocreation_requirements.all())


def test_status_counts_list_every_status(plan):
    counts = CocreationRequirement.objects.filter(plan=plan).status_counts()
    assert counts == {"unknown": len(REQUIREMENTS), "met": 0, "partly": 0, "not_met": 0}


def test_the_command_loads_the_checklist_for_a_plan():
    plan = ActionPlanFactory(slug="otro-plan")
    call_command("load_cocreation_standards", "otro-plan")
    assert plan.cocreation_requirements.count() == len(REQUIREMENTS)


def test_the_real_plan_is_all_unknown_with_its_sourced_facts_as_notes():
    call_command("load_quito_plan")
    plan = ActionPlan.objects.get(number=2, is_demo=False)
    requirements = list(plan.cocreation_requirements.all())
    assert len(requirements) == len(REQUIREMENTS)
    assert {item.status for item in requirements} == {"unknown"}
    meetings = requirement(plan, "3")
    assert "34 reuniones públicas" in meetings.note and "3 talleres" in meetings.note
    assert meetings.evidence_link == "https://opengovpartnership.org/documents/action-plan-quito-ecuador-2022-2023"
    # No sourced fact about reasoned responses: nothing is said.
    assert requirement(plan, "4.1").note == "" and requirement(plan, "4.1").evidence_link == ""
    assert not ActionPlan.objects.get(number=1).cocreation_requirements.exists()


def test_the_demo_plans_get_fictional_labelled_statuses():
    call_command("seed_demo", scale=1)
    plan = ActionPlan.objects.get(slug="plan-demostracion-90")  # the demo plan with commitments
    items = {item.number: item for item in plan.cocreation_requirements.all()}
    assert all(item.is_demo for item in items.values())
    assert items["1.1"].status == "met" and "demostración" in items["1.1"].note
    assert items["5.1"].status == "unknown"  # an unassessed one stays "Sin datos"
    call_command("purge_demo")
    assert not CocreationRequirement.objects.exists()


# Evidence checksums ----------------------------------------------------------------------------------------------


def test_evidence_stores_the_sha256_of_its_file():
    milestone = MilestoneFactory()
    update = milestone.report(progress=40, evidence=[Evidence(title="Acta", file=pdf_upload())])
    evidence = update.evidence.get()
    assert evidence.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with evidence.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == evidence.sha256
    link = Evidence(update=update, title="Enlace", url="https://example.org/acta")
    link.save()
    assert link.sha256 == ""


def test_a_replaced_file_gets_a_new_checksum_and_older_rows_are_filled():
    milestone = MilestoneFactory()
    update = milestone.report(progress=40, evidence=[Evidence(title="Acta", file=pdf_upload())])
    evidence = update.evidence.get()
    evidence.file = pdf_upload(content=b"%PDF-1.4\n% otro\n")
    evidence.save()
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.4\n% otro\n").hexdigest()
    Evidence.objects.filter(pk=evidence.pk).update(sha256="")
    assert fill_evidence_checksums() == 1
    evidence.refresh_from_db()
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.4\n% otro\n").hexdigest()


# Who edits the checklist: the coordination only, role by role ---------------------------------------------------


@pytest.fixture
def accounts():
    organization = OrganizationFactory()
    return {
        "coordinator": staff_user("coordinacion", COORDINATION_GROUP),
        "editor": staff_user("editor", EDITOR_GROUP, organization),
        "secretariat": staff_user("secretaria", SECRETARIAT_GROUP),
        "councillor": staff_user("consejero", COUNCIL_GROUP),
        "moderator": staff_user("moderador", MODERATION_GROUP),
    }


def change_data(item, **changes):
    data = {
        "plan": item.plan_id, "number": item.number, "standard": item.standard, "position": item.position,
        "text": item.text, "text_en": item.text_en, "source_url": item.source_url, "status": item.status,
        "evidence_link": item.evidence_link, "evidence_label": item.evidence_label, "note": item.note,
        "note_en": item.note_en,
    }  # fmt: skip
    return data | changes


def test_the_coordination_edits_a_requirement_and_is_recorded_with_history(client, plan, accounts):
    item = requirement(plan)
    client.force_login(accounts["coordinator"])
    assert client.get(LIST_URL).status_code == 200
    url = f"{LIST_URL}{item.pk}/change/"
    data = change_data(item, status="met", evidence_link="/consejo/sesiones/", evidence_label="Sesiones")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert (item.status, item.changed_by) == ("met", accounts["coordinator"])
    assert item.history.count() == 2  # created by the seed, then the coordination's change
    assert client.get(f"{url.removesuffix('change/')}history/").status_code == 200


def test_an_assessment_without_grounds_is_refused_with_a_message(client, plan, accounts):
    item = requirement(plan)
    client.force_login(accounts["coordinator"])
    response = client.post(f"{LIST_URL}{item.pk}/change/", change_data(item, status="not_met"))
    assert response.status_code == 200
    assert "Enlace la evidencia o escriba una nota" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "unknown"


@pytest.mark.parametrize("role", ["editor", "secretariat", "councillor", "moderator"])
def test_other_roles_can_neither_see_nor_change_the_checklist(client, plan, accounts, role):
    item = requirement(plan)
    client.force_login(accounts[role])
    assert client.get(LIST_URL).status_code == 403
    assert client.get(f"{LIST_URL}{item.pk}/change/").status_code == 403
    response = client.post(f"{LIST_URL}{item.pk}/change/", change_data(item, status="met", note="x"))
    assert response.status_code == 403
    assert client.get(f"{LIST_URL}{item.pk}/history/").status_code == 403
    item.refresh_from_db()
    assert item.status == "unknown"


def test_anonymous_visitors_are_sent_to_the_login(client, plan):
    assert client.get(LIST_URL).status_code == 302
