"""The published datasets: one entry per resource, shared by /datos/, its downloads and the API."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf

from commitments.models import ActionPlan, Commitment, Evidence, Milestone, Organization, ProgressUpdate
from council.models import Agreement, Attendance, CouncilMember, MilestoneReview, Session
from opendata import serializers
from opendata.spreadsheets import SafeWriter
from proposals.models import Proposal

LICENCE = settings.OPEN_DATA_LICENCE["name"]
LICENCE_URL = settings.OPEN_DATA_LICENCE["url"]
CHUNK = 1000

FIELD_TYPES = [
    (serializers.SourceField, _("list of addresses (URL)")),
    (drf.BooleanField, _("boolean")),
    (drf.IntegerField, _("integer")),
    (drf.DecimalField, _("decimal number")),
    (drf.DateTimeField, _("date and time (ISO 8601)")),
    (drf.DateField, _("date (ISO 8601)")),
    (drf.URLField, _("address (URL)")),
    (drf.HyperlinkedIdentityField, _("address (URL)")),
    (drf.HyperlinkedRelatedField, _("address (URL)")),
    (serializers.PageField, _("address (URL)")),
    (drf.ManyRelatedField, _("list of identifiers")),
    (drf.PrimaryKeyRelatedField, _("integer")),
]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    basename: str
    title: Promise
    description: Promise
    serializer: type
    queryset: Callable[[], QuerySet]
    updated_field: str | None = None
    lookup_field: str = "pk"
    filterset_fields: dict = field(default_factory=dict)

    def columns(self):
        result = []
        for name, serializer_field in self.serializer().fields.items():
            kind = next((label for cls, label in FIELD_TYPES if isinstance(serializer_field, cls)), _("text"))
            result.append(Column(name, kind, serializer_field.help_text or ""))
        return result

    def rows(self, request):
        """Yield each record as the API would give it, reading the database in chunks."""
        serializer = self.serializer(context={"request": request})
        for instance in self.queryset().iterator(chunk_size=CHUNK):
            yield serializer.to_representation(instance)

    def sample(self, request, count):
        """The first `count` records, as the API gives them."""
        serializer = self.serializer(context={"request": request})
        return [serializer.to_representation(instance) for instance in self.queryset()[:count]]

    def csv_lines(self, request):
        """Yield the CSV file: UTF-8 with a BOM, so spreadsheets read accents right, and no cell a formula."""
        buffer = _Line()
        writer = SafeWriter(buffer)
        fields = self.serializer().fields
        separators = {name: getattr(field, "csv_separator", "; ") for name, field in fields.items()}
        yield "\ufeff" + writer.writerow(list(fields))
        for row in self.rows(request):
            yield writer.writerow([_flat(row[name], separator) for name, separator in separators.items()])

    def json_chunks(self, request):
        yield "["
        for index, row in enumerate(self.rows(request)):
            yield ("," if index else "") + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
        yield "]\n"


class _Line:
    def write(self, value):
        return value


def _flat(value, separator):
    """A cell of the CSV file: unknown (null) is an empty cell, never 0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return separator.join(str(item) for item in value)
    return value


def last_updated(datasets):
    """The latest change of each dataset that records one, in one query per such dataset."""
    return {
        dataset.slug: dataset.queryset().model.objects.aggregate(latest=Max(dataset.updated_field))["latest"]
        for dataset in datasets
        if dataset.updated_field
    }


