"""Every page says what it is to search engines and share cards: description, Open Graph, canonical, hreflang."""

import datetime
import json
import re
from html import unescape

import pytest
from django.utils import timezone, translation

from tests.council.factories import SessionFactory
from tests.factories import ActionPlanFactory, CommitmentFactory
from tests.proposals.factories import CallFactory, ProposalFactory

pytestmark = pytest.mark.django_db

PORTAL = "https://gobiernoabierto.example.ec"


@pytest.fixture(autouse=True)
def _portal_url(settings):
    settings.PORTAL_URL = PORTAL
    # A request to /en/ leaves English active in the thread; object addresses here are the Spanish ones.
    translation.activate("es")


def head(response):
    html = response.content.decode()
    return html[: html.index("</head>")]


def meta(response, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head(response))
    return unescape(match.group(1)) if match else None


def link(response, rel, hreflang=None):
    extra = rf' hreflang="{hreflang}"' if hreflang else ""
    return re.findall(rf'<link rel="{rel}"{extra} href="([^"]*)">', head(response))


def title(response):
    return unescape(re.search(r"<title>(.*?)</title>", head(response), re.S).group(1))


def test_home_title_names_the_site_once(client):
    assert title(client.get("/")) == "Gobierno Abierto Quito"
    assert title(client.get("/en/")) == "Gobierno Abierto Quito"


def test_title_is_plain_text_without_markup_from_bilingual_fields(client):
    plan = ActionPlanFactory(title="Primer Plan de Acción", title_en="")
    page_title = title(client.get(f"/en{plan.get_absolute_url()}"))
    assert page_title == "Primer Plan de Acción · Gobierno Abierto Quito"
    assert "<" not in page_title and "lang=" not in page_title


def test_object_pages_describe_themselves_with_their_own_text(client):
    commitment = CommitmentFactory(problem="Los barrios no conocen el presupuesto participativo.")
    proposal = ProposalFactory(problem="Falta alumbrado en el parque del barrio.")
    commitment_description = meta(client.get(commitment.get_absolute_url()), "name", "description")
    assert "Los barrios no conocen el presupuesto participativo." in commitment_description
    assert commitment.code in commitment_description
    proposal_description = meta(client.get(proposal.get_absolute_url()), "name", "description")
    assert proposal_description == "Falta alumbrado en el parque del barrio."
    home_description = meta(client.get("/"), "name", "description")
    assert len({commitment_description, proposal_description, home_description}) == 3


def test_long_descriptions_are_cut_to_plain_text(client):
    commitment = CommitmentFactory(problem="<b>Texto</b> " + "muy largo " * 60)
    description = meta(client.get(commitment.get_absolute_url()), "name", "description")
    assert len(description) <= 200
    assert description.endswith("…")
    assert "<b>" in description  # the citizen's text is shown as text, escaped, never as markup
    assert "<b>Texto</b>" not in head(client.get(commitment.get_absolute_url()))


def test_english_description_never_shows_untranslated_spanish_problem(client):
    commitment = CommitmentFactory(problem="Solo en español.", problem_en="")
    description = meta(client.get(f"/en{commitment.get_absolute_url()}"), "name", "description")
    assert "Solo en español." not in description


def test_share_cards_carry_title_description_and_an_absolute_png_image(client, settings):
    commitment = CommitmentFactory()
    response = client.get(commitment.get_absolute_url())
    assert meta(response, "property", "og:title") == title(response).removesuffix(" · Gobierno Abierto Quito")
    assert meta(response, "property", "og:description") == meta(response, "name", "description")
    assert meta(response, "property", "og:url") == PORTAL + commitment.get_absolute_url()
    image = meta(response, "property", "og:image")
    assert image.startswith(PORTAL + "/static/") and image.endswith(".png")
    assert meta(response, "name", "twitter:card") == "summary_large_image"
    assert meta(response, "name", "twitter:image") == image
    png = (settings.BASE_DIR / "static" / "img" / "og-default.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20]) == 1200 and int.from_bytes(png[20:24]) == 630


def test_canonical_is_absolute_and_keeps_only_the_page_number(client):
    CommitmentFactory.create_batch(21)
    assert link(client.get("/compromisos/?q=x&page=2&plan="), "canonical") == [PORTAL + "/compromisos/?page=2"]
    assert link(client.get("/compromisos/?q=participación"), "canonical") == [PORTAL + "/compromisos/"]
    assert link(client.get("/en/compromisos/?page=1"), "canonical") == [PORTAL + "/en/compromisos/"]


def test_hreflang_alternates_are_absolute_with_x_default(client):
    path = ActionPlanFactory().get_absolute_url()
    for prefix in ("", "/en"):
        response = client.get(prefix + path)
        assert link(response, "alternate", "es") == [PORTAL + path]
        assert link(response, "alternate", "en") == [PORTAL + "/en" + path]
        assert link(response, "alternate", "x-default") == [PORTAL + path]


def json_ld(response):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(block) for block in blocks]


def test_home_describes_the_organisation_in_json_ld(client):
    (data,) = json_ld(client.get("/"))
    assert data["@type"] == "GovernmentOrganization"
    assert data["url"] == PORTAL + "/"


def test_session_page_is_a_schema_org_event_safely_escaped(client):
    session = SessionFactory(
        scheduled_on=datetime.date(2026, 12, 10), place='Sala </script><script>alert("x")</script>'
    )
    response = client.get(session.get_absolute_url())
    assert "</script><script>alert" not in response.content.decode()
    (data,) = json_ld(response)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2026-12-10T10:00:00-05:00"
    assert data["location"]["name"] == 'Sala </script><script>alert("x")</script>'
    assert data["url"] == PORTAL + session.get_absolute_url()
    assert data["name"] == str(session.title()) and "bound method" not in data["name"]


def test_a_demo_session_page_says_noindex_once(client):
    content = client.get(SessionFactory(is_demo=True).get_absolute_url()).content.decode()
    assert content.count('<meta name="robots" content="noindex">') == 1


def test_machine_dates_have_no_microseconds(client):
    proposal = ProposalFactory()
    proposal.__class__.objects.filter(pk=proposal.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 31, 4, 55, 50, 771988))
    )
    content = client.get(proposal.get_absolute_url()).content.decode()
    assert 'datetime="2026-03-31T04:55:50-05:00"' in content
    assert ".771988" not in content


def test_send_proposal_call_to_action_only_while_a_call_is_open(client):
    plan = ActionPlanFactory()
    closed = CallFactory(closes_at=timezone.now() - datetime.timedelta(days=1))
    for url in ("/", plan.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "Envía tu propuesta" not in content
        assert "Busca tu propuesta" in content
    closed.closes_at = timezone.now() + datetime.timedelta(days=1)
    closed.save()
    for url in ("/", plan.get_absolute_url()):
        assert 'href="/propuestas/nueva/">Envía tu propuesta</a>' in client.get(url).content.decode()
