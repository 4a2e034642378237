"""The admin's version history is read-only and shows only what the user may see (issue 12, item 1).

Each attack below was reproduced against django-simple-history's own version page, which saved a POSTed old
version for anyone who could merely view the object.
"""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP, ActionPlan, Commitment, Milestone
from council.models import COUNCIL_GROUP, Minutes
from proposals.models import MODERATION_GROUP, ProposalQueue
from tests.council.factories import MinutesFactory, SessionFactory
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user
from tests.proposals.factories import ProposalFactory, ProposerContactFactory

pytestmark = pytest.mark.django_db

OFFENSIVE = "Texto ofensivo que moderación retiró"


def history_url(obj, version=None, model=None):
    opts = (model or type(obj))._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/"
    return f"{url}{version.history_id}/" if version else url


def oldest(obj):
    return obj.history.order_by("history_date", "history_id").first()


def revert_post(user, obj, version):
    """What django-simple-history's version page sent back: its form's fields (built as for an add), old values."""
    request = RequestFactory().get("/")
    request.user = user
    instance = version.instance
    form = admin.site._registry[type(obj)].get_form(request, instance)(instance=instance)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list | tuple) else str(value)
    return data


def attack(client, user, obj, version):
    client.force_login(user)
    return client.post(history_url(obj, version), revert_post(user, obj, version))


def test_councillor_cannot_restore_a_commitments_old_title_through_history(client):
    commitment = CommitmentFactory(code="ECQTO0001", title="Título original")
    commitment.title = "Título vigente"
    commitment.save()
    response = attack(client, staff_user("consejero", COUNCIL_GROUP), commitment, oldest(commitment))
    assert response.status_code == 405
    assert "solo lectura" in response.content.decode()
    assert Commitment.objects.get().title == "Título vigente"


def test_councillor_cannot_turn_approved_minutes_back_into_a_draft_through_history(client):
    minutes = MinutesFactory()
    draft = oldest(minutes)
    minutes.status, minutes.approved_at = Minutes.Status.APPROVED, SessionFactory(status="held")
    minutes.approved_on = timezone.now()
    minutes.save()
    response = attack(client, staff_user("consejero", COUNCIL_GROUP), minutes, draft)
    assert response.status_code == 405
    assert Minutes.objects.get().status == Minutes.Status.APPROVED


def test_coordinator_cannot_make_a_hidden_proposal_public_again_through_history(client):
    proposal = ProposalFactory(title=OFFENSIVE)
    visible = oldest(proposal)
    proposal.hide(reason="Contenido ofensivo.")
    response = attack(client, staff_user("coordinadora", COORDINATION_GROUP), proposal, visible)
    assert response.status_code == 405
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.title == OFFENSIVE


def test_editor_cannot_restore_a_milestones_title_and_weight_it_may_not_edit(client):
    organization = OrganizationFactory()
    milestone = MilestoneFactory(commitment=CommitmentFactory(lead=organization), title="Hito original", weight=1)
    first = oldest(milestone)
    milestone.title, milestone.weight = "Hito aprobado", 3
    milestone.save()
    editor = staff_user("editora", EDITOR_GROUP, organization)
    assert client.get(history_url(milestone, first)).status_code == 302  # not logged in yet: the login page
    response = attack(client, editor, milestone, first)
    assert response.status_code == 405
    milestone.refresh_from_db()
    assert (milestone.title, milestone.weight) == ("Hito aprobado", 3)


def test_editor_cannot_rewrite_the_plans_title_through_history(client):
    plan = ActionPlanFactory(title="Título original del plan")
    plan.title = "Plan de Acción vigente"
    plan.save()
    response = attack(client, staff_user("editora", EDITOR_GROUP, OrganizationFactory()), plan, oldest(plan))
    assert response.status_code == 405
    assert ActionPlan.objects.get().title == "Plan de Acción vigente"


def test_not_even_a_superuser_restores_a_version_through_history(client):
    root = staff_user("root", is_superuser=True)
    plan = ActionPlanFactory(title="Título original del plan")
    plan.title = "Plan de Acción vigente"
    plan.save()
    client.force_login(root)
    assert client.post(history_url(plan, oldest(plan)), revert_post(root, plan, oldest(plan))).status_code == 405
    assert client.post(history_url(plan), {}).status_code == 405
    assert ActionPlan.objects.get().title == "Plan de Acción vigente"


