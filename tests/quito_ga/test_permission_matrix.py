"""Every role against every admin model and the writing views, as ../shared/domain.md says, on the server.

Each app's own tests go deeper into its objects (an editor and another institution's milestone, a
councillor and approved minutes); this matrix makes sure no role can reach a whole area it has no business in,
whatever the buttons show: every request is made directly.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROLES = ["coordinador", "editor", "editor2", "secretaria", "consejero", "moderador"]
COMMITMENTS = {"actionplan", "commitment", "evidence", "milestone", "organization", "progressupdate", "staffprofile"}
COUNCIL = {"agreement", "councilmember", "milestonereview", "minutes", "session"}
PROPOSALS = {"call", "parish", "proposal", "proposalqueue", "zonaladministration", "proposercontact"}

# Which admin lists each role may open ("view"), and where it may add. Everything else answers 403.
VIEW = {
    "coordinador": {f"commitments.{m}" for m in COMMITMENTS}
    | {"proposals.call", "proposals.parish", "proposals.proposal", "proposals.proposalqueue"}
    | {"proposals.zonaladministration"},
    "editor": {f"commitments.{m}" for m in COMMITMENTS - {"staffprofile"}},
    # Read-only roadmaps, to pick the milestone an agenda item or a verification is about.
    "secretaria": {f"council.{m}" for m in COUNCIL} | {"commitments.commitment", "commitments.milestone"},
    "consejero": {f"council.{m}" for m in COUNCIL} | {"commitments.commitment", "commitments.milestone"},
    "moderador": {f"proposals.{m}" for m in PROPOSALS} | {"commitments.commitment"},
}
VIEW["editor2"] = VIEW["editor"]
ADD = {
    "coordinador": {f"commitments.{m}" for m in COMMITMENTS - {"evidence"}},
    "editor": {"commitments.progressupdate"},
    "editor2": {"commitments.progressupdate"},
    "secretaria": {"council.session", "council.minutes"},
    "consejero": {"council.minutes"},
    "moderador": {"proposals.call", "proposals.parish", "proposals.proposal"},
}
# Nobody but a superuser manages accounts, groups or the login lockout records.
SUPERUSER_ONLY = {"auth.user", "auth.group", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# The task queue's records (emails sent or failed, repository builds): read-only, for system administrators.
SUPERUSER_ONLY |= {"django_tasks_database.dbtaskresult"}


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
    known |= {f"proposals.{m}" for m in PROPOSALS}
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


@pytest.mark.parametrize("role", ["coordinador", "secretaria", "consejero", "moderador", "editor"])
def test_no_staff_role_manages_accounts_or_lockouts(client, portal, role):
    client.force_login(get_user_model().objects.get(username=role))
    for label in SUPERUSER_ONLY:
        assert client.get(admin_url(label)).status_code == 403, (role, label)
