import pytest
from django.core.management import call_command

from commitments.models import Commitment
from proposals.models import Proposal

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
    visible = Proposal.objects.filter(is_hidden=False).first()
    assert visible.code in proposals
    if hidden:
        assert hidden.code not in proposals


def test_progress_feed_is_atom_with_the_latest_reports(client, portal):
    response = client.get("/compromisos/avances.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    content = response.content.decode()
    assert "<feed" in content
    assert content.count("<entry>") == 50


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
    from council.models import Minutes

    content = client.get("/consejo/actas.atom").content.decode()
    published = Minutes.objects.published().select_related("session").first()
    draft = Minutes.objects.filter(status=Minutes.Status.DRAFT).select_related("session").first()
    assert f"/consejo/sesiones/{published.session.number}/" in content
    if draft:
        assert f"/consejo/sesiones/{draft.session.number}/#acta" not in content


def test_feeds_are_linked_from_the_head_and_visibly(client, portal):
    content = client.get("/compromisos/ECQTO0005/").content.decode()
    assert 'type="application/atom+xml"' in content
    assert 'href="/compromisos/ECQTO0005/avances.atom"' in content
