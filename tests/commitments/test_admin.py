import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.models import COORDINATION_GROUP, EDITOR_GROUP, Commitment, Evidence, Milestone, ProgressUpdate
from tests.commitments.factories import PDF_BYTES, EvidenceFactory, ProgressUpdateFactory, pdf_upload
from tests.factories import CommitmentFactory, MilestoneFactory, OrganizationFactory, staff_user

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/commitments/progressupdate/add/"
BULK_URL = "/admin/commitments/milestone/actualizacion-masiva/"


@pytest.fixture
def world():
    org_a, org_b = OrganizationFactory(acronym="ORGA"), OrganizationFactory(acronym="ORGB")
    commitment_a = CommitmentFactory(code="ECQTO0001", lead=org_a)
    commitment_b = CommitmentFactory(code="ECQTO0002", lead=org_b)
    return {
        "org_a": org_a,
        "org_b": org_b,
        "commitment_a": commitment_a,
        "commitment_b": commitment_b,
        "milestone_a": MilestoneFactory(commitment=commitment_a, order=1, title="Hito de A"),
        "milestone_b": MilestoneFactory(commitment=commitment_b, order=1, title="Hito de B"),
        "coordinator": staff_user("coordinacion", COORDINATION_GROUP),
        "editor_a": staff_user("editor_a", EDITOR_GROUP, org_a),
        "editor_b": staff_user("editor_b", EDITOR_GROUP, org_b),
    }


def login(client, user):
    client.force_login(user)
    return client


def form_data(response):
    """The POST data a browser would send back for an admin change form, from its bound fields."""
    data = {}

    def add(form, prefix=None):
        for name in form.fields:
            key = f"{prefix}-{name}" if prefix else name
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            elif hasattr(value, "pk"):
                value = value.pk
            data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, formset.prefix)
        for index, form in enumerate(formset.forms):
            add(form, f"{formset.prefix}-{index}")
    return data


