"""The one-screen recording of a session: attendance radios, quorum from the rule, agreements, minutes preview."""

import datetime

import pytest
from django.urls import reverse

from commitments.models import EDITOR_GROUP
from council.models import COUNCIL_GROUP, SECRETARIAT_GROUP, Agreement, Attendance, Minutes, QuorumRule, Session
from tests.council.factories import CouncilMemberFactory, MinutesFactory, SessionFactory, held_session
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return CouncilMemberFactory.create_batch(3)


@pytest.fixture
def secretaria():
    return staff_user("secretaria", SECRETARIAT_GROUP)


@pytest.fixture
def consejero(members):
    user = staff_user("consejero", COUNCIL_GROUP)
    members[0].user = user
    members[0].save()
    return user


def record_url(session):
    return reverse("admin:council_session_record", args=[session.pk])


def form_data(response, **changes):
    """What the browser sends back from the recording screen, with `changes` applied."""
    recording = response.context["recording"]
    data = {"version_sesion": response.context["recording"].loaded_version}
    for form, editable in recording.parts():
        if not editable:
            continue
        if hasattr(form, "management_form"):
            management = form.management_form
            data.update({management.add_prefix(name): management[name].value() for name in management.fields})
            inner = form.forms
        else:
            inner = [form]
        for each in inner:
            for name in each.fields:
                bound = each[name].value()
                if bound not in (None, "", False):
                    data[each.add_prefix(name)] = bound
    data.update(changes)
    return data


def attendance_key(member):
    return f"asistencia-miembro_{member.pk}"


