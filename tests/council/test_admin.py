import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP
from council.models import (
    COUNCIL_GROUP,
    SECRETARIAT_GROUP,
    AgendaItem,
    Agreement,
    Attendance,
    Erratum,
    MilestoneReview,
    Minutes,
    Session,
    role_codenames,
)
from tests.council.factories import AgreementFactory, CouncilMemberFactory, MinutesFactory, SessionFactory, held_session
from tests.factories import MilestoneFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


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


def change_url(obj):
    return reverse(f"admin:council_{obj._meta.model_name}_change", args=[obj.pk])


def value(bound):
    data = bound.value()
    if data is True:
        return "on"
    return None if data in (None, False, "") else data


def changeform_data(response):
    """The POST data a browser would send back from an admin change form, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        if value(form[name]) is not None:
            data[name] = value(form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        for inline_form in formset.forms:
            for name in inline_form.fields:
                if value(inline_form[name]) is not None:
                    data[inline_form.add_prefix(name)] = value(inline_form[name])
    return data


def test_the_migration_creates_both_groups_with_council_permissions_and_read_only_roadmaps():
    for name in (SECRETARIAT_GROUP, COUNCIL_GROUP):
        permissions = Group.objects.get(name=name).permissions
        outside = set(permissions.exclude(content_type__app_label="council").values_list("codename", flat=True))
        assert outside == {"view_commitment", "view_milestone", "view_replanning"}  # the ledger, to pick a change
    council = set(Group.objects.get(name=COUNCIL_GROUP).permissions.values_list("codename", flat=True))
    assert "approve_minutes" in council and "publish_minutes" not in council and "add_session" not in council
    assert council - {"view_commitment", "view_milestone", "view_replanning"} == set(role_codenames(COUNCIL_GROUP))


def test_secretariat_convenes_a_session_whose_agenda_follows_up_open_agreements(client, secretaria, members):
    open_agreement = AgreementFactory(session=held_session(members, present=3, number=1))
    client.force_login(secretaria)
    data = changeform_data(client.get(reverse("admin:council_session_add")))
    data.update(number="2", kind="ordinary", scheduled_on="2023-06-15", starts_at="10:00", place="Sala 2")
    response = client.post(reverse("admin:council_session_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get(number=2)
    assert session.status == Session.Status.CONVENED
    item = session.agenda_items.get(kind=AgendaItem.Kind.FOLLOW_UP)
    assert list(item.agreements.all()) == [open_agreement]
    assert session.history.first().history_user == secretaria


def test_secretariat_marks_a_session_held_only_with_attendance(client, secretaria, members):
    empty, recorded = SessionFactory(), SessionFactory()
    Attendance.objects.create(session=recorded, member=members[0], status="present")
    client.force_login(secretaria)
    changelist = reverse("admin:council_session_changelist")
    for session in (empty, recorded):
        client.post(changelist, {"action": "mark_held", "_selected_action": [session.pk]})
    empty.refresh_from_db()
    recorded.refresh_from_db()
    assert (empty.status, recorded.status) == (Session.Status.CONVENED, Session.Status.HELD)


def test_council_member_cannot_convene_or_run_session_actions(client, consejero, members):
    session = SessionFactory()
    Attendance.objects.create(session=session, member=members[0], status="present")
    client.force_login(consejero)
    assert client.get(reverse("admin:council_session_add")).status_code == 403
    client.post(reverse("admin:council_session_changelist"), {"action": "mark_held", "_selected_action": [session.pk]})
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED


def test_council_member_cannot_change_the_session_itself(client, consejero, members):
    session = held_session(members, present=3, place="Sala 1")
    client.force_login(consejero)
    data = changeform_data(client.get(change_url(session)))
    data.update(number="99", place="Otro lugar", status="suspended")
    client.post(change_url(session), data)
    session.refresh_from_db()
    assert (session.number, session.place, session.status) != (99, "Otro lugar", "suspended")
    assert session.place == "Sala 1"


def test_council_member_records_milestone_reviews_in_the_session_form(client, consejero, members):
    session = held_session(members[:1], present=1, scheduled_on=datetime.date(2023, 5, 10))
    milestone = MilestoneFactory()
    update = milestone.report(progress=30, reported_on=datetime.date(2023, 5, 1))
    client.force_login(consejero)
    response = client.get(change_url(session))
    # Attendance, agreements and minutes live on the recording screen, not in per-row selects here.
    assert {inline.formset.prefix for inline in response.context["inline_admin_formsets"]} == {
        "agenda_items",
        "reviews",
    }
    data = changeform_data(response)
    data.update({"reviews-TOTAL_FORMS": 1, "reviews-0-milestone": milestone.pk, "reviews-0-outcome": "verified"})
    response = client.post(change_url(session), data)
    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"]]
    assert MilestoneReview.objects.get(session=session).update == update


def test_council_member_cannot_record_minutes_of_a_session_not_held(client, consejero):
    session = SessionFactory()
    client.force_login(consejero)
    data = changeform_data(client.get(change_url(session)))
    data.update({"minutes-TOTAL_FORMS": 1, "minutes-INITIAL_FORMS": 0, "minutes-0-text": "Acta"})
    data.update({"agreements-TOTAL_FORMS": 1, "agreements-INITIAL_FORMS": 0, "agreements-0-text": "x"})
    client.post(change_url(session), data)
    assert not Minutes.objects.exists() and not Agreement.objects.exists()


def test_held_session_keeps_its_attendance(client, secretaria, members):
    session = held_session(members[:1], present=1)
    client.force_login(secretaria)
    record = reverse("admin:council_session_record", args=[session.pk])
    # Every member in office needs a status: a row cannot be emptied.
    response = client.post(record, {"version_sesion": session.version, "_save": "1"})
    assert response.status_code == 200 and response.context["errors"]
    assert session.attendances.count() == 1


def approved_minutes(members):
    minutes = MinutesFactory(session=held_session(members, present=3), text="Texto aprobado")
    minutes.approve(at=held_session(members, present=3), by=None)
    return Minutes.objects.get(pk=minutes.pk)


@pytest.mark.parametrize("role", ["secretaria", "consejero"])
def test_approved_minutes_are_read_only_in_the_admin_even_to_direct_posts(client, request, members, role):
    minutes = approved_minutes(members)
    client.force_login(request.getfixturevalue(role))
    client.post(change_url(minutes), {"text": "Texto alterado", "errata-TOTAL_FORMS": 0, "errata-INITIAL_FORMS": 0})
    data = changeform_data(client.get(change_url(minutes.session)))
    data.update({"minutes-TOTAL_FORMS": 1, "minutes-INITIAL_FORMS": 1, "minutes-0-id": minutes.pk,
                 "minutes-0-session": minutes.session_id, "minutes-0-text": "Texto alterado"})  # fmt: skip
    client.post(change_url(minutes.session), data)
    minutes.refresh_from_db()
    assert minutes.text == "Texto aprobado"


def test_secretariat_corrects_approved_minutes_by_erratum(client, secretaria, members):
    minutes = approved_minutes(members)
    client.force_login(secretaria)
    data = changeform_data(client.get(change_url(minutes)))
    data.update({"errata-TOTAL_FORMS": 1, "errata-0-text": "Donde dice 3, debe decir 4.",
                 "errata-0-recorded_on": "2023-07-01"})  # fmt: skip
    assert client.post(change_url(minutes), data).status_code == 302
    erratum = Erratum.objects.get()
    assert (erratum.minutes, erratum.author) == (minutes, secretaria)


@pytest.mark.parametrize("role", ["secretaria", "consejero"])
def test_secretariat_and_council_members_approve_minutes_at_a_later_session(client, request, members, role):
    minutes = MinutesFactory(session=held_session(members, present=3))
    later = held_session(members, present=3)
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("admin:council_minutes_approve", args=[minutes.pk])
    assert client.post(url, {"at": later.pk}).status_code == 302
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_at, minutes.approved_by) == ("approved", later, user)


def test_approval_at_a_session_without_quorum_shows_the_reason(client, secretaria, members):
    minutes = MinutesFactory(session=held_session(members, present=3))
    later = held_session(members, present=1)
    client.force_login(secretaria)
    response = client.post(reverse("admin:council_minutes_approve", args=[minutes.pk]), {"at": later.pk})
    assert response.status_code == 200
    assert f"La sesión {later.number} no tuvo quórum" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT


def test_only_the_secretariat_publishes_minutes(client, secretaria, consejero, members):
    minutes = approved_minutes(members)
    url = reverse("admin:council_minutes_publish", args=[minutes.pk])
    client.force_login(consejero)
    assert client.post(url).status_code == 403
    client.post(
        reverse("admin:council_minutes_changelist"), {"action": "publish_selected", "_selected_action": [minutes.pk]}
    )
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED
    client.force_login(secretaria)
    pdf = SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"signed_pdf": pdf}).status_code == 302
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED and minutes.signed_pdf.name.endswith(".pdf")
    response = client.get(reverse("council:minutes-download", kwargs={"number": minutes.session.number}))
    assert response["Content-Type"] == "application/pdf"


def test_the_signed_minutes_must_be_a_real_pdf(client, secretaria, members):
    minutes = approved_minutes(members)
    client.force_login(secretaria)
    fake = SimpleUploadedFile("acta.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(reverse("admin:council_minutes_publish", args=[minutes.pk]), {"signed_pdf": fake})
    assert response.status_code == 200
    assert "no corresponde a su extensión" in response.content.decode() or response.context["form"].errors
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED


@pytest.mark.parametrize("group", [EDITOR_GROUP, COORDINATION_GROUP])
def test_commitments_staff_and_anonymous_users_reach_nothing_of_the_council(client, members, group):
    minutes = MinutesFactory(session=held_session(members, present=3))
    approve = reverse("admin:council_minutes_approve", args=[minutes.pk])
    assert client.post(approve, {"at": minutes.session.pk}).status_code == 302  # to the login page
    client.force_login(staff_user("staff", group, OrganizationFactory()))
    assert client.get(reverse("admin:council_session_changelist")).status_code == 403
    assert client.get(change_url(minutes.session)).status_code == 403
    assert client.post(approve, {"at": minutes.session.pk}).status_code == 403
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.DRAFT


def test_council_member_cannot_touch_commitments(consejero):
    # Reading the public roadmaps and the re-planning ledger (to pick a milestone or a change by search) is all they
    # may do there.
    commitments = {perm for perm in consejero.get_all_permissions() if perm.startswith("commitments.")}
    assert commitments == {"commitments.view_commitment", "commitments.view_milestone", "commitments.view_replanning"}


def test_every_change_is_kept_in_history(client, secretaria, members):
    agreement = AgreementFactory(session=held_session(members, present=3))
    client.force_login(secretaria)
    data = changeform_data(client.get(change_url(agreement)))
    data["status"] = "done"
    client.post(change_url(agreement), data)
    latest = agreement.history.first()
    assert (latest.status, latest.history_user) == ("done", secretaria)


def test_attendance_recorded_in_the_session_screen_is_kept_in_history(client, secretaria, members):
    session = held_session(members[:1], present=1)
    client.force_login(secretaria)
    record = reverse("admin:council_session_record", args=[session.pk])
    data = {
        "version_sesion": session.version,
        "_save": "1",
        **{f"asistencia-miembro_{m.pk}": "absent" for m in members},
    }
    data[f"asistencia-miembro_{members[0].pk}"] = "excused"
    assert client.post(record, data).status_code == 302
    latest = Attendance.objects.get(session=session, member=members[0]).history.first()
    assert (latest.status, latest.history_user, latest.history_type) == ("excused", secretaria, "~")


def test_a_held_session_cannot_be_deleted_but_a_convocation_can(client, secretaria, members):
    held, convened = held_session(members, present=3), SessionFactory()
    client.force_login(secretaria)
    delete = lambda session: reverse("admin:council_session_delete", args=[session.pk])  # noqa: E731
    assert client.post(delete(held), {"post": "yes"}).status_code == 403
    assert client.post(delete(convened), {"post": "yes"}).status_code == 302
    assert list(Session.objects.all()) == [held]