def test_the_version_page_shows_the_old_values_read_only_without_a_revert_button(client):
    milestone = MilestoneFactory(title="Hito original", weight=1)
    first = oldest(milestone)
    milestone.title = "Hito aprobado"
    milestone.save()
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    response = client.get(history_url(milestone, first))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hito original" in content
    assert 'name="title"' not in content and 'name="_save"' not in content
    # Progress is not kept in the history: a version must not claim the default 0 % as a fact.
    assert "progress" not in {
        field for fieldset in response.context["adminform"].fieldsets for field in fieldset[1]["fields"]
    }
    listing = client.get(history_url(milestone)).content.decode()
    assert "Hito original" in listing and "Hito aprobado" in listing
    assert "Historial: " in listing and "Modificado por" in listing  # in Spanish, like the rest of the admin
    assert "None" not in listing


def test_history_of_a_hidden_proposal_is_not_shown_to_roles_that_may_not_see_it(client):
    proposal = ProposalFactory(title=OFFENSIVE)
    version = oldest(proposal)
    proposal.hide(reason="Contenido ofensivo.")
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    assert client.get(history_url(proposal)).status_code == 404
    assert client.get(history_url(proposal, version)).status_code == 404
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    assert OFFENSIVE in client.get(history_url(proposal)).content.decode()
    assert OFFENSIVE in client.get(history_url(proposal, version)).content.decode()


def test_versions_from_before_moderation_hid_a_proposal_stay_out_of_other_roles_history(client):
    proposal = ProposalFactory(problem=OFFENSIVE)
    before = oldest(proposal)
    proposal.hide(reason="Contenido ofensivo.")
    proposal.problem = "Texto corregido por moderación."
    proposal.save()
    proposal.unhide()
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    listing = client.get(history_url(proposal))
    assert listing.status_code == 200
    assert OFFENSIVE not in listing.content.decode()
    [shown] = listing.context["page_obj"]  # only the version made public again
    assert "Texto corregido por moderación." in client.get(history_url(proposal, shown)).content.decode()
    assert client.get(history_url(proposal, before)).status_code == 404


def test_proposer_data_never_appears_in_the_history_pages(client):
    contact = ProposerContactFactory(name="Rosa Sentinela Quishpe", email="rosa.sentinela@example.org")
    proposal = contact.proposal
    proposal.title = "Título corregido"
    proposal.save()
    for user in (staff_user("coordinadora", COORDINATION_GROUP), staff_user("moderadora", MODERATION_GROUP)):
        client.force_login(user)
        for url in (history_url(proposal), history_url(proposal, oldest(proposal))):
            content = client.get(url).content.decode()
            assert "Rosa Sentinela" not in content and "rosa.sentinela@example.org" not in content


def test_the_moderation_queue_has_a_working_read_only_history(client):
    proposal = ProposalFactory()
    client.force_login(staff_user("moderadora", MODERATION_GROUP))
    queued = ProposalQueue.objects.get(pk=proposal.pk)
    assert client.get(history_url(queued, model=ProposalQueue)).status_code == 200
    version_url = f"{history_url(queued, model=ProposalQueue)}{oldest(proposal).history_id}/"
    assert client.get(version_url).status_code == 200
    assert client.post(version_url, {}).status_code == 405


def test_history_pages_of_an_object_out_of_the_editors_reach_are_refused(client):
    other = MilestoneFactory()
    client.force_login(staff_user("editora", EDITOR_GROUP, OrganizationFactory()))
    assert client.get(history_url(other)).status_code == 403
    assert client.get(history_url(other, oldest(other))).status_code == 403
    assert client.get(f"/admin/commitments/milestone/{other.pk}/history/999999/").status_code == 403
    assert Milestone.objects.get().title == other.title


def test_unknown_objects_and_versions_answer_not_found(client):
    plan = ActionPlanFactory()
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    assert client.get("/admin/commitments/actionplan/999999/history/").status_code == 404
    assert client.get(f"/admin/commitments/actionplan/{plan.pk}/history/999999/").status_code == 404
    assert client.get(f"/admin/commitments/actionplan/{plan.pk}/history/abc/").status_code == 404
    assert client.get("/admin/commitments/actionplan/abc/history/").status_code == 404


def test_date_fields_of_a_version_are_shown_as_they_were(client):
    milestone = MilestoneFactory(due_on=datetime.date(2023, 6, 30))
    first = oldest(milestone)
    milestone.due_on = datetime.date(2023, 9, 30)
    milestone.save()
    client.force_login(staff_user("coordinadora", COORDINATION_GROUP))
    assert "30 de junio de 2023" in client.get(history_url(milestone, first)).content.decode()
