"""One vocabulary: each kind of record names and colours its statuses once, in its model's choices."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from commitments.models import ActionPlan, Commitment, Milestone
from council.models import Agreement, MilestoneReview, Minutes, Session
from opendata.serializers import CommitmentSerializer, MilestoneSerializer
from proposals.models import Proposal
from quito_ga.templatetags.portal import status_badge

ROOT = Path(__file__).resolve().parents[2]
VOCABULARIES = [
    ActionPlan.Status,
    Commitment.Status,
    Milestone.Status,
    Proposal.Status,
    Session.Status,
    Minutes.Status,
    Agreement.Status,
    MilestoneReview.Outcome,
]
TONES = {"ok", "info", "warn", "bad", "neutral"}
IN_PROGRESS = [
    ActionPlan.Status.IMPLEMENTATION,
    Commitment.Status.ON_TRACK,
    Milestone.Status.IN_PROGRESS,
    Agreement.Status.IN_PROGRESS,
]


@pytest.mark.parametrize("choices", VOCABULARIES, ids=lambda choices: choices.__qualname__)
def test_every_status_has_one_of_the_portals_tones_and_the_stylesheet_colours_it(choices):
    css = (ROOT / "static" / "css" / "portal.css").read_text()
    for member in choices:
        assert member.tone in TONES
        assert re.search(rf"\.badge--{member.tone}\b[^{{]*\{{", css), member.tone


def test_work_in_progress_has_one_name_and_is_not_a_warning():
    with translation.override("es"):
        assert {str(member.label) for member in IN_PROGRESS} == {"En curso"}
    with translation.override("en"):
        assert {str(member.label) for member in IN_PROGRESS} == {"In progress"}
    assert {member.tone for member in IN_PROGRESS} == {"info"}
    assert Commitment.Status.DELAYED.tone == "bad"


def test_the_badge_shows_the_models_label_in_its_tone():
    with translation.override("es"):
        assert status_badge(Commitment.Status.ON_TRACK) == '<span class="badge badge--info">En curso</span>'
        assert status_badge("held", Session.Status) == '<span class="badge badge--ok">Realizada</span>'
        assert status_badge("") == ""


def test_templates_name_no_status_by_hand():
    """Status badges come from `status_badge`, never from a colour class a template spells itself."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "admin" in template.parts:
            continue
        text = template.read_text()
        if re.search(r"badge--(\{\{|proposal-|on_track|in_progress|delayed|complete)", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_spanish_catalogue_has_no_competing_names_for_in_progress():
    catalogue = (ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text()
    assert 'msgstr "En ejecución"' not in catalogue
    assert 'msgstr "En implementación"' not in catalogue


def test_api_status_documentation_lists_the_codes_with_the_pages_names():
    with translation.override("es"):
        commitment_help = str(CommitmentSerializer().fields["status"].help_text)
        milestone_help = str(MilestoneSerializer().fields["status"].help_text)
    assert "on_track (En curso)" in commitment_help and "delayed (Retrasado)" in commitment_help
    assert "no_data" not in commitment_help  # null stands for unknown
    assert "in_progress (En curso)" in milestone_help
