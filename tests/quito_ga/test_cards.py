"""The commitment card and the progress bar, built by template tags from ready values (quito_ga/templatetags)."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from commitments.models import Commitment
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def render(source, **context):
    return engines["django"].from_string("{% load portal %}" + source).render(context)


@pytest.mark.parametrize(
    ("language", "value", "text", "width"),
    [("es", Decimal("12.50"), "12,5 %", "12.50"), ("en", Decimal("12.50"), "12.5 %", "12.50"), ("es", 0, "0 %", "0")],
)
def test_the_progress_bar_localizes_its_text_but_never_its_width(language, value, text, width):
    with translation.override(language):
        html = render("{% progress_bar value %}", value=value)
    assert f'<span class="progress__value">{text}<span' in html
    assert f'class="progress__fill" width="{width}"' in html


def test_unknown_progress_reads_no_data_never_zero():
    with translation.override("es"):
        html = render("{% progress_bar value %}", value=None)
    assert "Sin datos" in html and "progress__fill" not in html and "0 %" not in html


def test_a_card_says_its_plan_its_counts_and_the_councils_verifications_in_spanish_and_english():
    commitment = CommitmentFactory(title="Abrir los datos", short_title="", milestone_count=3, complete_count=1)
    commitment = Commitment.objects.for_list().get(pk=commitment.pk)
    commitment.council_verified_count = 1
    with translation.override("es"):
        html = render("{% commitment_card c %}", c=commitment)
    assert f'<a href="/compromisos/{commitment.code}/">Abrir los datos</a>' in html
    assert f"Plan {commitment.plan.number} ({commitment.plan.period})" in html
    assert "1 de 3 hitos cumplidos" in html and "1 de 3 hitos verificados por el Consejo" in html
    with translation.override("en"):
        html = render("{% commitment_card c %}", c=commitment)
    assert "1 of 3 milestones complete" in html and "1 of 3 milestones verified by the Council" in html


def test_a_card_without_roadmap_or_title_says_so_and_escapes_what_it_shows():
    commitment = CommitmentFactory(title="", title_en="", short_title="", milestone_count=0)
    commitment.lead.name = "<script>alert(1)</script>"
    commitment.council_verified_count = None
    with translation.override("es"):
        html = render("{% commitment_card c %}", c=commitment)
    assert "Título no publicado en las fuentes consultadas" in html
    assert "Hoja de ruta no publicada" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "verificados por el Consejo" not in html
