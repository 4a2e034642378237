"""Every role against every admin model and the writing views, as ../shared/domain.md says, on the server.

Each app's own tests go deeper into its objects (an editor and another institution's milestone, a
councillor and approved minutes); this matrix makes sure no role can reach a whole area it has no business in,
whatever the buttons show: every request is made directly.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROLES = ["coordinador", "editor", "editor2", "secretaria", "consejero", "moderador"]
COMMITMENTS = {
    "actionplan", "commitment", "evidence", "milestone", "organization", "progressupdate", "staffprofile", "replanning"
}  # fmt: skip
COUNCIL = {"agreement", "councilmember", "milestonereview", "minutes", "session", "replanapproval"}
PROPOSALS = {"call", "parish", "proposal", "proposalqueue", "zonaladministration", "proposercontact", "publicmeeting"}
# Email subscribers' addresses: personal data, for the moderators who answer citizens' requests.
SUBSCRIPTIONS = {"subscriptions.subscriber"}

# Which admin lists each role may open ("view"), and where it may add. Everything else answers 403.
VIEW = {
    "coordinador": {f"commitments.{m}" for m in COMMITMENTS}
    | {"proposals.call", "proposals.parish", "proposals.proposal", "proposals.proposalqueue"}
    | {"proposals.zonaladministration", "proposals.publicmeeting"}
    | {"council.quorumrule"}  # the coordination sets the council's quorum rule from a date
    | {"commitments.cocreationrequirement"},  # and assesses the plan's co-creation standards
    "editor": {f"commitments.{m}" for m in COMMITMENTS - {"staffprofile"}},
    # Read-only roadmaps and re-planning ledger, to pick the milestone an agenda item or a verification is about,
    # or the change of dates the council approved.
    "secretaria": {f"council.{m}" for m in COUNCIL}
    | {f"commitments.{m}" for m in ("commitment", "milestone", "replanning")},
    "consejero": {f"council.{m}" for m in COUNCIL}
    | {f"commitments.{m}" for m in ("commitment", "milestone", "replanning")},
    "moderador": {f"proposals.{m}" for m in PROPOSALS} | {"commitments.commitment"} | SUBSCRIPTIONS,
}
VIEW["editor2"] = VIEW["editor"]
ADD = {
    # The ledger is written by changing a milestone's dates, never added by hand.
    "coordinador": {f"commitments.{m}" for m in COMMITMENTS - {"evidence", "replanning"}}
    | {"council.quorumrule", "proposals.publicmeeting"}  # the coordination records the public meetings
    | {"commitments.cocreationrequirement"},
    "editor": {"commitments.progressupdate"},
    "editor2": {"commitments.progressupdate"},
    "secretaria": {"council.session", "council.minutes", "council.replanapproval"},
    "consejero": {"council.minutes", "council.replanapproval"},
    "moderador": {"proposals.call", "proposals.parish", "proposals.proposal"},
}
# Nobody but a superuser manages accounts, groups or the login lockout records.
SUPERUSER_ONLY = {"auth.user", "auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
SUPERUSER_ONLY |= {"otp_totp.totpdevice"}  # staff set up their own second factor at /admin/segundo-factor/
# The task queue's records (emails sent or failed, repository builds): read-only, for system administrators.
SUPERUSER_ONLY |= {"django_tasks_database.dbtaskresult"}
# What happened and how many were told (no addresses): for system administrators.
SUPERUSER_ONLY |= {"subscriptions.event"}


@pytest.fixture
def portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def registered_models():
    return sorted(f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry)


def admin_url(label, suffix=""):
    app, model = label.split(".")
    return f"/admin/{app}/{model}/{suffix}"


def test_every_admin_model_is_in_the_matrix():
    known = SUPERUSER_ONLY | {f"commitments.{m}" for m in COMMITMENTS} | {f"council.{m}" for m in COUNCIL}
    known |= {f"proposals.{m}" for m in PROPOSALS} | {"council.quorumrule", "commitments.cocreationrequirement"}
    known |= SUBSCRIPTIONS
    assert set(registered_models()) <= known


def test_anonymous_visitors_are_sent_to_the_login_for_every_admin_page(client):
    for label in registered_models():
        for url in (admin_url(label), admin_url(label, "add/")):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url
        response = client.post(admin_url(label, "add/"), {})
        assert response.status_code == 302, label


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_own_areas(client, portal, role):
    client.force_login(get_user_model().objects.get(username=role))
    for label in registered_models():
        listing = client.get(admin_url(label)).status_code
        assert listing == (200 if label in VIEW[role] else 403), (role, label, "list", listing)
        add = client.get(admin_url(label, "add/")).status_code
        assert add == (200 if label in ADD[role] else 403), (role, label, "add form", add)
        if label not in ADD[role]:
            # A direct POST is refused just the same, and creates nothing.
            assert client.post(admin_url(label, "add/"), {}).status_code == 403, (role, label, "add POST")


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_ever_see_proposer_contact_data(client, portal, role):
    from proposals.models import Proposal

    client.force_login(get_user_model().objects.get(username=role))
    proposal = Proposal.objects.select_related("contact").filter(contact__isnull=False).first()
    email = proposal.contact.email
    pages = [admin_url("proposals.proposal"), admin_url("proposals.proposal", f"{proposal.pk}/change/")]
    seen = any(email in client.get(url).content.decode() for url in pages)
    assert seen == (role == "moderador"), role


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_ever_see_subscribers_addresses(client, portal, role):
    from tests.subscriptions.factories import EMAIL, follow

    subscription = follow(kind="minutes")
    client.force_login(get_user_model().objects.get(username=role))
    pages = [
        admin_url("subscriptions.subscriber"),
        admin_url("subscriptions.subscriber", f"{subscription.subscriber_id}/change/"),
    ]
    pages += [admin_url("subscriptions.event"), "/admin/"]
    seen = any(EMAIL in client.get(url).content.decode() for url in pages)
    assert seen == (role == "moderador"), role


@pytest.mark.parametrize("role", ["coordinador", "secretaria", "consejero", "moderador", "editor"])
def test_no_staff_role_manages_accounts_or_lockouts(client, portal, role):
    client.force_login(get_user_model().objects.get(username=role))
    for label in SUPERUSER_ONLY:
        assert client.get(admin_url(label)).status_code == 403, (role, label)


# Every admin with version history (issue 12): the list and a version page answer GET to exactly the roles that
# see the object in their change list; a POST to a version page restores nothing, for anybody.
HISTORY = {"commitments.actionplan", "commitments.commitment", "commitments.milestone", "commitments.organization"}
HISTORY |= {"commitments.cocreationrequirement"}
HISTORY |= {f"council.{m}" for m in COUNCIL} | {"council.quorumrule"}
HISTORY |= {"proposals.proposal", "proposals.proposalqueue", "proposals.publicmeeting"}
# The roadmap objects below belong to the editor's institution, not to editor2's: each is refused the other's.
OUT_OF_REACH = {"editor2": {"commitments.commitment", "commitments.milestone"}}


def test_every_admin_with_history_is_in_the_matrix_and_read_only():
    from commitments.history import HistoryAdmin

    with_history = {
        label
        for label in registered_models()
        if hasattr(admin.site._registry[apps.get_model(label)].model._meta.concrete_model, "history")
    }
    assert with_history == HISTORY
    assert all(isinstance(admin.site._registry[apps.get_model(label)], HistoryAdmin) for label in HISTORY)


def history_targets():
    """One object per admin with history, with at least one stored version: {label: (object id, version id)}."""
    from commitments.models import Commitment, staff_organization_id
    from proposals.models import Proposal

    users = get_user_model().objects
    editor, editor2 = (staff_organization_id(users.get(username=name)) for name in ("editor", "editor2"))
    commitment = Commitment.objects.involving(editor).exclude(pk__in=Commitment.objects.involving(editor2)).first()
    chosen = {
        "commitments.commitment": commitment,
        "commitments.milestone": commitment.milestones.order_by("pk").first(),
        "proposals.proposal": Proposal.objects.filter(is_hidden=False, status=Proposal.Status.RECEIVED).first(),
    }
    chosen["proposals.proposalqueue"] = chosen["proposals.proposal"]
    targets = {}
    for label in sorted(HISTORY):
        model = apps.get_model(label)
        obj = chosen.get(label) or model.objects.order_by("pk").first()
        if not obj.history.exists():
            obj.save()  # bulk-loaded demo rows have no stored version yet
        targets[label] = (obj.pk, obj.history.order_by("history_date").first().history_id)
    return targets


def history_urls(label, object_id, version_id):
    return admin_url(label, f"{object_id}/history/"), admin_url(label, f"{object_id}/history/{version_id}/")


def test_anonymous_visitors_are_sent_to_the_login_for_every_history_page(client, portal):
    for label, (object_id, version_id) in history_targets().items():
        listing, version = history_urls(label, object_id, version_id)
        for response in (client.get(listing), client.get(version), client.post(version, {})):
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), label


@pytest.mark.parametrize("role", [*ROLES, "superuser"])
def test_each_role_reads_exactly_the_history_it_may_see_and_restores_none(client, portal, role):
    if role == "superuser":
        user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    else:
        user = get_user_model().objects.get(username=role)
    client.force_login(user)
    for label, (object_id, version_id) in history_targets().items():
        listing, version = history_urls(label, object_id, version_id)
        may_see = role == "superuser" or (label in VIEW[role] and label not in OUT_OF_REACH.get(role, ()))
        for url in (listing, version):
            status = client.get(url).status_code
            assert status == (200 if may_see else 403), (role, label, url, status)
        assert client.post(version, {}).status_code == 405, (role, label, "version POST")


@pytest.mark.parametrize("role", ["coordinador", "moderador"])
def test_a_hidden_proposals_history_is_for_moderators_only(client, portal, role):
    from proposals.models import Proposal

    proposal = Proposal.objects.filter(is_hidden=False).first()
    proposal.save()  # a stored version from while it was public
    version = proposal.history.first()
    proposal.hide(reason="Contenido ofensivo (prueba).")
    client.force_login(get_user_model().objects.get(username=role))
    listing, version_url = history_urls("proposals.proposal", proposal.pk, version.history_id)
    expected = 200 if role == "moderador" else 404
    assert (client.get(listing).status_code, client.get(version_url).status_code) == (expected, expected)
    assert client.post(version_url, {}).status_code == 405
    assert Proposal.objects.get(pk=proposal.pk).is_hidden
