import re

import pytest
from django.core.management import call_command
from django.db.models import Q

from commitments.models import ActionPlan, Commitment, Organization, ProgressUpdate
from council.models import Minutes, Session
from proposals.models import Proposal
from quito_ga.sitemaps import SITEMAPS
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemap_lists_every_public_page_in_both_languages(client, portal):
    visible = ProposalFactory(is_demo=False)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-compromisos.xml" in index
    commitments = client.get("/sitemap-compromisos.xml").content.decode()
    assert "http://testserver/compromisos/ECQTO0001/" in commitments
    assert "http://testserver/en/compromisos/ECQTO0001/" in commitments
    pages = client.get("/sitemap-paginas.xml").content.decode()
    for path in ["/", "/en/", "/compromisos/", "/consejo/", "/propuestas/", "/datos/", "/accesibilidad/"]:
        assert f"<loc>http://testserver{path}</loc>" in pages
    proposals = client.get("/sitemap-propuestas.xml").content.decode()
    hidden = Proposal.objects.filter(is_hidden=True).first()
    assert visible.code in proposals
    if hidden:
        assert hidden.code not in proposals


def test_sitemap_leaves_out_a_list_page_that_shows_only_demonstration_data(client, portal):
    assert not Proposal.objects.filter(is_demo=False).exists()
    pages = client.get("/sitemap-paginas.xml").content.decode()
    assert "<loc>http://testserver/propuestas/</loc>" not in pages
    assert '<meta name="robots" content="noindex">' in client.get("/propuestas/").content.decode()
    ProposalFactory(is_demo=False)
    pages = client.get("/sitemap-paginas.xml").content.decode()
    assert "<loc>http://testserver/propuestas/</loc>" in pages


def test_sitemap_leaves_out_every_demonstration_page(client, portal):
    ProposalFactory(is_demo=False)  # so that every section of the sitemap has something
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index)
    assert len(sections) == len(SITEMAPS)
    listed = "".join(client.get(section).content.decode() for section in sections)
    demo_pages = [
        *ActionPlan.objects.filter(is_demo=True),
        *Commitment.objects.filter(Q(is_demo=True) | Q(plan__is_demo=True)).exclude(plan=None),
        *Organization.objects.filter(is_demo=True),
        *Session.objects.filter(is_demo=True),
        *Proposal.objects.filter(is_demo=True)[:200],
    ]
    assert demo_pages
    for demo in demo_pages:
        assert f"http://testserver{demo.get_absolute_url()}<" not in listed, demo
    real_commitment = Commitment.objects.get(code="ECQTO0001")
    assert f"http://testserver{real_commitment.get_absolute_url()}<" in listed


def test_progress_feed_is_atom_with_the_latest_reports(client, portal):
    response = client.get("/compromisos/avances.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    content = response.content.decode()
    assert "<feed" in content
    assert content.count("<entry>") == 50
    # The feed mixes plans: each entry names its plan as an Atom category.
    assert content.count('<category term="Plan ') == 50
    update = ProgressUpdate.objects.select_related("milestone__commitment__plan").latest_first().first()
    plan = update.milestone.commitment.plan
    assert f'<category term="Plan {plan.number} ({plan.period})"' in content


def test_commitment_feed_has_only_its_reports(client, portal):
    commitment = Commitment.objects.get(code="ECQTO0005")
    content = client.get("/compromisos/ECQTO0005/avances.atom").content.decode()
    assert "ECQTO0005" in content
    assert "ECQTO0001 ·" not in content
    assert commitment.get_absolute_url() in content
    assert client.get("/compromisos/NOEXISTE0/avances.atom").status_code == 404


def test_proposal_answers_feed_lists_answered_visible_proposals(client, portal):
    content = client.get("/propuestas/respuestas.atom").content.decode()
    answered = Proposal.objects.filter(responded_at__isnull=False, is_hidden=False).order_by("-responded_at").first()
    assert answered.code in content
    assert "@" not in content.split("<entry>", 1)[-1]  # no email address of anybody


def test_published_minutes_feed_lists_only_published_minutes(client, portal):
    content = client.get("/consejo/actas.atom").content.decode()
    published = Minutes.objects.visible_to(None).select_related("session").first()
    draft = Minutes.objects.filter(status=Minutes.Status.DRAFT).select_related("session").first()
    assert f"/consejo/sesiones/{published.session.number}/" in content
    if draft:
        assert f"/consejo/sesiones/{draft.session.number}/#acta" not in content


def test_feeds_are_linked_from_the_head_and_visibly(client, portal):
    content = client.get("/compromisos/ECQTO0005/").content.decode()
    assert 'type="application/atom+xml"' in content
    assert 'href="/compromisos/ECQTO0005/avances.atom"' in content


def entry_titles(content):
    return re.findall(r"<entry><title>(.*?)</title>", content)


@pytest.mark.parametrize(("prefix", "label"), [("", "[Demostración]"), ("/en", "[Demo]")])
def test_every_feed_labels_the_titles_of_demonstration_entries(client, portal, prefix, label):
    demo_update = ProgressUpdate.objects.filter(milestone__is_demo=True).latest_first().first()
    demo_commitment = demo_update.milestone.commitment
    feeds = {
        f"{prefix}/compromisos/avances.atom": True,
        f"{prefix}/compromisos/{demo_commitment.code}/avances.atom": True,
        f"{prefix}/consejo/actas.atom": Minutes.objects.visible_to(None).filter(session__is_demo=True).exists(),
        f"{prefix}/propuestas/respuestas.atom": Proposal.objects.filter(
            is_demo=True, responded_at__isnull=False
        ).exists(),
    }
    for url, has_demo in feeds.items():
        titles = entry_titles(client.get(url).content.decode())
        assert titles, url
        if has_demo:
            assert any(title.startswith(label + " ") for title in titles), url

    # Entry by entry: a demonstration object's entry is labelled, a real one is not.
    real = ProgressUpdate.objects.filter(milestone__is_demo=False, milestone__commitment__is_demo=False).first()
    content = client.get(f"{prefix}/compromisos/{demo_commitment.code}/avances.atom").content.decode()
    assert all(title.startswith(label + " ") for title in entry_titles(content))
    if real is not None:
        code = real.milestone.commitment.code
        content = client.get(f"{prefix}/compromisos/{code}/avances.atom").content.decode()
        assert not any(label in title for title in entry_titles(content))


def test_calendar_labels_demonstration_sessions(client, portal):
    calendar = client.get("/consejo/sesiones/calendario.ics").content.decode()
    demo_sessions = Session.objects.filter(is_demo=True).count()
    assert demo_sessions
    assert calendar.count("SUMMARY:[Demostración]") == demo_sessions
