import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from commitments.models import Evidence
from tests.factories import CommitmentFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% acta de la sesion\n"


@pytest.fixture
def plan_with_evidence():
    commitment = CommitmentFactory(code="ECQTO0005")
    milestone = MilestoneFactory(commitment=commitment, order=2, title="Portal actualizado")
    milestone.report(
        progress=100,
        note="Portal publicado",
        evidence=[
            Evidence(title="Informe de publicación", file=SimpleUploadedFile("informe.pdf", PDF)),
            Evidence(title="Portal en línea", url="https://gobiernoabierto.quito.gob.ec/"),
        ],
    )
    return commitment.plan


def test_repository_zip_has_a_folder_per_commitment_and_a_dated_index(client, plan_with_evidence):
    url = f"/datos/repositorio/{plan_with_evidence.slug}/"
    assert client.get(url).status_code == 503  # being prepared (here the immediate task backend builds it)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    root = names[0].split("/")[0]
    assert root.startswith(f"repositorio-{plan_with_evidence.slug}-")
    evidence_files = [name for name in names if name.startswith(f"{root}/ECQTO0005/")]
    assert len(evidence_files) == 1
    assert archive.read(evidence_files[0]) == PDF
    index = list(csv.DictReader(io.StringIO(archive.read(f"{root}/indice.csv").decode("utf-8-sig"))))
    kinds = [row["kind"] for row in index]
    assert kinds == ["reporte de avance", "evidencia", "evidencia"]
    assert index[2]["document"] == "https://gobiernoabierto.quito.gob.ec/"
    assert "Portal publicado" in archive.read(f"{root}/indice.html").decode()


def test_repository_of_an_unknown_plan_is_not_found(client):
    assert client.get("/datos/repositorio/no-existe/").status_code == 404


def test_export_repository_command_writes_the_same_tree(tmp_path, plan_with_evidence):
    target = tmp_path / "export"
    call_command("export_repository", plan_with_evidence.slug, str(target))
    (root,) = target.iterdir()
    assert (root / "indice.csv").exists()
    assert (root / "indice.html").exists()
    assert len(list((root / "ECQTO0005").iterdir())) == 1