def report_data(milestone, progress, **extra):
    return {
        "milestone": milestone.pk,
        "reported_on": datetime.date.today().isoformat(),
        "progress": progress,
        "status": "",
        "note": "Avance reportado",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-title": "",
        "evidence-0-url": "",
        "evidence-0-dated_on": datetime.date.today().isoformat(),
        "initial-evidence-0-dated_on": datetime.date.today().isoformat(),
        **extra,
    }


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get("/admin/commitments/milestone/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_editor_lists_only_their_institutions_milestones(client, world):
    content = login(client, world["editor_a"]).get("/admin/commitments/milestone/").content.decode()
    assert "Hito de A" in content
    assert "Hito de B" not in content


def test_editor_cannot_reach_other_institutions_milestone(client, world):
    login(client, world["editor_a"])
    url = f"/admin/commitments/milestone/{world['milestone_b'].pk}/change/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"revised_due_on": "2024-01-01"}).status_code == 403
    assert client.get(f"/admin/commitments/milestone/{world['milestone_b'].pk}/history/").status_code == 403
    world["milestone_b"].refresh_from_db()
    assert world["milestone_b"].revised_due_on is None


def test_editor_of_a_co_responsible_organization_may_edit(client, world):
    world["commitment_b"].co_responsible.add(world["org_a"])
    response = login(client, world["editor_a"]).get(f"/admin/commitments/milestone/{world['milestone_b'].pk}/change/")
    assert response.status_code == 200


def test_editor_revises_a_due_date_but_not_the_planned_one(client, world):
    login(client, world["editor_a"])
    url = f"/admin/commitments/milestone/{world['milestone_a'].pk}/change/"
    data = form_data(client.get(url))
    data.update({"revised_due_on": "2023-09-30", "due_on": "2030-01-01", "commitment": world["commitment_b"].pk})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    milestone = Milestone.objects.get(pk=world["milestone_a"].pk)
    assert milestone.revised_due_on == datetime.date(2023, 9, 30)
    assert milestone.due_on == datetime.date(2023, 6, 30)
    assert milestone.commitment == world["commitment_a"]
    history = milestone.history.first()
    assert history.history_user == world["editor_a"]


def test_editor_cannot_add_milestones_nor_change_plans_commitments_or_organizations(client, world):
    login(client, world["editor_a"])
    assert client.get("/admin/commitments/milestone/add/").status_code == 403
    commitment_url = f"/admin/commitments/commitment/{world['commitment_a'].pk}/change/"
    assert client.get(commitment_url).status_code == 200  # view only
    assert client.post(commitment_url, {"title": "Cambiado"}).status_code == 403
    assert client.get(f"/admin/commitments/commitment/{world['commitment_b'].pk}/change/").status_code == 403
    plan_url = f"/admin/commitments/actionplan/{world['commitment_a'].plan.pk}/change/"
    assert client.post(plan_url, {"title": "Cambiado"}).status_code == 403
    assert client.post(f"/admin/commitments/organization/{world['org_a'].pk}/change/", {}).status_code == 403
    assert client.get("/admin/commitments/commitment/add/").status_code == 403
    assert Commitment.objects.get(pk=world["commitment_a"].pk).title != "Cambiado"
    content = client.get("/admin/commitments/commitment/").content.decode()
    assert "ECQTO0001" in content and "ECQTO0002" not in content


def test_coordination_changes_everything(client, world):
    login(client, world["coordinator"])
    content = client.get("/admin/commitments/milestone/").content.decode()
    assert "Hito de A" in content and "Hito de B" in content
    url = f"/admin/commitments/commitment/{world['commitment_b'].pk}/change/"
    data = form_data(client.get(url))
    data["title"] = "Título corregido por la coordinación"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Commitment.objects.get(pk=world["commitment_b"].pk).title == "Título corregido por la coordinación"
    assert client.get("/admin/commitments/milestone/add/").status_code == 200


def test_editor_reports_progress_with_evidence_in_one_form(client, world):
    login(client, world["editor_a"])
    milestone = world["milestone_a"]
    response = client.get(f"{REPORT_URL}?milestone={milestone.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form["milestone"].value() == str(milestone.pk)
    data = report_data(milestone, 60, **{"evidence-0-title": "Acta del taller", "evidence-0-file": pdf_upload()})
    response = client.post(REPORT_URL, data)
    assert response.status_code == 302
    assert (
        response["Location"].endswith(milestone.get_absolute_url().split("/", 1)[1])
        or "#hito-1" in response["Location"]
    )
    update = ProgressUpdate.objects.get()
    assert update.author == world["editor_a"]
    assert update.evidence.get().title == "Acta del taller"
    milestone.refresh_from_db()
    assert milestone.progress == 60


def test_reporting_complete_without_evidence_is_refused_with_a_clear_message(client, world):
    login(client, world["editor_a"])
    response = client.post(REPORT_URL, report_data(world["milestone_a"], 100))
    assert response.status_code == 200
    assert "Adjunta al menos una evidencia" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_reporting_complete_with_a_link_as_evidence(client, world):
    login(client, world["editor_a"])
    data = report_data(
        world["milestone_a"], 100, **{"evidence-0-title": "Publicación", "evidence-0-url": "https://quito.gob.ec/x"}
    )
    assert client.post(REPORT_URL, data).status_code == 302
    world["milestone_a"].refresh_from_db()
    assert world["milestone_a"].status == Milestone.Status.COMPLETE


def test_editor_cannot_report_on_another_institutions_milestone_by_direct_post(client, world):
    login(client, world["editor_a"])
    response = client.post(REPORT_URL, report_data(world["milestone_b"], 50))
    assert response.status_code == 200
    assert "milestone" in response.context["adminform"].form.errors
    assert not ProgressUpdate.objects.exists()
    response = client.get(f"{REPORT_URL}?milestone={world['milestone_b'].pk}")
    assert response.context["adminform"].form["milestone"].value() == str(world["milestone_b"].pk)
    assert "Hito de B" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programa.exe", b"MZ\x90\x00", "No se aceptan archivos de este tipo"),
        ("informe.pdf.exe", b"%PDF-1.4", "No se aceptan archivos de este tipo"),
        ("informe.exe.pdf", b"MZ\x90\x00 not a pdf", "no corresponde a su extensión"),
        ("foto.png", b"%PDF-1.4 a pdf named png", "no corresponde a su extensión"),
        ("vacio.pdf", b"", "El archivo está vacío"),
    ],
)
def test_evidence_uploads_are_validated(client, world, name, content, message):
    login(client, world["editor_a"])
    upload = SimpleUploadedFile(name, content)
    data = report_data(world["milestone_a"], 40, **{"evidence-0-title": "Archivo", "evidence-0-file": upload})
    response = client.post(REPORT_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()


def test_oversized_evidence_is_refused(client, world, monkeypatch):
    monkeypatch.setattr("commitments.validators.MAX_EVIDENCE_BYTES", len(PDF_BYTES) - 1)
    login(client, world["editor_a"])
    data = report_data(world["milestone_a"], 40, **{"evidence-0-title": "Grande", "evidence-0-file": pdf_upload()})
    response = client.post(REPORT_URL, data)
    assert "El archivo pesa más de 20 MB" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_progress_updates_are_append_only_and_scoped(client, world):
    update = ProgressUpdateFactory(milestone=world["milestone_b"])
    login(client, world["editor_b"])
    url = f"/admin/commitments/progressupdate/{update.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"progress": 90}).status_code == 403
    login(client, world["editor_a"])
    assert client.get(url).status_code == 403
    assert "Hito de B" not in client.get("/admin/commitments/progressupdate/").content.decode()


def test_evidence_list_is_scoped(client, world):
    evidence = EvidenceFactory(update=ProgressUpdateFactory(milestone=world["milestone_b"]), title="Informe de B")
    login(client, world["editor_a"])
    assert "Informe de B" not in client.get("/admin/commitments/evidence/").content.decode()
    assert client.get(f"/admin/commitments/evidence/{evidence.pk}/change/").status_code == 403


def test_milestone_page_links_to_the_report_form(client, world):
    content = (
        login(client, world["editor_a"])
        .get(f"/admin/commitments/milestone/{world['milestone_a'].pk}/change/")
        .content.decode()
    )
    assert f"{REPORT_URL}?milestone={world['milestone_a'].pk}" in content


def test_milestone_list_shows_delay_and_filters(client, world):
    login(client, world["coordinator"])
    content = client.get("/admin/commitments/milestone/?delayed=yes").content.decode()
    assert "Hito de A" in content  # due in 2023, not complete
    assert "días" in content
    assert "Hito de A" in client.get("/admin/commitments/milestone/?q=ECQTO0001").content.decode()


def csv_upload(text, name="avances.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_bulk_update_previews_then_saves_every_row(client, world):
    second = MilestoneFactory(commitment=world["commitment_a"], order=2, title="Segundo hito")
    login(client, world["editor_a"])
    text = "code,order,progress,status,note\nECQTO0001,1,30,,Primer avance\nECQTO0001,2,50,in_progress,Mitad\n"
    response = client.post(BULK_URL, {"file": csv_upload(text)})
    assert response.status_code == 200
    assert "Guardar 2 reportes" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    response = client.post(BULK_URL, {"csv_text": text, "confirm": "on"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.progress == 50
    assert ProgressUpdate.objects.filter(author=world["editor_a"]).count() == 2


def test_bulk_update_saves_nothing_when_a_row_fails(client, world):
    login(client, world["editor_a"])
    text = (
        "código;hito;avance;estado;nota\n"
        "ECQTO0001;1;30;;bien\n"
        "ECQTO0002;1;40;;de otra institución\n"
        "ECQTO0001;1;100;;sin evidencia\n"
        "ECQTO0001;3;abc;;\n"
    )
    response = client.post(BULK_URL, {"csv_text": text, "confirm": "on"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "No se guardó nada" in content
    assert "No hay un hito 1 en el compromiso ECQTO0002 que puedas actualizar" in content
    assert "Adjunta al menos una evidencia" in content
    assert "número entero entre 0 y 100" in content
    assert "Este hito aparece dos veces en el archivo" in content
    assert not ProgressUpdate.objects.exists()


def test_bulk_update_rejects_a_file_without_the_right_columns(client, world):
    login(client, world["editor_a"])
    response = client.post(BULK_URL, {"file": csv_upload("a,b\n1,2\n")})
    assert "faltan: code, order, progress" in response.content.decode()


def test_bulk_update_needs_the_reporting_permission(client, world):
    viewer = staff_user("solo_lectura")
    assert login(client, viewer).get(BULK_URL).status_code == 403
    assert (
        client.post(BULK_URL, {"csv_text": "code,order,progress\nECQTO0001,1,10\n", "confirm": "on"}).status_code == 403
    )


def test_user_admin_links_staff_to_an_organization(admin_client, world):
    content = admin_client.get(f"/admin/auth/user/{world['editor_a'].pk}/change/").content.decode()
    assert "perfil institucional" in content.lower()
    assert get_user_model().objects.get(username="editor_a").staff_profile.organization == world["org_a"]
