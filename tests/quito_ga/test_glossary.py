"""The portal explains its words: a glossary page, “?” links where terms first appear, one status vocabulary."""

import itertools
import re

import pytest
from django.utils import translation

from commitments.models import Commitment, OgpValue
from council.models import Agreement, MilestoneReview, Minutes, Session
from proposals.models import Proposal
from quito_ga.glossary import TERMS
from tests.factories import ActionPlanFactory, CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spanish():
    translation.activate("es")


def test_glossary_defines_the_portal_jargon_in_spanish_and_english(client):
    content = client.get("/glosario/").content.decode()
    for term, anchor in [
        ("Hito", "hito"),
        ("Valor OGP", "valor-ogp"),
        ("MRI (Mecanismo de Revisión Independiente)", "mri"),
        ("Ponderación (media ponderada)", "ponderacion"),
        ("Compromiso", "compromiso"),
        ("Hoja de ruta", "hoja-de-ruta"),
        ("Replanificación", "replanificacion"),
        ("Consejo consultivo", "consejo"),
        ("Quórum", "quorum"),
    ]:
        assert f'<dt id="{anchor}"><dfn>{term}</dfn></dt>' in content
    english = client.get("/en/glosario/").content.decode()
    assert '<dt id="hito"><dfn>Milestone</dfn></dt>' in english
    assert "<h1>Glossary</h1>" in english


def test_glossary_lists_every_status_from_the_models_choices(client):
    content = client.get("/glosario/").content.decode()
    for choices in (Commitment.Status, Proposal.Status, Session.Status, Minutes.Status, Agreement.Status):
        for member in choices:
            assert f'<span class="badge badge--{member.tone}">{member.label}</span>' in content
    for member in MilestoneReview.Outcome:
        assert f'<span class="badge badge--{member.tone}">{member.label}</span>' in content


def test_every_glossary_link_points_at_a_defined_term(client):
    commitment = CommitmentFactory()
    MilestoneFactory(commitment=commitment)
    anchors = {anchor for anchor, _term, _definition in TERMS}
    for url in ("/", commitment.plan.get_absolute_url(), commitment.get_absolute_url()):
        links = re.findall(r'class="glossary-link" href="/glosario/#([a-z-]+)"', client.get(url).content.decode())
        assert links, url
        assert set(links) <= anchors


def test_commitment_page_explains_milestones_roadmap_ogp_values_irm_and_weighting(client):
    commitment = CommitmentFactory()
    commitment.ogp_values.add(OgpValue.objects.first())
    MilestoneFactory(commitment=commitment)
    content = client.get(commitment.get_absolute_url()).content.decode()
    for anchor in ("hito", "hoja-de-ruta", "valor-ogp", "mri", "ponderacion"):
        assert f'href="/glosario/#{anchor}"' in content
    assert '<abbr title="Mecanismo de Revisión Independiente">MRI</abbr>' in content
    assert "¿Qué significa «Hito»?" in content


def test_home_and_plan_pages_say_what_this_is_with_sourced_facts(client):
    plan = ActionPlanFactory(
        public_meetings=34, consultation_workshops=3, sources="https://opengovpartnership.org/documents/x"
    )
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "¿Qué es esto?" in content
    assert "34 reuniones públicas y 3 talleres de consulta ciudadana" in content
    assert 'href="https://opengovpartnership.org/documents/x"' in content
    assert "¿Qué es esto?" in client.get("/").content.decode()


def test_facts_no_source_gives_are_not_stated(client):
    plan = ActionPlanFactory(public_meetings=None, consultation_workshops=None, ogp_local_member_since=None)
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "reuniones públicas" not in content
    assert "Quito es miembro desde" not in content


def test_explore_cards_are_links(client):
    content = client.get("/").content.decode()
    for url in ("/compromisos/", "/consejo/", "/propuestas/"):
        assert f'<a class="entry-point__link" href="{url}">' in content


def test_commitment_list_says_which_plan_each_card_belongs_to_without_skipping_headings(client):
    first = CommitmentFactory(plan=ActionPlanFactory(number=1, title="Primer plan", period="2019-2021"))
    second = CommitmentFactory(plan=ActionPlanFactory(number=2, title="Segundo plan", period="2022-2023"))
    content = client.get("/compromisos/").content.decode()
    content = content[content.index('role="status"') :]  # after the filters, which list every plan
    assert "Plan 1 (2019-2021)" in content and "Plan 2 (2022-2023)" in content
    assert content.index("Primer plan") < content.index(first.code) < content.index("Segundo plan")
    assert content.index("Segundo plan") < content.index(second.code)
    page = client.get("/compromisos/").content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page[page.index("<main") :])]
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))
