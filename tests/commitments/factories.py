"""Factories for progress updates and evidence; plans, commitments and milestones are in tests/factories.py."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.models import Evidence, ProgressUpdate
from tests.factories import MilestoneFactory

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def pdf_upload(name="informe.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    milestone = factory.SubFactory(MilestoneFactory)
    progress = 40
    note = "Avance según el cronograma."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    update = factory.SubFactory(ProgressUpdateFactory)
    title = "Informe de avance"
    file = factory.LazyFunction(pdf_upload)