DATASETS = [
    Dataset(
        "instituciones",
        "organization",
        _("Organizations"),
        _("Municipal secretariats, universities and civil-society organisations that take part in the plans."),
        serializers.OrganizationSerializer,
        lambda: Organization.objects.order_by("name"),
        lookup_field="slug",
        filterset_fields={"kind": ["exact"], "is_demo": ["exact"]},
    ),
    Dataset(
        "planes",
        "plan",
        _("Action plans"),
        _("Quito's open-government action plans, with their overall progress."),
        serializers.ActionPlanSerializer,
        lambda: ActionPlan.objects.with_progress().order_by("number"),
        lookup_field="slug",
        filterset_fields={"is_demo": ["exact"]},
    ),
    Dataset(
        "compromisos",
        "commitment",
        _("Commitments"),
        _("Every commitment with its texts, institutions, OGP values, progress, status and assessments."),
        serializers.CommitmentSerializer,
        lambda: (
            Commitment.objects.published()
            .select_related("plan", "lead")
            .prefetch_related("co_responsible", "ogp_values")
            .with_progress_summary()
            .order_by("code")
        ),
        lookup_field="code",
        filterset_fields={
            "plan__slug": ["exact"],
            "lead__slug": ["exact"],
            "ogp_values__key": ["exact"],
            "is_demo": ["exact"],
        },
    ),
    Dataset(
        "hitos",
        "milestone",
        _("Milestones"),
        _("The stages of every roadmap with planned and revised dates, current progress and delay."),
        serializers.MilestoneSerializer,
        lambda: Milestone.objects.select_related("commitment", "responsible").order_by("commitment__code", "order"),
        updated_field="last_reported_on",
        filterset_fields={
            "commitment__code": ["exact"],
            "responsible__slug": ["exact"],
            "status": ["exact"],
            "is_demo": ["exact"],
        },
    ),
    Dataset(
        "avances",
        "progressupdate",
        _("Progress reports"),
        _("Every dated progress report on a milestone, newest first."),
        serializers.ProgressUpdateSerializer,
        lambda: ProgressUpdate.objects.select_related("milestone__commitment").order_by("-reported_on", "-pk"),
        updated_field="created_at",
        filterset_fields={
            "milestone__id": ["exact"],
            "milestone__commitment__code": ["exact"],
            "status": ["exact"],
            "milestone__is_demo": ["exact"],
        },
    ),
    Dataset(
        "evidencias",
        "evidence",
        _("Evidence"),
        _("Documents and links that prove reported progress: metadata and address of each."),
        serializers.EvidenceSerializer,
        lambda: Evidence.objects.select_related("update__milestone__commitment").order_by("-dated_on", "-pk"),
        updated_field="created_at",
        filterset_fields={"update__milestone__commitment__code": ["exact"], "update__milestone__is_demo": ["exact"]},
    ),
]
DATASETS += [
    Dataset(
        "consejeros",
        "councilmember",
        _("Council members"),
        _("Members of the Open Government Advisory Council, by sector, with their organization and term."),
        serializers.CouncilMemberSerializer,
        lambda: CouncilMember.objects.select_related("organization").order_by("sector", "role", "name", "pk"),
        filterset_fields={
            "sector": ["exact"],
            "role": ["exact"],
            "organization__slug": ["exact"],
            "is_demo": ["exact"],
        },
    ),
    Dataset(
        "sesiones",
        "session",
        _("Council sessions"),
        _("Every session of the advisory council, with its status and the quorum reached."),
        serializers.SessionSerializer,
        lambda: Session.objects.with_quorum().order_by("-scheduled_on", "-number"),
        lookup_field="number",
        filterset_fields={
            "status": ["exact"],
            "kind": ["exact"],
            "scheduled_on": ["gte", "lte"],
            "is_demo": ["exact"],
        },
    ),
    Dataset(
        "asistencia",
        "attendance",
        _("Attendance"),
        _("Who attended each council session: present, absent, excused or represented by the alternate."),
        serializers.AttendanceSerializer,
        lambda: Attendance.objects.select_related("session", "member").order_by("-session__number", "member_id"),
        filterset_fields={
            "session__number": ["exact"],
            "member__id": ["exact"],
            "status": ["exact"],
            "session__is_demo": ["exact"],
        },
    ),
    Dataset(
        "acuerdos",
        "agreement",
        _("Agreements"),
        _("The council's agreements with who must carry them out, their due date and their follow-up."),
        serializers.AgreementSerializer,
        lambda: Agreement.objects.select_related("session", "responsible_organization", "responsible_member").order_by(
            "-session__number", "number"
        ),
        filterset_fields={"session__number": ["exact"], "status": ["exact"], "session__is_demo": ["exact"]},
    ),
    Dataset(
        "verificaciones",
        "milestonereview",
        _("Council verifications"),
        _("The council's verdict on the progress reported for each milestone, at held sessions."),
        serializers.MilestoneReviewSerializer,
        lambda: (
            MilestoneReview.objects.public()
            .select_related("session", "milestone__commitment")
            .order_by("-session__number", "milestone_id")
        ),
        filterset_fields={
            "milestone__commitment__code": ["exact"],
            "outcome": ["exact"],
            "session__number": ["exact"],
            "session__is_demo": ["exact"],
        },
    ),
    Dataset(
        "propuestas",
        "proposal",
        _("Citizen proposals"),
        _("Proposals sent by citizens, with their status and the municipality's response. Never personal data."),
        serializers.ProposalSerializer,
        lambda: (
            Proposal.objects.visible_to(None)
            .select_related("zone", "parish", "duplicate_of")
            .prefetch_related("commitments")
            .order_by("-created_at", "-pk")
        ),
        updated_field="created_at",
        lookup_field="code",
        filterset_fields={
            "status": ["exact"],
            "topic": ["exact"],
            "zone__slug": ["exact"],
            "call__id": ["exact"],
            "is_demo": ["exact"],
        },
    ),
]
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
