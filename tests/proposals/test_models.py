import datetime
import math
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from proposals import models
from proposals.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Call,
    Proposal,
    ProposerContact,
    StatusEvent,
    new_tracking_code,
    normalize_code,
    normalize_text,
)
from tests.factories import CommitmentFactory, UserFactory
from tests.proposals.factories import (
    CallFactory,
    ParishFactory,
    ProposalFactory,
    ProposerContactFactory,
    ZonalAdministrationFactory,
)

pytestmark = pytest.mark.django_db


def test_tracking_code_alphabet_has_no_look_alike_characters():
    assert not set("0O1IL") & set(CODE_ALPHABET)


def test_tracking_code_has_at_least_40_bits_of_randomness():
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 40


def test_tracking_code_format():
    assert re.fullmatch(r"QGA-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}", new_tracking_code())


@pytest.mark.parametrize(
    "typed", ["qga-7k4-m2p-9xh", "QGA7K4M2P9XH", " 7K4 M2P 9XH ", "7k4-m2p-9xh", "QGA 7K4-M2P 9XH"]
)
def test_code_lookup_ignores_case_spaces_and_dashes(typed):
    assert normalize_code(typed) == "QGA-7K4-M2P-9XH"


@pytest.mark.parametrize("typed", ["", "QGA-7K4-M2", "QGA-0K4-M2P-9XH", "hola", "QGA-7K4-M2P-9XHH"])
def test_code_lookup_rejects_what_cannot_be_a_code(typed):
    assert normalize_code(typed) == ""


def test_saving_a_proposal_draws_a_unique_code():
    proposal = ProposalFactory()
    assert normalize_code(proposal.code) == proposal.code


def test_a_colliding_code_is_drawn_again(monkeypatch):
    first = ProposalFactory()
    codes = iter([first.code, "QGA-222-333-444"])
    monkeypatch.setattr("proposals.models.proposals.new_tracking_code", lambda: next(codes))
    second = ProposalFactory()
    assert second.code == "QGA-222-333-444"


def test_normalize_text_strips_accents_and_case():
    assert normalize_text("Participación CIUDADANA en Píntag") == "participacion ciudadana en pintag"


def test_search_ignores_accents_and_case():
    wanted = ProposalFactory(title="Más participación en Píntag")
    ProposalFactory(title="Alumbrado público", problem="Calles oscuras", solution="Más luminarias")
    assert list(Proposal.objects.search("participacion")) == [wanted]
    assert list(Proposal.objects.search("PARTICIPACIÓN pintag")) == [wanted]


def test_search_looks_at_problem_and_solution():
    by_problem = ProposalFactory(problem="No hay rendición de cuentas en el barrio.")
    by_solution = ProposalFactory(solution="Una rendición de cuentas trimestral.")
    ProposalFactory()
    assert set(Proposal.objects.search("rendicion")) == {by_problem, by_solution}


def test_empty_search_returns_everything():
    ProposalFactory.create_batch(2)
    assert Proposal.objects.search("  ").count() == 2


def test_hidden_proposals_are_not_visible_to_the_public():
    visible = ProposalFactory()
    ProposalFactory(is_hidden=True, hidden_reason="Contenido ofensivo")
    assert list(Proposal.objects.visible_to(UserFactory())) == [visible]


def test_moderators_see_hidden_proposals():
    from django.contrib.auth.models import Group

    ProposalFactory(is_hidden=True, hidden_reason="Contenido ofensivo")
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name=models.MODERATION_GROUP))
    assert Proposal.objects.visible_to(moderator).count() == 1


def test_open_now_includes_permanent_calls_and_excludes_closed_and_future_ones():
    now = timezone.now()
    open_call = CallFactory()
    permanent = CallFactory(closes_at=None)
    CallFactory(opens_at=now - datetime.timedelta(days=30), closes_at=now - datetime.timedelta(days=1))
    CallFactory(opens_at=now + datetime.timedelta(days=3), closes_at=now + datetime.timedelta(days=30))
    assert set(Call.objects.open_now()) == {open_call, permanent}
    assert permanent.is_open()


