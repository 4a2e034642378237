"""Who sees what: one QuerySet method, `visible_to(user)`, for every public model, role by role."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from commitments.models import (
    COORDINATION_GROUP,
    EDITOR_GROUP,
    ActionPlan,
    Commitment,
    Evidence,
    Milestone,
    Organization,
    ProgressUpdate,
)
from council.models import (
    COUNCIL_GROUP,
    SECRETARIAT_GROUP,
    AgendaItem,
    Agreement,
    Attendance,
    CouncilMember,
    Erratum,
    MilestoneReview,
    Minutes,
    Session,
)
from proposals.models import MODERATION_GROUP, Call, Proposal, StatusEvent
from tests.commitments.factories import EvidenceFactory, ProgressUpdateFactory
from tests.council.factories import (
    AgreementFactory,
    AttendanceFactory,
    CouncilMemberFactory,
    MilestoneReviewFactory,
    SessionFactory,
)
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory, UserFactory, staff_user
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

ROLES = ["public", "anonymous", "editor", "coordinator", "council member", "secretary", "moderator", "superuser"]
COUNCIL_ROLES = {"council member", "secretary", "superuser"}
MODERATION_ROLES = {"moderator", "superuser"}
# Models with rows kept from the public, and the roles that see them.
RESTRICTED = {
    Minutes: COUNCIL_ROLES,
    Erratum: COUNCIL_ROLES,
    MilestoneReview: COUNCIL_ROLES,
    Proposal: MODERATION_ROLES,
    StatusEvent: MODERATION_ROLES,
}
PUBLIC = [
    Organization, ActionPlan, Commitment, Milestone, ProgressUpdate, Evidence,
    CouncilMember, Session, AgendaItem, Attendance, Agreement, Call,
]  # fmt: skip


def user_for(role, organization):
    groups = {
        "editor": EDITOR_GROUP,
        "coordinator": COORDINATION_GROUP,
        "council member": COUNCIL_GROUP,
        "secretary": SECRETARIAT_GROUP,
        "moderator": MODERATION_GROUP,
    }
    if role == "public":
        return None  # feeds, sitemap, datasets, API, archive
    if role == "anonymous":
        return AnonymousUser()
    if role == "superuser":
        return UserFactory(username="raiz", is_staff=True, is_superuser=True)
    return staff_user(role.replace(" ", "-"), groups[role], organization=organization if role == "editor" else None)


@pytest.fixture
def world():
    """A real and a demo roadmap, a council with public and unpublished records, visible and hidden proposals."""
    plan = ActionPlanFactory()
    demo_plan = ActionPlanFactory(is_demo=True)
    update = ProgressUpdateFactory(milestone=MilestoneFactory(commitment=CommitmentFactory(plan=plan)))
    EvidenceFactory(update=update)
    demo_milestone = MilestoneFactory(commitment=CommitmentFactory(plan=demo_plan, is_demo=True), is_demo=True)
    EvidenceFactory(update=ProgressUpdateFactory(milestone=demo_milestone))

    held, later = SessionFactory(status=Session.Status.HELD), SessionFactory(status=Session.Status.HELD)
    suspended = SessionFactory(status=Session.Status.SUSPENDED)
    SessionFactory(is_demo=True)
    AgendaItem.objects.create(session=held, order=1, title="Seguimiento de los hitos")
    AttendanceFactory(session=held, member=CouncilMemberFactory())
    CouncilMemberFactory(is_demo=True)
    AgreementFactory(session=held)
    now = timezone.now()
    published = Minutes.objects.create(
        session=held, text="Acta publicada.", status=Minutes.Status.PUBLISHED,
        approved_at=later, approved_on=now, published_on=now,
    )  # fmt: skip
    draft = Minutes.objects.create(session=later, text="Borrador del acta.")
    Erratum.objects.create(minutes=published, text="Corrección pública.")
    Erratum.objects.create(minutes=draft, text="Corrección de un borrador.")
    MilestoneReviewFactory(session=held, milestone=update.milestone, update=update)
    MilestoneReviewFactory(session=suspended, milestone=update.milestone, update=update)  # the session was suspended

    shown = ProposalFactory()
    hidden = ProposalFactory(is_hidden=True, hidden_reason="Contenido publicitario.")
    demo = ProposalFactory(is_demo=True, call__is_demo=True)
    for proposal in (shown, hidden, demo):
        StatusEvent.objects.create(proposal=proposal, status=Proposal.Status.RECEIVED)

    return {
        "organization": update.milestone.commitment.lead,
        "public": {
            Minutes: {published.pk},
            Erratum: set(Erratum.objects.filter(minutes=published).values_list("pk", flat=True)),
            MilestoneReview: set(MilestoneReview.objects.filter(session=held).values_list("pk", flat=True)),
            Proposal: {shown.pk, demo.pk},
            StatusEvent: set(StatusEvent.objects.exclude(proposal=hidden).values_list("pk", flat=True)),
        },
    }


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("model", PUBLIC, ids=lambda model: model.__name__)
def test_public_models_show_every_row_to_every_role(world, model):
    everything = pks(model.objects.all())
    assert everything, f"the test world has no {model.__name__}"
    for role in ROLES:
        user = user_for(role, world["organization"])
        assert pks(model.objects.visible_to(user)) == everything, role


@pytest.mark.parametrize("model", RESTRICTED, ids=lambda model: model.__name__)
def test_restricted_rows_are_shown_only_to_the_roles_that_handle_them(world, model):
    everything, public = pks(model.objects.all()), world["public"][model]
    assert public and public < everything
    for role in ROLES:
        user = user_for(role, world["organization"])
        expected = everything if role in RESTRICTED[model] else public
        assert pks(model.objects.visible_to(user)) == expected, role


def test_demonstration_rows_are_visible_to_the_public(world):
    assert ActionPlan.objects.visible_to(None).filter(is_demo=True).exists()
    assert Commitment.objects.visible_to(None).filter(is_demo=True).exists()
    assert Proposal.objects.visible_to(None).filter(is_demo=True).exists()
    assert Session.objects.visible_to(None).filter(is_demo=True).exists()


def test_visible_to_chains_with_the_other_queryset_methods(world):
    assert Commitment.objects.visible_to(None).for_list().count() == 2
    assert pks(Milestone.objects.visible_to(None).delayed()) == pks(Milestone.objects.delayed())
    assert Session.objects.visible_to(AnonymousUser()).for_list().count() == Session.objects.count()
    assert Proposal.objects.visible_to(None).for_list().count() == 2


def test_the_always_true_filters_are_gone():
    # `plan` is NOT NULL: filtering on it only cost a join (three tables for evidence).
    assert "WHERE" not in str(Commitment.objects.visible_to(None).query)
    assert "JOIN" not in str(Evidence.objects.visible_to(None).exclude(file="").query)


APP_PACKAGES = ["commitments", "council", "proposals", "opendata", "ratelimits", "quito_ga"]


def python_sources():
    for package in APP_PACKAGES:
        yield from (Path(settings.BASE_DIR) / package).rglob("*.py")


def test_no_module_outside_the_models_calls_published_or_public():
    calls = re.compile(r"\.(published|public)\(")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in python_sources()
        if "models" not in path.relative_to(settings.BASE_DIR).parts[1:]
        and path.name != "models.py"
        and calls.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_queryset_offers_another_name_for_visibility():
    definitions = re.compile(r"def (published|public)\(")
    assert [path.name for path in python_sources() if definitions.search(path.read_text(encoding="utf-8"))] == []
