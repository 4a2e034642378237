"""`manage.py audit_history` lists the stored versions written by users without the permission for them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP
from council.models import COUNCIL_GROUP
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def save_as(obj, user, **changes):
    """Save `obj` as if `user` had done it in the admin (what HistoryRequestMiddleware records)."""
    for field, value in changes.items():
        setattr(obj, field, value)
    obj._history_user = user
    obj.save()
    return obj.history.first()


def audit(*args):
    out = StringIO()
    call_command("audit_history", *args, stdout=out)
    return out.getvalue()


def test_a_councillors_change_to_a_commitment_is_listed_with_its_version():
    commitment = CommitmentFactory(code="ECQTO0001")
    version = save_as(commitment, staff_user("consejero", COUNCIL_GROUP), title="Título cambiado por la historia")
    output = audit()
    [line] = [line for line in output.splitlines() if "consejero" in line]
    assert "commitments.Commitment" in line and "ECQTO0001" in line
    assert f"version {version.history_id}" in line and line.endswith("changed")
    assert "today's permissions" in output
    assert "1 version(s) written without the permission." in output


def test_an_editor_is_allowed_on_their_institutions_milestone_and_listed_on_anothers():
    organization = OrganizationFactory()
    own = MilestoneFactory(commitment=CommitmentFactory(lead=organization), title="Hito propio")
    other = MilestoneFactory(title="Hito ajeno")
    editor = staff_user("editora", EDITOR_GROUP, organization)
    save_as(own, editor, means_of_verification="Acta firmada")
    foreign = save_as(other, editor, title="Hito ajeno reescrito")
    lines = [line for line in audit().splitlines() if "editora" in line]
    assert len(lines) == 1 and f"version {foreign.history_id}" in lines[0]


def test_superusers_coordination_and_versions_without_a_user_are_not_listed():
    commitment = CommitmentFactory()  # a data load: no user
    save_as(commitment, staff_user("coordinadora", COORDINATION_GROUP), title="Cambio de coordinación")
    save_as(commitment, staff_user("root", is_superuser=True), title="Cambio del administrador")
    ProposalFactory()  # a citizen's proposal: no user
    assert "0 version(s) written without the permission." in audit()


def test_a_creation_needs_the_add_permission():
    proposal = ProposalFactory.build()
    proposal._history_user = staff_user("consejero", COUNCIL_GROUP)
    proposal.call.save()
    proposal.zone.save()
    proposal.call_id, proposal.zone_id = proposal.call.pk, proposal.zone.pk
    proposal.save()
    [line] = [line for line in audit().splitlines() if "consejero" in line]
    assert "proposals.Proposal" in line and line.endswith("created")


def test_fail_flag_exits_non_zero_only_when_something_is_listed():
    commitment = CommitmentFactory()
    audit("--fail")  # nothing listed: status 0
    save_as(commitment, staff_user("consejero", COUNCIL_GROUP), title="Cambio indebido")
    assert "1 version(s)" in audit()  # without --fail the audit only reports
    with pytest.raises(CommandError) as error:
        audit("--fail")
    assert error.value.returncode == 1