def test_council_member_records_attendance_an_agreement_and_minutes_in_one_save(client, consejero, members):
    session = held_session(members[:1], present=1, number=4, scheduled_on=datetime.date(2023, 5, 4))
    client.force_login(consejero)
    response = client.get(record_url(session))
    assert response.status_code == 200
    page = response.content.decode()
    # Each member once, in a fieldset whose legend names them, with one radio per attendance status.
    for member in members:
        assert page.count(f'name="{attendance_key(member)}"') == len(Attendance.Status.choices)
        assert f"<legend>{member.display_name()}" in page
    assert "<select" not in page.split('id="asistencia-titulo"')[1].split('id="orden-titulo"')[0]
    data = form_data(
        response,
        **{
            attendance_key(members[1]): "present",
            attendance_key(members[2]): "alternate",
            "acuerdos-0-number": "1",
            "acuerdos-0-text": "Solicitar el informe de la mesa técnica.",
            "acuerdos-0-responsible_member": str(members[1].pk),
            "acuerdos-0-due_on": "2023-06-30",
            "acuerdos-0-status": "pending",
            "acta-text": "## Desarrollo\n\nSe instala la sesión.",
            "_save": "Guardar",
        },
    )
    response = client.post(record_url(session), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    statuses = dict(Attendance.objects.filter(session=session).values_list("member_id", "status"))
    assert statuses == {members[0].pk: "present", members[1].pk: "present", members[2].pk: "alternate"}
    agreement = Agreement.objects.get(session=session)
    assert (agreement.responsible_member, agreement.due_on) == (members[1], datetime.date(2023, 6, 30))
    assert Minutes.objects.get(session=session).status == Minutes.Status.DRAFT
    loaded = session.version
    session.refresh_from_db()
    assert session.version == loaded + 1  # the recording claimed the session's next version
    quorum = client.get(record_url(session)).context["quorum"]
    assert (quorum.attending, quorum.members_in_office, quorum.reached) == (3, 3, True)


def test_preview_renders_the_minutes_like_the_public_page_and_saves_nothing(client, consejero, members):
    session = held_session(members, present=1)
    client.force_login(consejero)
    response = client.get(record_url(session))
    data = form_data(
        response, **{attendance_key(members[1]): "present", "acta-text": "**Avance** revisado", "_preview": "1"}
    )
    response = client.post(record_url(session), data)
    assert response.status_code == 200
    assert "<strong>Avance</strong> revisado" in response.content.decode()
    # The quorum is recomputed from the form: two of three attend now.
    assert (response.context["quorum"].attending, response.context["quorum"].reached) == (2, True)
    assert not Minutes.objects.filter(session=session).exists()
    assert Attendance.objects.get(session=session, member=members[1]).status == "absent"
    # The preview keeps what was typed.
    assert response.context["recording"].minutes["text"].value() == "**Avance** revisado"


def test_errors_are_summarised_at_the_top_with_links_and_nothing_is_saved(client, secretaria, members):
    session = SessionFactory(scheduled_on=datetime.date(2023, 5, 4))
    client.force_login(secretaria)
    response = client.get(record_url(session))
    data = form_data(response, **{attendance_key(members[0]): "present", "_save": "Guardar"})
    response = client.post(record_url(session), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="errores"' in page and "autofocus" in page
    assert f'href="#id_{attendance_key(members[1])}_0"' in page
    assert f'id="id_{attendance_key(members[1])}_0"' in page
    assert not Attendance.objects.filter(session=session).exists()


def test_a_recording_from_a_stale_page_is_refused_and_keeps_the_input(client, consejero, members):
    session = held_session(members, present=1)
    client.force_login(consejero)
    response = client.get(record_url(session))
    data = form_data(response, **{attendance_key(members[1]): "excused", "acta-text": "Mi acta", "_save": "Guardar"})
    other = Session.objects.get(pk=session.pk)
    other.place = "Otra sala"
    other.save()  # someone else saved the session meanwhile
    response = client.post(record_url(session), data)
    assert response.status_code == 200
    assert response.context["stale"]
    assert not Minutes.objects.filter(session=session).exists()
    assert Attendance.objects.get(session=session, member=members[1]).status == "absent"
    assert response.context["recording"].minutes["text"].value() == "Mi acta"
    # Saving again, deliberately, from the page now shown goes through.
    data["version_sesion"] = response.context["recording"].loaded_version
    response = client.post(record_url(session), data)
    assert response.status_code == 302, (response.context["stale"], response.context["errors"])
    assert Minutes.objects.get(session=session).text == "Mi acta"


def test_secretariat_records_attendance_and_marks_the_session_held(client, secretaria, members):
    session = SessionFactory(scheduled_on=datetime.date(2023, 5, 4))
    client.force_login(secretaria)
    response = client.get(record_url(session))
    statuses = {attendance_key(m): "present" for m in members}
    response = client.post(record_url(session), form_data(response, **statuses, marcar_realizada="on", _save="1"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_held()
    assert session.quorum_rule == QuorumRule.objects.get(valid_from=None)


def test_council_member_cannot_record_attendance_or_minutes_before_the_session_is_held(client, consejero, members):
    session = SessionFactory(scheduled_on=datetime.date(2023, 5, 4))
    client.force_login(consejero)
    response = client.get(record_url(session))
    assert not response.context["recording"].can_record_attendance()
    assert not response.context["recording"].can_mark_held()
    data = {
        "version_sesion": session.version, attendance_key(members[0]): "present", "marcar_realizada": "on",
        "acta-text": "Acta", "_save": "1",
    }  # fmt: skip
    client.post(record_url(session), data)
    session.refresh_from_db()
    assert not session.is_held()
    assert not Attendance.objects.filter(session=session).exists()
    assert not Minutes.objects.filter(session=session).exists()


def test_council_member_cannot_change_the_agenda_from_the_recording_screen(client, consejero, members):
    session = held_session(members, present=2)
    client.force_login(consejero)
    response = client.get(record_url(session))
    assert not response.context["recording"].can_edit_agenda()
    data = form_data(response, **{"orden-TOTAL_FORMS": "1", "orden-INITIAL_FORMS": "0", "orden-0-order": "1"})
    data.update({"orden-0-title": "Punto colado", "_save": "1"})
    client.post(record_url(session), data)
    assert not session.agenda_items.exists()


@pytest.mark.parametrize("group", [EDITOR_GROUP, None])
def test_other_staff_cannot_open_or_post_the_recording_screen(client, members, group):
    session = held_session(members, present=2)
    client.force_login(staff_user("otro", group))
    assert client.get(record_url(session)).status_code == 403
    assert client.post(record_url(session), {attendance_key(members[0]): "absent"}).status_code == 403
    assert Attendance.objects.get(session=session, member=members[0]).status == "present"


def test_anonymous_visitors_are_sent_to_the_login(client, members):
    session = held_session(members, present=2)
    response = client.get(record_url(session))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_approved_minutes_are_read_only_with_a_link_to_record_an_erratum(client, consejero, members):
    session = held_session(members, present=2)
    later = held_session(members, present=3)
    minutes = MinutesFactory(session=session, text="Texto aprobado")
    minutes.approve(at=later, by=consejero)
    client.force_login(consejero)
    response = client.get(record_url(session))
    page = response.content.decode()
    assert 'name="acta-text"' not in page
    assert "Registrar fe de erratas" in page
    assert reverse("admin:council_minutes_change", args=[minutes.pk]) + "#errata-group" in page
    client.post(record_url(session), {"version_sesion": session.version, "acta-text": "Alterado", "_save": "1"})
    minutes.refresh_from_db()
    assert minutes.text == "Texto aprobado"


def test_the_recording_screen_is_linked_from_the_session_form_and_the_change_list(client, secretaria, members):
    session = held_session(members, present=2)
    client.force_login(secretaria)
    assert (
        record_url(session) in client.get(reverse("admin:council_session_change", args=[session.pk])).content.decode()
    )
    assert record_url(session) in client.get(reverse("admin:council_session_changelist")).content.decode()