def test_a_call_must_close_after_it_opens():
    now = timezone.now()
    call = Call(title="Mal", opens_at=now, closes_at=now - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "closes_at" in error.value.message_dict


def test_parish_must_belong_to_the_chosen_zone():
    parish = ParishFactory()
    proposal = ProposalFactory.build(call=CallFactory(), zone=ZonalAdministrationFactory(), parish=parish)
    with pytest.raises(ValidationError) as error:
        proposal.full_clean(exclude=["code"])
    assert "parish" in error.value.message_dict


def test_a_parish_without_a_sourced_zone_fits_any_zone():
    proposal = ProposalFactory.build(
        call=CallFactory(), zone=ZonalAdministrationFactory(), parish=ParishFactory(zone=None)
    )
    proposal.full_clean(exclude=["code"])


def test_submit_opens_the_timeline_and_emails_the_code(django_capture_on_commit_callbacks):
    proposal = ProposalFactory.build(call=CallFactory(), zone=ZonalAdministrationFactory())
    contact = ProposerContactFactory.build(proposal=None, email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        proposal.submit(contact=contact)
    assert list(proposal.events.values_list("status", flat=True)) == [Proposal.Status.RECEIVED]
    assert not proposal.entered_by_staff
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert proposal.code in mail.outbox[0].body
    assert proposal.get_absolute_url() in mail.outbox[0].body


def test_change_status_records_a_public_event_and_emails_after_commit(django_capture_on_commit_callbacks):
    contact = ProposerContactFactory()
    proposal, moderator = contact.proposal, UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        proposal.change_status(status=Proposal.Status.UNDER_REVIEW, note="La revisamos esta semana.", by=moderator)
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    event = proposal.events.get()
    assert (event.status, event.note, event.by) == (
        Proposal.Status.UNDER_REVIEW,
        "La revisamos esta semana.",
        moderator,
    )
    assert len(mail.outbox) == 1
    assert "En revisión" in mail.outbox[0].body


def test_closing_a_proposal_stamps_when_it_closed():
    proposal = ProposalFactory(response="No es competencia municipal.")
    proposal.change_status(status=Proposal.Status.NOT_ACCEPTED)
    assert proposal.closed_at is not None
    proposal.change_status(status=Proposal.Status.UNDER_REVIEW)
    assert proposal.closed_at is None


def test_answer_publishes_the_response_and_can_change_the_status(django_capture_on_commit_callbacks):
    contact = ProposerContactFactory()
    proposal = contact.proposal
    commitment = CommitmentFactory()
    proposal.commitments.add(commitment)
    with django_capture_on_commit_callbacks(execute=True):
        proposal.answer(text="Se incorporó al compromiso.", status=Proposal.Status.INCORPORATED, by=UserFactory())
    proposal.refresh_from_db()
    assert proposal.response == "Se incorporó al compromiso."
    assert proposal.responded_at and proposal.status == Proposal.Status.INCORPORATED
    assert "Se incorporó al compromiso." in mail.outbox[0].body


def test_an_empty_answer_is_refused():
    with pytest.raises(ValidationError):
        ProposalFactory().answer(text="  ")


def test_duplicate_needs_the_original_and_not_itself():
    proposal, original = ProposalFactory(response="Coincide con otra propuesta."), ProposalFactory()
    with pytest.raises(ValidationError):
        proposal.change_status(status=Proposal.Status.DUPLICATE)
    with pytest.raises(ValidationError):
        proposal.change_status(status=Proposal.Status.DUPLICATE, duplicate_of=proposal)
    proposal.change_status(status=Proposal.Status.DUPLICATE, duplicate_of=original)
    assert proposal.duplicate_of == original


def test_hiding_needs_a_public_reason():
    proposal = ProposalFactory()
    with pytest.raises(ValidationError):
        proposal.hide(reason="")
    proposal.hide(reason="Contiene insultos.")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Contiene insultos."


def test_status_events_are_append_only():
    event = StatusEvent.objects.create(proposal=ProposalFactory(), status=Proposal.Status.RECEIVED)
    event.note = "cambiado"
    with pytest.raises(ValidationError):
        event.save()


def test_no_email_to_anonymised_contacts(django_capture_on_commit_callbacks):
    contact = ProposerContactFactory()
    contact.anonymise()
    with django_capture_on_commit_callbacks(execute=True):
        contact.proposal.change_status(status=Proposal.Status.UNDER_REVIEW)
    assert mail.outbox == []


def test_anonymise_erases_every_personal_field_and_keeps_the_proposal():
    contact = ProposerContactFactory(phone="0991234567", organization="Barrio Unido", gender="female")
    contact.anonymise()
    contact.refresh_from_db()
    assert (contact.name, contact.email, contact.phone, contact.organization, contact.gender) == ("", "", "", "", "")
    assert contact.is_anonymised()
    assert Proposal.objects.filter(pk=contact.proposal_id).exists()


def test_contact_string_never_shows_personal_data():
    contact = ProposerContactFactory(name="Nombre Secreto", email="secreto@example.org")
    assert "Secreto" not in str(contact) and "secreto" not in str(contact)


def test_purgeable_contacts_are_those_of_proposals_closed_long_ago():
    old = ProposerContactFactory(proposal__response="No es competencia municipal.")
    old.proposal.change_status(status=Proposal.Status.NOT_ACCEPTED)
    Proposal.objects.filter(pk=old.proposal_id).update(closed_at=timezone.now() - datetime.timedelta(days=400))
    recent = ProposerContactFactory(proposal__response="No es competencia municipal.")
    recent.proposal.change_status(status=Proposal.Status.NOT_ACCEPTED)
    ProposerContactFactory()  # still open
    assert list(ProposerContact.objects.purgeable(older_than_days=365)) == [old]


def test_on_postgresql_search_ranks_better_matches_first_and_uses_the_gin_index():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Spanish full-text ranking and its GIN index exist on PostgreSQL only")
    weak = ProposalFactory(title="Alumbrado", problem="Falta participación.", solution="Más luces.")
    strong = ProposalFactory(
        title="Participación barrial", problem="Poca participación vecinal.", solution="Participación mensual."
    )
    assert list(Proposal.objects.search("participacion")) == [strong, weak]
    assert list(Proposal.objects.search("participaciones")) == [strong, weak]  # Spanish stemming
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'proposal_search_vector_gin'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]
    # The stored vector is ranked: no match is parsed again.
    assert "to_tsvector" not in str(Proposal.objects.search("participacion").query)


def test_a_failing_mail_server_neither_loses_the_proposal_nor_logs_the_address(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"secreta@example.org": (550, b"no such user")})

    monkeypatch.setattr("proposals.emails.send_mail", refuse)
    proposal = ProposalFactory.build(call=CallFactory(), zone=ZonalAdministrationFactory())
    contact = ProposerContactFactory.build(proposal=None, email="secreta@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        proposal.submit(contact=contact)
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert "SMTPRecipientsRefused" in caplog.text and proposal.code in caplog.text
    assert "secreta@example.org" not in caplog.text


def counts(*calls):
    return [
        tuple(Call.objects.filter(pk=call.pk).values_list("proposal_count", "meeting_proposal_count")[0])
        for call in calls
    ]


def test_a_calls_stored_counts_follow_its_public_proposals(django_capture_on_commit_callbacks):
    from proposals.models import PublicMeeting
    from tests.factories import ActionPlanFactory

    plan = ActionPlanFactory()
    call, other = CallFactory(plan=plan), CallFactory(plan=plan)
    zone = ZonalAdministrationFactory()
    held = PublicMeeting.objects.create(plan=plan, call=call, zone=zone, held_on=timezone.localdate(), place="Sala")
    with django_capture_on_commit_callbacks(execute=True):
        first = ProposalFactory(call=call, zone=zone)
        gathered = ProposalFactory(call=call, zone=zone, meeting=held)
    assert counts(call, other) == [(2, 1), (0, 0)]
    with django_capture_on_commit_callbacks(execute=True):
        gathered.hide(reason="Contenido publicitario.")  # hidden: no longer public
    assert counts(call) == [(1, 0)]
    with django_capture_on_commit_callbacks(execute=True):
        gathered.unhide()
    assert counts(call) == [(2, 1)]
    moved = Proposal.objects.get(pk=first.pk)  # as the admin loads it
    moved.call = other
    with django_capture_on_commit_callbacks(execute=True):
        moved.save()  # both calls change
    assert counts(call, other) == [(1, 1), (1, 0)]
    with django_capture_on_commit_callbacks(execute=True):
        Proposal.objects.filter(pk=gathered.pk).delete()  # a queryset delete too
    assert counts(call, other) == [(0, 0), (1, 0)]


def test_bulk_writers_refresh_the_stored_counts_once():
    call = CallFactory()
    ProposalFactory.create_batch(3, call=call)  # no commit here: the counts wait for a refresh
    Call.objects.filter(pk=call.pk).refresh_counts()
    assert counts(call) == [(3, 0)]
