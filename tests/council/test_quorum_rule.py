"""The quorum rule is data: seats that count and threshold, from a date; sessions keep the rule they were held under."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commitments.models import COORDINATION_GROUP
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, CouncilMember, Minutes, QuorumRule, Session
from tests.council.factories import CouncilMemberFactory, MinutesFactory, SessionFactory, held_session
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

CHAIR, SECRETARY = CouncilMember.Role.CHAIR, CouncilMember.Role.TECHNICAL_SECRETARY


@pytest.fixture
def council():
    """A chair, a technical secretary and three members."""
    return [
        CouncilMemberFactory(role=CHAIR),
        CouncilMemberFactory(role=SECRETARY),
        *CouncilMemberFactory.create_batch(3),
    ]


def test_the_default_rule_is_todays_behaviour_and_does_not_claim_a_source():
    rule = QuorumRule.objects.get()
    assert rule.valid_from is None
    assert (rule.counts_chair, rule.counts_technical_secretary, rule.threshold) == (True, True, "majority")
    assert not rule.is_sourced()
    assert "no establecen la regla de quórum" in rule.note


def test_the_rule_in_force_is_the_latest_started_on_or_before_the_date():
    later = QuorumRule.objects.create(valid_from=datetime.date(2024, 1, 1), counts_chair=False)
    assert QuorumRule.objects.in_force_on(datetime.date(2023, 12, 31)).first().valid_from is None
    assert QuorumRule.objects.in_force_on(datetime.date(2024, 1, 1)).first() == later


@pytest.mark.parametrize(
    ("counts_chair", "counts_secretary", "threshold", "present", "expected"),
    [
        (True, True, "majority", [CHAIR, SECRETARY, "member"], (5, 3, 3, True)),
        (False, False, "majority", [CHAIR, SECRETARY, "member"], (3, 1, 2, False)),
        (False, False, "majority", ["member", "member"], (3, 2, 2, True)),
        (True, True, "two_thirds", [CHAIR, "member", "member"], (5, 3, 4, False)),
    ],
)
def test_the_rule_decides_which_seats_count_and_the_threshold(
    council, counts_chair, counts_secretary, threshold, present, expected
):
    QuorumRule.objects.create(
        valid_from=datetime.date(2015, 1, 1),
        counts_chair=counts_chair,
        counts_technical_secretary=counts_secretary,
        threshold=threshold,
    )
    remaining = list(present)
    attending = []
    for member in council:
        if member.role in remaining:
            remaining.remove(member.role)
            attending.append(member)
    ordered = attending + [m for m in council if m not in attending]
    session = held_session(ordered, present=len(attending), scheduled_on=datetime.date(2016, 1, 1))
    quorum = session.quorum()
    assert (quorum.members_in_office, quorum.attending, quorum.required, quorum.reached) == expected
    annotated = Session.objects.with_quorum().get(pk=session.pk).quorum()
    assert annotated == quorum  # the SQL and the Python computation agree


def test_a_session_keeps_the_rule_it_was_held_under(council):
    session = held_session(council, present=3, scheduled_on=datetime.date(2024, 6, 1))
    first = QuorumRule.objects.get(valid_from=None)
    assert session.quorum_rule == first
    QuorumRule.objects.create(
        valid_from=datetime.date(2024, 1, 1), counts_chair=False, counts_technical_secretary=False
    )
    session = Session.objects.with_quorum().get(pk=session.pk)
    assert (session.applied_quorum_rule(), session.quorum().members_in_office) == (first, 5)


def test_a_rule_sessions_were_held_under_is_never_edited(council):
    held_session(council, present=3)
    rule = QuorumRule.objects.get()
    rule.threshold = QuorumRule.Threshold.TWO_THIRDS
    with pytest.raises(ValidationError):
        rule.save()
    rule.refresh_from_db()
    rule.note = "Nota aclaratoria"
    rule.save()  # the note is not part of the rule


def test_the_public_session_page_states_the_rule_applied(client, council):
    session = held_session(council, present=3, scheduled_on=datetime.date(2024, 6, 1))
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Quórum: mayoría simple de los 5 miembros con voto en funciones" in page
    assert "regla aplicada desde la primera sesión" in page
    assert "Las fuentes publicadas no establecen la regla de quórum del consejo" in page


def test_a_sourced_rule_is_stated_with_its_date_and_source(client, council):
    QuorumRule.objects.create(
        valid_from=datetime.date(2024, 1, 1), counts_technical_secretary=False, source_url="https://example.org/r"
    )
    session = held_session(council, present=3, scheduled_on=datetime.date(2024, 6, 1))
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Quórum: mayoría simple de los 4 miembros con voto en funciones" in page
    assert "regla vigente desde el 1 de enero de 2024" in page
    assert 'href="https://example.org/r"' in page


def test_minutes_approval_follows_the_rule_of_the_approving_session(council):
    QuorumRule.objects.create(valid_from=datetime.date(2015, 1, 1), threshold=QuorumRule.Threshold.TWO_THIRDS)
    minutes = MinutesFactory(session=held_session(council, present=5))
    later = held_session(council, present=3)  # a majority, not two thirds
    assert minutes.approval_obstacle(Session.objects.with_quorum().get(pk=later.pk)).code == "approving_without_quorum"
    assert minutes.status == Minutes.Status.DRAFT


def test_only_the_coordination_edits_quorum_rules_in_the_admin(client):
    rule = QuorumRule.objects.get()
    url = reverse("admin:council_quorumrule_change", args=[rule.pk])
    for group, status in [(COORDINATION_GROUP, 200), (SECRETARIAT_GROUP, 403), (COUNCIL_GROUP, 403)]:
        client.force_login(staff_user(f"u-{group}", group))
        assert client.get(url).status_code == status, group
    client.force_login(staff_user("coord2", COORDINATION_GROUP))
    response = client.post(
        reverse("admin:council_quorumrule_add"),
        {
            "valid_from": "2025-01-01",
            "threshold": "two_thirds",
            "counts_chair": "on",
            "note": "Resolución",
            "source_url": "",
        },
    )
    assert response.status_code == 302
    assert QuorumRule.objects.filter(valid_from=datetime.date(2025, 1, 1), counts_technical_secretary=False).exists()


def test_a_used_rule_is_read_only_in_the_admin(client, council):
    SessionFactory()
    held_session(council, present=3)
    rule = QuorumRule.objects.get()
    client.force_login(staff_user("coord", COORDINATION_GROUP))
    response = client.get(reverse("admin:council_quorumrule_change", args=[rule.pk]))
    assert 'name="threshold"' not in response.content.decode()
    assert 'name="note"' in response.content.decode()
