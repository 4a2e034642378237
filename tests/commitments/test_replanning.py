"""The re-planning ledger: after a roadmap's validation every change of a milestone's dates has a reason, an author
and a date, in the model, the admin and the public pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP, Milestone, Replanning, today
from tests.commitments.test_admin import form_data, login
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MilestoneFactory,
    OrganizationFactory,
    UserFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

VALIDATED = datetime.date(2023, 3, 15)
REASON = "La consultora contratada entregó el diagnóstico con dos meses de retraso."


@pytest.fixture
def world():
    org_a, org_b = OrganizationFactory(acronym="ORGA"), OrganizationFactory(acronym="ORGB")
    commitment_a = CommitmentFactory(code="ECQTO0001", lead=org_a, roadmap_validated_on=VALIDATED)
    commitment_b = CommitmentFactory(code="ECQTO0002", lead=org_b, roadmap_validated_on=VALIDATED)
    return {
        "org_a": org_a,
        "org_b": org_b,
        "commitment_a": commitment_a,
        "commitment_b": commitment_b,
        "milestone_a": MilestoneFactory(commitment=commitment_a, order=1, title="Hito de A"),
        "milestone_b": MilestoneFactory(commitment=commitment_b, order=1, title="Hito de B"),
        "coordinator": staff_user("coordinacion", COORDINATION_GROUP, org_b),
        "editor_a": staff_user("editor_a", EDITOR_GROUP, org_a),
        "editor_b": staff_user("editor_b", EDITOR_GROUP, org_b),
    }


# The model's rules ---------------------------------------------------------------------------------------------


def test_replanning_after_validation_records_old_and_new_dates_reason_who_and_when(world):
    milestone, editor = world["milestone_a"], world["editor_a"]
    entry = milestone.replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=editor)
    milestone.refresh_from_db()
    assert milestone.due_on == datetime.date(2023, 6, 30)  # the validated date stays, for punctuality
    assert milestone.revised_due_on == datetime.date(2023, 9, 30)
    assert (entry.old_starts_on, entry.new_starts_on) == (datetime.date(2023, 3, 1), datetime.date(2023, 3, 1))
    assert (entry.old_due_on, entry.new_due_on) == (datetime.date(2023, 6, 30), datetime.date(2023, 9, 30))
    assert entry.reason == REASON
    assert entry.changed_by == editor
    assert entry.role == Replanning.Role.EDITOR and entry.organization == world["org_a"]
    assert entry.changed_at.date() == today() or abs((entry.changed_at.date() - today()).days) <= 1
    assert entry.due_shift_days() == 92 and not entry.starts_changed()


def test_a_second_change_starts_from_the_dates_in_force(world):
    milestone = world["milestone_a"]
    milestone.replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=world["editor_a"])
    entry = milestone.replan(
        starts_on=datetime.date(2023, 4, 1), due_on=datetime.date(2023, 8, 31), reason="Se adelanta.", by=None
    )
    assert (entry.old_starts_on, entry.new_starts_on) == (datetime.date(2023, 3, 1), datetime.date(2023, 4, 1))
    assert (entry.old_due_on, entry.new_due_on) == (datetime.date(2023, 9, 30), datetime.date(2023, 8, 31))
    assert entry.role == "" and entry.changed_by is None and entry.organization is None
    assert milestone.replannings.count() == 2


def test_a_change_of_dates_after_validation_without_a_reason_is_refused_in_spanish(world):
    milestone = world["milestone_a"]
    with pytest.raises(ValidationError) as error:
        milestone.replan(due_on=datetime.date(2023, 9, 30), reason="   ", by=world["editor_a"])
    assert error.value.code == "replan_reason_required"
    assert "indique el motivo del cambio de fechas" in error.value.messages[0]
    assert "15 de marzo de 2023" in error.value.messages[0]
    # Any model path: a plain save with new dates is refused too, and nothing is written.
    milestone = Milestone.objects.get(pk=milestone.pk)
    milestone.starts_on = datetime.date(2023, 2, 1)
    with pytest.raises(ValidationError):
        milestone.save()
    stored = Milestone.objects.get(pk=milestone.pk)
    assert stored.starts_on == datetime.date(2023, 3, 1) and stored.revised_due_on is None
    assert not Replanning.objects.exists()


def test_the_validated_due_date_is_never_changed_only_revised(world):
    milestone = world["milestone_a"]
    milestone.due_on = datetime.date(2023, 12, 31)
    milestone.replan_reason = REASON
    with pytest.raises(ValidationError) as error:
        milestone.save()
    assert error.value.code == "validated_due_on"


def test_before_validation_the_draft_changes_without_an_entry(world):
    commitment = CommitmentFactory(roadmap_validated_on=None)
    milestone = MilestoneFactory(commitment=commitment)
    assert milestone.replan(due_on=datetime.date(2023, 8, 31), reason="", by=None) is None
    milestone.refresh_from_db()
    assert milestone.due_on == datetime.date(2023, 8, 31) and milestone.revised_due_on is None
    milestone.starts_on = datetime.date(2023, 2, 1)
    milestone.save()  # no reason needed
    future = CommitmentFactory(roadmap_validated_on=today() + datetime.timedelta(days=10))
    later = MilestoneFactory(commitment=future)
    later.replan(due_on=datetime.date(2023, 7, 31), reason="", by=None)  # validation still ahead: a draft
    assert not Replanning.objects.exists()


def test_saves_that_do_not_move_a_date_need_no_reason(world):
    milestone = world["milestone_a"]
    milestone.title = "Hito de A, con otro título"
    milestone.save()
    milestone.revised_due_on = milestone.due_on  # the same day in force: nothing moved
    milestone.save()
    assert not Replanning.objects.exists()


def test_the_ledger_is_append_only_and_each_entry_has_a_reason(world):
    entry = world["milestone_a"].replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=world["editor_a"])
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Replanning.objects.create(
            milestone=world["milestone_a"], old_starts_on=VALIDATED, new_starts_on=VALIDATED,
            old_due_on=VALIDATED, new_due_on=datetime.date(2023, 4, 1), reason="",
        )  # fmt: skip


def test_the_author_role_is_read_from_their_groups(world):
    assert Replanning.author_fields(world["coordinator"])["role"] == Replanning.Role.COORDINATION
    assert Replanning.author_fields(UserFactory(username="raiz", is_superuser=True))["role"] == "administration"


# The admin -----------------------------------------------------------------------------------------------------


def milestone_url(milestone):
    return f"/admin/commitments/milestone/{milestone.pk}/change/"


def test_editor_replans_with_a_reason_in_the_admin(client, world):
    login(client, world["editor_a"])
    url = milestone_url(world["milestone_a"])
    data = form_data(client.get(url))
    data.update({"revised_due_on": "2023-09-30", "replan_reason": REASON})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = Replanning.objects.get()
    assert (entry.new_due_on, entry.reason, entry.changed_by) == (datetime.date(2023, 9, 30), REASON, world["editor_a"])
    assert entry.role == Replanning.Role.EDITOR and entry.organization == world["org_a"]
    assert REASON in client.get(url).content.decode()  # the milestone's page lists its ledger


def test_without_a_reason_the_admin_answers_in_spanish_and_keeps_the_input(client, world):
    login(client, world["editor_a"])
    url = milestone_url(world["milestone_a"])
    data = form_data(client.get(url))
    data.update({"revised_due_on": "2023-09-30", "replan_reason": ""})
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "indique el motivo del cambio de fechas" in content
    assert 'value="2023-09-30"' in content  # what the editor typed is still there
    assert not Replanning.objects.exists()
    assert Milestone.objects.get(pk=world["milestone_a"].pk).revised_due_on is None


def test_coordination_cannot_move_the_validated_due_date_in_the_admin(client, world):
    login(client, world["coordinator"])
    url = milestone_url(world["milestone_a"])
    data = form_data(client.get(url))
    data.update({"due_on": "2023-12-31", "replan_reason": REASON})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "su fecha de vencimiento planificada se mantiene como se validó" in response.content.decode()
    assert Milestone.objects.get(pk=world["milestone_a"].pk).due_on == datetime.date(2023, 6, 30)


def test_coordination_replans_in_the_commitments_milestone_inline(client, world):
    login(client, world["coordinator"])
    url = f"/admin/commitments/commitment/{world['commitment_a'].pk}/change/"
    data = form_data(client.get(url))
    data.update({"milestones-0-starts_on": "2023-04-01"})
    response = client.post(url, data)
    assert response.status_code == 200  # no reason: refused, with the message by the row
    assert "indique el motivo del cambio de fechas" in response.content.decode()
    data["milestones-0-replan_reason"] = REASON
    response = client.post(url, data)
    assert response.status_code == 302
    entry = Replanning.objects.get()
    assert (entry.old_starts_on, entry.new_starts_on) == (datetime.date(2023, 3, 1), datetime.date(2023, 4, 1))
    assert entry.changed_by == world["coordinator"] and entry.role == Replanning.Role.COORDINATION


def test_the_ledger_admin_is_read_only_and_scoped_role_by_role(client, world):
    world["milestone_a"].replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=world["editor_a"])
    world["milestone_b"].replan(due_on=datetime.date(2023, 10, 31), reason="Motivo de B.", by=world["editor_b"])
    entry_b = Replanning.objects.get(milestone=world["milestone_b"])
    login(client, world["editor_a"])
    content = client.get("/admin/commitments/replanning/").content.decode()
    assert "Hito de A" in content and "Hito de B" not in content
    assert client.get(f"/admin/commitments/replanning/{entry_b.pk}/change/").status_code == 403
    assert client.get("/admin/commitments/replanning/add/").status_code == 403
    login(client, world["coordinator"])
    content = client.get("/admin/commitments/replanning/").content.decode()
    assert "Hito de A" in content and "Hito de B" in content
    assert client.get("/admin/commitments/replanning/add/").status_code == 403
    assert client.post(f"/admin/commitments/replanning/{entry_b.pk}/delete/", {"post": "yes"}).status_code == 403
    client.force_login(UserFactory(username="ciudadano"))  # not staff
    assert client.get("/admin/commitments/replanning/").status_code == 302


# Public pages --------------------------------------------------------------------------------------------------


def test_the_commitment_page_counts_the_changes_and_links_the_ledger(client, world):
    milestone = world["milestone_a"]
    milestone.replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=world["editor_a"])
    milestone.replan(due_on=datetime.date(2023, 10, 31), reason="Otra vez.", by=world["editor_a"])
    content = client.get(world["commitment_a"].get_absolute_url()).content.decode()
    assert "Fecha cambiada 2 veces" in content
    assert "/compromisos/ECQTO0001/cambios/" in content
    assert "Hoja de ruta validada el 15 de marzo de 2023" in content


def test_the_commitment_ledger_lists_every_change_newest_first_without_personal_names(client, world):
    milestone = world["milestone_a"]
    milestone.replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=world["editor_a"])
    milestone.replan(due_on=datetime.date(2023, 10, 31), reason="Segundo motivo.", by=world["editor_a"])
    world["milestone_b"].replan(due_on=datetime.date(2023, 10, 31), reason="Motivo de B.", by=world["editor_b"])
    response = client.get("/compromisos/ECQTO0001/cambios/")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Segundo motivo.") < content.index(REASON)
    assert "Motivo de B." not in content
    assert "Editor institucional" in content and world["org_a"].name in content
    assert "editor_a" not in content  # the account is never shown
    assert "del 30 de junio de 2023 al 30 de septiembre de 2023" in content
    assert "92 días más tarde" in content
    english = client.get("/en/compromisos/ECQTO0001/cambios/").content.decode()
    assert "Changes of dates of commitment ECQTO0001" in english and "92 days later" in english


def test_the_plan_ledger_lists_the_changes_of_its_commitments_only(client, world):
    world["milestone_a"].replan(due_on=datetime.date(2023, 9, 30), reason=REASON, by=world["editor_a"])
    other = MilestoneFactory(commitment=CommitmentFactory(plan=ActionPlanFactory(), roadmap_validated_on=VALIDATED))
    other.replan(due_on=datetime.date(2023, 9, 30), reason="De otro plan.", by=None)
    plan = world["commitment_a"].plan
    content = client.get(f"/planes/{plan.slug}/cambios/").content.decode()
    assert REASON in content and "De otro plan." not in content
    assert f"/planes/{plan.slug}/cambios/" in client.get(plan.get_absolute_url()).content.decode()


def test_empty_ledgers_say_so_and_unknown_scopes_are_not_found(client, world):
    assert (
        "ha cambiado sus fechas desde que se validó" in client.get("/compromisos/ECQTO0001/cambios/").content.decode()
    )
    assert client.get("/compromisos/ECQTO9999/cambios/").status_code == 404
    assert client.get("/planes/no-existe/cambios/").status_code == 404


def test_a_demo_ledger_is_labelled_and_kept_out_of_search_engines(client):
    commitment = CommitmentFactory(code="DEMOQ0001", is_demo=True, roadmap_validated_on=VALIDATED)
    milestone = MilestoneFactory(commitment=commitment, is_demo=True)
    milestone.replan(due_on=datetime.date(2023, 9, 30), reason="Motivo ficticio (demostración).", by=None)
    content = client.get("/compromisos/DEMOQ0001/cambios/").content.decode()
    assert 'name="robots" content="noindex"' in content and "badge--demo" in content


@pytest.mark.parametrize("size", [1, 6])
def test_ledger_pages_run_the_same_queries_whatever_the_number_of_changes(client, django_assert_num_queries, size):
    plan = ActionPlanFactory(slug="plan-cambios")
    for index in range(size):
        commitment = CommitmentFactory(plan=plan, code=f"ECQTO{index + 500:04d}", roadmap_validated_on=VALIDATED)
        for order in (1, 2):
            milestone = MilestoneFactory(commitment=commitment, order=order)
            milestone.replan(due_on=datetime.date(2023, 9, 30), reason="Motivo.", by=None)
    client.get("/planes/plan-cambios/cambios/")  # warm the per-process caches
    with django_assert_num_queries(QUERIES["plan"]):
        assert client.get("/planes/plan-cambios/cambios/").status_code == 200
    with django_assert_num_queries(QUERIES["commitment"]):
        assert client.get("/compromisos/ECQTO0500/cambios/").status_code == 200


# The scope, the count for the pages, the changes with milestone, commitment, plan and institution, the approvals.
QUERIES = {"plan": 4, "commitment": 4}
