"""No lost updates: two people editing the same record, the second save from a stale form is refused."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP, Milestone, ProgressUpdate
from commitments.versioning import StaleVersionError
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Minutes, Session
from proposals.models import MODERATION_GROUP, Proposal
from tests.commitments.factories import EvidenceFactory, ProgressUpdateFactory
from tests.council.factories import CouncilMemberFactory, MinutesFactory, SessionFactory, held_session
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user
from tests.proposals.factories import ProposerContactFactory

pytestmark = pytest.mark.django_db

STALE = "Otra persona guardó cambios en este registro"
REPORT_URL = reverse("admin:commitments_progressupdate_add")
BULK_URL = reverse("admin:commitments_milestone_bulk_update")


@pytest.fixture(autouse=True)
def _spanish():
    translation.activate("es")
    yield
    translation.activate("es")


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def browser(user):
    """A logged-in test client: one browser (or one tab) of one staff member."""
    client = Client()
    client.force_login(user)
    return client


def posted_value(bound):
    value = bound.value()
    if value is None or value is False or isinstance(value, FieldFile):  # a file input is sent empty
        return None
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(item.pk if hasattr(item, "pk") else item) for item in value]
    return value.pk if hasattr(value, "pk") else value


def form_data(response):
    """What a browser sends back from an admin form as it was rendered, hidden version token included."""
    data = {}

    def add(form):
        for name in form.fields:
            value = posted_value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def errors_of(response):
    return list(response.context["adminform"].form.non_field_errors())


def current_input(response, name):
    return response.context["adminform"].form[name].value()


# Milestones


@pytest.fixture
def milestone():
    return MilestoneFactory(title="Hito original", means_of_verification="Informe publicado")


@pytest.fixture
def coordinators():
    return staff_user("coordinadora_a", COORDINATION_GROUP), staff_user("coordinador_b", COORDINATION_GROUP)


def test_second_coordinator_saving_a_stale_milestone_form_is_refused_and_keeps_their_input(milestone, coordinators):
    first, second = browser(coordinators[0]), browser(coordinators[1])
    first_form = form_data(first.get(change_url(milestone)))
    second_form = form_data(second.get(change_url(milestone)))

    response = first.post(change_url(milestone), {**first_form, "title": "Título corregido por A"})
    assert response.status_code == 302
    response = second.post(change_url(milestone), {**second_form, "means_of_verification": "Acta firmada por B"})

    assert response.status_code == 200
    errors = errors_of(response)
    assert STALE in errors[0] and "partiste de la versión 1 y ahora está en la versión 2" in errors[0]
    assert "Cambió mientras tanto: título; ahora es «Título corregido por A»." in errors
    assert current_input(response, "means_of_verification") == "Acta firmada por B"
    assert "Acta firmada por B" in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.title, milestone.means_of_verification) == ("Título corregido por A", "Informe publicado")
    assert milestone.version == 2


def test_the_refused_form_shows_others_changes_and_a_second_save_keeps_both(milestone, coordinators):
    first, second = browser(coordinators[0]), browser(coordinators[1])
    second_form = form_data(second.get(change_url(milestone)))
    first.post(change_url(milestone), {**form_data(first.get(change_url(milestone))), "title": "Título de A"})
    refused = second.post(change_url(milestone), {**second_form, "means_of_verification": "Acta de B"})

    # What B did not touch now shows A's value; what B changed keeps B's input.
    assert current_input(refused, "title") == "Título de A"
    assert current_input(refused, "means_of_verification") == "Acta de B"
    # The re-rendered form carries the current version: saving it again is a choice made knowing the change.
    response = second.post(change_url(milestone), form_data(refused))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.means_of_verification, milestone.version) == ("Título de A", "Acta de B", 3)


def test_a_field_both_changed_keeps_the_second_users_input_on_the_refused_form(milestone, coordinators):
    first, second = browser(coordinators[0]), browser(coordinators[1])
    second_form = form_data(second.get(change_url(milestone)))
    first.post(change_url(milestone), {**form_data(first.get(change_url(milestone))), "title": "Título de A"})

    refused = second.post(change_url(milestone), {**second_form, "title": "Título de B"})

    assert "Cambió mientras tanto: título; ahora es «Título de A»." in errors_of(refused)
    assert current_input(refused, "title") == "Título de B"
    milestone.refresh_from_db()
    assert milestone.title == "Título de A"


def test_the_same_user_in_two_tabs_cannot_overwrite_their_own_newer_save(milestone, coordinators):
    tab = browser(coordinators[0])
    old_tab = form_data(tab.get(change_url(milestone)))
    new_tab = form_data(tab.get(change_url(milestone)))
    assert tab.post(change_url(milestone), {**new_tab, "revised_due_on": "2023-09-30"}).status_code == 302

    response = tab.post(change_url(milestone), {**old_tab, "title": "Título desde la pestaña vieja"})

    assert response.status_code == 200
    changed = "Cambió mientras tanto: fecha de entrega revisada; ahora es «30 de septiembre de 2023»."
    assert changed in errors_of(response)
    milestone.refresh_from_db()
    assert milestone.revised_due_on == datetime.date(2023, 9, 30)
    assert milestone.title == "Hito original"


def test_saving_an_unchanged_form_does_not_make_other_open_forms_stale(milestone, coordinators):
    first, second = browser(coordinators[0]), browser(coordinators[1])
    second_form = form_data(second.get(change_url(milestone)))
    assert first.post(change_url(milestone), form_data(first.get(change_url(milestone)))).status_code == 302

    response = second.post(change_url(milestone), {**second_form, "title": "Título de B"})

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.version) == ("Título de B", 2)


def test_a_stale_milestone_row_in_the_commitments_screen_is_refused(milestone, coordinators):
    commitment = milestone.commitment
    first, second = browser(coordinators[0]), browser(coordinators[1])
    second_form = form_data(second.get(change_url(commitment)))
    milestone_form = form_data(first.get(change_url(milestone)))
    assert first.post(change_url(milestone), {**milestone_form, "weight": "5"}).status_code == 302

    response = second.post(change_url(commitment), {**second_form, "milestones-0-title": "Título desde el compromiso"})

    assert response.status_code == 200
    row_errors = response.context["inline_admin_formsets"][0].formset.forms[0].non_field_errors()
    assert "Cambió mientras tanto: peso; ahora es «5»." in row_errors
    milestone.refresh_from_db()
    assert (milestone.title, milestone.weight) == ("Hito original", 5)


# Progress reports


def report_form(response, progress, note):
    data = {
        "milestone": response.context["adminform"].form["milestone"].value(),
        "reported_on": datetime.date.today().isoformat(),
        "progress": progress,
        "status": "",
        "note": note,
        "milestone_version": response.context["adminform"].form["milestone_version"].value(),
    }
    formset = response.context["inline_admin_formsets"][0].formset
    data.update(
        {formset.management_form.add_prefix(name): value for name, value in formset.management_form.initial.items()}
    )
    return data


def test_a_progress_report_from_a_form_opened_before_anothers_report_is_refused():
    organization = OrganizationFactory()
    milestone = MilestoneFactory(commitment=CommitmentFactory(lead=organization))
    first = browser(staff_user("editora_a", EDITOR_GROUP, organization))
    second = browser(staff_user("editor_b", EDITOR_GROUP, organization))
    url = f"{REPORT_URL}?milestone={milestone.pk}"
    first_form, second_form = first.get(url), second.get(url)

    assert first.post(REPORT_URL, report_form(first_form, 30, "Avance de A")).status_code == 302
    response = second.post(REPORT_URL, report_form(second_form, 50, "Avance de B"))

    assert response.status_code == 200
    errors = errors_of(response)
    assert STALE in errors[0] and "(hito)" in errors[0]
    assert "Cambió mientras tanto: avances; ahora es «30»." in errors
    assert "Cambió mientras tanto: estado; ahora es «En curso»." in errors
    assert current_input(response, "note") == "Avance de B"
    assert list(ProgressUpdate.objects.values_list("progress", "note")) == [(30, "Avance de A")]
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (30, 2)


def test_the_bulk_update_refuses_milestones_reported_on_between_preview_and_confirmation():
    organization = OrganizationFactory()
    milestone = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0001", lead=organization), order=1)
    editor = browser(staff_user("editora", EDITOR_GROUP, organization))
    text = "code,order,progress\nECQTO0001,1,40\n"
    preview = editor.post(BULK_URL, {"file": SimpleUploadedFile("avances.csv", text.encode())})
    versions = preview.context["form"].versions_token
    assert f'name="versions" value="{versions}"' in preview.content.decode()
    milestone.report(progress=60, note="Reporte de otra persona")

    response = editor.post(BULK_URL, {"csv_text": text, "confirm": "on", "versions": versions})

    assert response.status_code == 200
    assert "Este hito cambió después de la vista previa (ahora tiene 60 %)" in response.content.decode()
    assert list(ProgressUpdate.objects.values_list("progress", flat=True)) == [60]


def test_every_bulk_report_moves_the_milestone_version_on():
    organization = OrganizationFactory()
    milestone = MilestoneFactory(commitment=CommitmentFactory(code="ECQTO0001", lead=organization), order=1)
    editor = browser(staff_user("editora", EDITOR_GROUP, organization))
    text = "code,order,progress\nECQTO0001,1,40\n"
    preview = editor.post(BULK_URL, {"file": SimpleUploadedFile("avances.csv", text.encode())})
    response = editor.post(
        BULK_URL, {"csv_text": text, "confirm": "on", "versions": preview.context["form"].versions_token}
    )

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.version) == (40, 2)


# Proposals under moderation


def test_second_moderator_answering_from_a_stale_form_is_refused_and_the_citizen_gets_one_answer(
    django_capture_on_commit_callbacks,
):
    proposal = ProposerContactFactory(email="vecina@example.org").proposal
    first = browser(staff_user("moderadora_a", MODERATION_GROUP))
    second = browser(staff_user("moderador_b", MODERATION_GROUP))
    first_form = form_data(first.get(change_url(proposal)))
    second_form = form_data(second.get(change_url(proposal)))

    with django_capture_on_commit_callbacks(execute=True):
        response = first.post(change_url(proposal), {**first_form, "response_text": "Respuesta de A"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = second.post(
            change_url(proposal), {**second_form, "response_text": "Respuesta de B", "new_status": "accepted"}
        )

    assert response.status_code == 200
    errors = errors_of(response)
    assert STALE in errors[0] and "(propuesta ciudadana)" in errors[0]
    assert "Cambió mientras tanto: respuesta motivada; ahora es «Respuesta de A»." in errors
    assert current_input(response, "response_text") == "Respuesta de B"
    assert current_input(response, "new_status") == "accepted"
    proposal.refresh_from_db()
    assert (proposal.response, proposal.status) == ("Respuesta de A", Proposal.Status.RECEIVED)
    assert len(mail.outbox) == 1 and "Respuesta de A" in mail.outbox[0].body


def test_hiding_a_proposal_from_a_stale_form_is_refused():
    proposal = ProposerContactFactory().proposal
    first = browser(staff_user("moderadora_a", MODERATION_GROUP))
    second = browser(staff_user("moderador_b", MODERATION_GROUP))
    second_form = form_data(second.get(change_url(proposal)))
    first.post(change_url(proposal), {**form_data(first.get(change_url(proposal))), "title": "Título moderado"})

    response = second.post(change_url(proposal), {**second_form, "hide": "on", "hide_reason": "Lenguaje ofensivo"})

    assert response.status_code == 200
    assert "Cambió mientras tanto: título; ahora es «Título moderado»." in errors_of(response)
    proposal.refresh_from_db()
    assert not proposal.is_hidden


def test_saving_again_after_a_refusal_does_not_undo_anothers_hiding():
    proposal = ProposerContactFactory().proposal
    first = browser(staff_user("moderadora_a", MODERATION_GROUP))
    second = browser(staff_user("moderador_b", MODERATION_GROUP))
    second_form = form_data(second.get(change_url(proposal)))
    hide = {"hide": "on", "hide_reason": "Lenguaje ofensivo"}
    assert first.post(change_url(proposal), {**form_data(first.get(change_url(proposal))), **hide}).status_code == 302

    refused = second.post(change_url(proposal), {**second_form, "title": "Título corregido por B"})
    assert "Cambió mientras tanto: ocultada por moderación; ahora es «Sí»." in errors_of(refused)
    assert (current_input(refused, "hide"), current_input(refused, "hide_reason")) == (True, "Lenguaje ofensivo")
    assert second.post(change_url(proposal), form_data(refused)).status_code == 302

    proposal.refresh_from_db()
    assert (proposal.title, proposal.is_hidden, proposal.hidden_reason) == (
        "Título corregido por B",
        True,
        "Lenguaje ofensivo",
    )


def test_the_start_review_action_skips_a_proposal_another_moderator_saved_meanwhile(monkeypatch):
    changed, untouched = ProposerContactFactory().proposal, ProposerContactFactory().proposal
    moderator = browser(staff_user("moderadora", MODERATION_GROUP))
    change_status = Proposal.change_status

    def saved_by_someone_else_first(proposal, **kwargs):
        if proposal.pk == changed.pk:  # the other moderator's save lands between the list and this one
            Proposal.objects.filter(pk=proposal.pk).update(version=F("version") + 1, title="Título de otra persona")
        return change_status(proposal, **kwargs)

    monkeypatch.setattr(Proposal, "change_status", saved_by_someone_else_first)
    response = moderator.post(
        reverse("admin:proposals_proposal_changelist"),
        {"action": "start_review", "_selected_action": [changed.pk, untouched.pk]},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any("Otra persona cambió" in message for message in messages), messages
    changed.refresh_from_db()
    untouched.refresh_from_db()
    assert (changed.title, changed.status) == ("Título de otra persona", Proposal.Status.RECEIVED)
    assert untouched.status == Proposal.Status.UNDER_REVIEW


# Council sessions and minutes


@pytest.fixture
def secretaries():
    return staff_user("secretaria_a", SECRETARIAT_GROUP), staff_user("secretario_b", SECRETARIAT_GROUP)


def test_second_secretary_saving_a_stale_session_form_is_refused_and_keeps_their_input(secretaries):
    session = SessionFactory(place="Sala de sesiones")
    first, second = browser(secretaries[0]), browser(secretaries[1])
    first_form = form_data(first.get(change_url(session)))
    second_form = form_data(second.get(change_url(session)))

    assert first.post(change_url(session), {**first_form, "place": "Auditorio municipal"}).status_code == 302
    response = second.post(change_url(session), {**second_form, "starts_at": "15:30"})

    assert response.status_code == 200
    errors = errors_of(response)
    assert STALE in errors[0] and "(sesión)" in errors[0]
    assert "Cambió mientras tanto: lugar; ahora es «Auditorio municipal»." in errors
    assert current_input(response, "starts_at") == "15:30"
    session.refresh_from_db()
    assert (session.place, session.starts_at) == ("Auditorio municipal", datetime.time(10, 0))


@pytest.fixture
def council_members():
    members = CouncilMemberFactory.create_batch(2)
    users = staff_user("consejera_a", COUNCIL_GROUP), staff_user("consejero_b", COUNCIL_GROUP)
    for member, user in zip(members, users, strict=True):
        member.user = user
        member.save()
    return members, users


def test_second_council_member_saving_stale_minutes_is_refused_and_keeps_their_text(council_members):
    members, users = council_members
    minutes = MinutesFactory(session=held_session(members, present=2), text="Borrador inicial")
    first, second = browser(users[0]), browser(users[1])
    first_form = form_data(first.get(change_url(minutes)))
    second_form = form_data(second.get(change_url(minutes)))

    assert first.post(change_url(minutes), {**first_form, "text": "Borrador corregido por A"}).status_code == 302
    response = second.post(change_url(minutes), {**second_form, "text": "Borrador corregido por B"})

    assert response.status_code == 200
    errors = errors_of(response)
    assert STALE in errors[0] and "(actas)" in errors[0]
    assert "Cambió mientras tanto: texto; ahora es «Borrador corregido por A»." in errors
    assert current_input(response, "text") == "Borrador corregido por B"
    minutes.refresh_from_db()
    assert minutes.text == "Borrador corregido por A"


def test_stale_minutes_in_the_session_screen_are_refused_and_keep_the_members_text(council_members):
    members, users = council_members
    session = held_session(members, present=2)
    minutes = MinutesFactory(session=session, text="Borrador")
    first, second = browser(users[0]), browser(users[1])
    record = reverse("admin:council_session_record", args=[session.pk])
    recording = second.get(record).context["recording"]
    stale_form = {
        "version_sesion": recording.loaded_version,
        "acta-loaded_version": recording.minutes["loaded_version"].value(),
        **{f"asistencia-miembro_{m.pk}": a.status for m, a in ((a.member, a) for a in session.attendances.all())},
    }
    minutes_form = form_data(first.get(change_url(minutes)))
    assert first.post(change_url(minutes), {**minutes_form, "text": "Borrador de A"}).status_code == 302

    response = second.post(record, {**stale_form, "acta-text": "Borrador de B", "_save": "1"})

    assert response.status_code == 200
    minutes_form = response.context["recording"].minutes
    assert "Cambió mientras tanto: texto; ahora es «Borrador de A»." in minutes_form.non_field_errors()
    assert minutes_form["text"].value() == "Borrador de B"
    minutes.refresh_from_db()
    assert minutes.text == "Borrador de A"


# The model's guarantee, whatever the path


def test_saving_a_stale_instance_raises_and_writes_nothing():
    milestone = MilestoneFactory(title="Hito")
    first, second = Milestone.objects.get(pk=milestone.pk), Milestone.objects.get(pk=milestone.pk)
    first.title = "Primero"
    first.save()
    second.title = "Segundo"

    with pytest.raises(StaleVersionError) as refused:
        second.save()

    assert refused.value.code == "stale_version"
    milestone.refresh_from_db()
    assert (milestone.title, milestone.version) == ("Primero", 2)


@pytest.mark.parametrize(
    "stale_action",
    [
        lambda proposal: proposal.answer(text="Respuesta tardía"),
        lambda proposal: proposal.hide(reason="Motivo"),
        lambda proposal: proposal.change_status(status="accepted"),
    ],
)
def test_moderation_verbs_on_a_stale_proposal_are_refused(stale_action):
    proposal = ProposerContactFactory().proposal
    stale = Proposal.objects.get(pk=proposal.pk)
    proposal.answer(text="Primera respuesta")

    with pytest.raises(StaleVersionError):
        stale_action(stale)

    proposal.refresh_from_db()
    assert (proposal.response, proposal.is_hidden, proposal.status) == ("Primera respuesta", False, "received")


def test_session_and_minutes_verbs_move_the_version_on(council_members):
    members, users = council_members
    session = SessionFactory()
    session.suspend()
    minutes = MinutesFactory(session=held_session(members, present=2))
    minutes.approve(at=held_session(members, present=2), by=users[0])
    minutes.publish()
    assert Session.objects.get(pk=session.pk).version == 2
    assert Minutes.objects.get(pk=minutes.pk).version == 3


def test_a_progress_report_moves_the_milestone_version_on():
    milestone = MilestoneFactory()
    EvidenceFactory(update=ProgressUpdateFactory(milestone=milestone, progress=50))
    milestone.refresh_from_db()
    assert milestone.version == 2


def assert_one_writer_at_most(milestone, saved, outcomes, titles):
    """Never two writes: the row moved on by one version at most. PostgreSQL: exactly one, the other refused.

    SQLite's in-memory test database shares one cache between threads, where a connection meeting another's lock gets
    "database table is locked" at once instead of waiting: there a request may fail before or even after its commit,
    but the row still shows a single write (version 2) or none.
    """
    milestone.refresh_from_db()
    if connection.vendor == "postgresql":
        assert len(saved) == 1, outcomes
    assert len(saved) <= 1, outcomes
    assert (milestone.title, milestone.version) in {("Hito original", 1), *((title, 2) for title in titles)}, outcomes
    if saved:
        assert milestone.title == saved[0]


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_the_same_instant_never_both_succeed():
    milestone = MilestoneFactory(title="Hito original")
    barrier, outcomes = threading.Barrier(2), []

    def save(title):
        try:
            copy = Milestone.objects.get(pk=milestone.pk)
            copy.title = title
            barrier.wait(timeout=10)
            copy.save()
            outcomes.append(("saved", title))
        except StaleVersionError:
            outcomes.append(("refused", title))
        except Exception as error:
            outcomes.append(("failed", repr(error)))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save, args=(title,)) for title in ("Primero", "Segundo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [title for outcome, title in outcomes if outcome == "saved"]
    assert len(outcomes) == 2, outcomes
    assert_one_writer_at_most(milestone, saved, outcomes, ["Primero", "Segundo"])
    if connection.vendor == "postgresql":
        assert sorted(outcome for outcome, _title in outcomes) == ["refused", "saved"]


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_posting_the_same_milestone_at_the_same_instant_never_both_save():
    milestone = MilestoneFactory(title="Hito original")
    users = staff_user("coordinadora_a", COORDINATION_GROUP), staff_user("coordinador_b", COORDINATION_GROUP)
    clients = [browser(user) for user in users]
    forms = [form_data(client.get(change_url(milestone))) for client in clients]
    barrier, outcomes = threading.Barrier(2), {}

    def post(index, title):
        try:
            barrier.wait(timeout=10)
            response = clients[index].post(change_url(milestone), {**forms[index], "title": title})
            outcomes[title] = "saved" if response.status_code == 302 else errors_of(response)[0]
        except Exception as error:
            outcomes[title] = repr(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post, args=(index, f"Título {index}")) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    saved = [title for title, outcome in outcomes.items() if outcome == "saved"]
    assert len(outcomes) == 2, outcomes
    assert_one_writer_at_most(milestone, saved, outcomes, ["Título 0", "Título 1"])
    if connection.vendor == "postgresql":  # the second waits for the first's row lock, then sees its version
        refused = next(outcome for outcome in outcomes.values() if outcome != "saved")
        assert refused.startswith(STALE)
