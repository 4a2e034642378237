"""The published datasets: one entry per resource, shared by /datos/, its downloads and the API."""

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import IntegerField, Max, Prefetch, QuerySet, Value
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf

from commitments.models import (
    ActionPlan,
    CocreationRequirement,
    Commitment,
    Evidence,
    Milestone,
    Organization,
    ProgressUpdate,
    Replanning,
)
from council.models import Agreement, Attendance, CouncilMember, MilestoneReview, ReplanApproval, Session
from opendata import participation, serializers
from opendata.representation import prefetched, related_value
from opendata.spreadsheets import SafeWriter
from proposals.models import Proposal

LICENCE = settings.OPEN_DATA_LICENCE["name"]
LICENCE_URL = settings.OPEN_DATA_LICENCE["url"]
CHUNK = 1000
COMMITMENT_COLUMNS = [
    field.name for field in Commitment._meta.concrete_fields if field.name not in Commitment.UNSHOWN_FIELDS
]

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
    # The row's last-change timestamp (auto_now `updated_at`, or `created_at` for append-only rows): the dataset's
    # "last update" is the newest of them, never the request time. Deletions count too where the model keeps its
    # history (django-simple-history records a deletion with its date). `changes_with` names the other
    # (model label, field) whose changes change this dataset's rows (a plan's progress is its commitments').
    updated_field: str | None = "updated_at"
    changes_with: tuple = ()
    # None: a table of counts, listed but without records of their own (no detail address in the API).
    lookup_field: str | None = "pk"
    filterset_fields: dict = field(default_factory=dict)

    def columns(self):
        return serializer_columns(self.serializer, get_language())

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


@functools.cache
def serializer_columns(serializer, language):
    """The documentation of a serializer's columns in `language`: built once per process and language."""
    with translation.override(language):
        result = []
        for name, serializer_field in serializer().fields.items():
            kind = next((label for cls, label in FIELD_TYPES if isinstance(serializer_field, cls)), _("text"))
            result.append(Column(name, str(kind), str(serializer_field.help_text or "")))
        return tuple(result)


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


def _sources(dataset):
    """The (model, field, deletions only) whose newest value is a change of the dataset's rows."""
    pairs = [(dataset.queryset().model, dataset.updated_field)]
    pairs += [(apps.get_model(label), name) for label, name in dataset.changes_with]
    sources = []
    for model, name in pairs:
        sources.append((model, name, False))
        history = getattr(model, "history", None)
        if history is not None:  # django-simple-history records a deletion with its date
            sources.append((history.model, "history_date", True))
    return sources


def last_updated(datasets):
    """The latest change of each dataset (`Dataset.updated_field`, deletions, `changes_with`), None when nothing
    records one: in one query whatever the number of datasets and rows (a UNION ALL of one MAX per source)."""
    datasets = [dataset for dataset in datasets if dataset.updated_field]
    sources = list(dict.fromkeys(source for dataset in datasets for source in _sources(dataset)))
    if not sources:
        return {}
    parts = [
        model.objects.filter(**({"history_type": "-"} if deletions else {}))
        .order_by()
        .annotate(source=Value(index, IntegerField()))
        .values("source")
        .annotate(latest=Max(name))
        .values_list("source", "latest")
        for index, (model, name, deletions) in enumerate(sources)
    ]
    latest = {sources[index]: moment for index, moment in parts[0].union(*parts[1:], all=True).order_by()}
    result = {}
    for dataset in datasets:
        moments = [latest[source] for source in _sources(dataset) if latest[source] is not None]
        result[dataset.slug] = max(moments, default=None)
    return result


DATASETS = [
    Dataset(
        "instituciones",
        "organization",
        _("Organizations"),
        _("Municipal secretariats, universities and civil-society organisations that take part in the plans."),
        serializers.OrganizationSerializer,
        lambda: Organization.objects.visible_to(None).order_by("name"),
        lookup_field="slug",
        filterset_fields={"kind": ["exact"], "is_demo": ["exact"]},
    ),
    Dataset(
        "planes",
        "plan",
        _("Action plans"),
        _("Quito's open-government action plans, with their overall progress."),
        serializers.ActionPlanSerializer,
        lambda: ActionPlan.objects.visible_to(None).order_by("number"),
        changes_with=(("commitments.Commitment", "updated_at"),),
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
            Commitment.objects.visible_to(None)
            .prefetch_related(prefetched("co_responsible"), prefetched("ogp_values"))
            # Of the plan and the lead only the identifier shows: annotated on the row, no plan nor lead built.
            .annotate(**related_value(Commitment, "plan__slug"), **related_value(Commitment, "lead__slug"))
            .only(*COMMITMENT_COLUMNS)
            .order_by("code")
        ),
        changes_with=(
            ("commitments.Milestone", "updated_at"),
            ("council.MilestoneReview", "updated_at"),
            ("commitments.Organization", "updated_at"),
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
        lambda: (
            Milestone.objects.visible_to(None)
            .select_related("commitment", "responsible")
            .order_by("commitment__code", "order")
        ),
        changes_with=(("commitments.ProgressUpdate", "created_at"),),
        filterset_fields={
            "commitment__code": ["exact"],
            "responsible__slug": ["exact"],
            "status": ["exact"],
            "is_demo": ["exact"],
        },
    ),
    Dataset(
        "cambios-de-fechas",
        "replanning",
        _("Changes of dates"),
        _(
            "The re-planning ledger: every change of a milestone's planned start or due date after its roadmap was "
            "validated, with the old and new dates, the reason, the role and institution of who made it, and the "
            "council session that approved it. Never the person's name."
        ),
        serializers.ReplanningSerializer,
        lambda: (
            Replanning.objects.visible_to(None)
            .select_related("milestone__commitment__plan", "organization")
            .prefetch_related(
                Prefetch(
                    "council_approval",
                    queryset=ReplanApproval.objects.visible_to(None).select_related("session", "agreement"),
                    to_attr="council_approval_shown",
                )
            )
            .order_by("-changed_at", "-pk")
        ),
        updated_field="changed_at",
        changes_with=(("council.ReplanApproval", "updated_at"),),
        filterset_fields={
            "milestone__commitment__code": ["exact"],
            "milestone__commitment__plan__slug": ["exact"],
            "organization__slug": ["exact"],
            "role": ["exact"],
            "milestone__is_demo": ["exact"],
        },
    ),
    Dataset(
        "puntualidad",
        "punctuality",
        _("Punctuality by institution"),
        _(
            "For each institution, over the milestones it is responsible for: the share completed by their original "
            "due date and by their revised one, the average delay of those completed, and the share of its open "
            "milestones with a recent report. Null where there is nothing to count."
        ),
        serializers.OrganizationPunctualitySerializer,
        lambda: Organization.objects.visible_to(None).with_punctuality_counts().order_by("name"),
        changes_with=(("commitments.Milestone", "updated_at"), ("commitments.ProgressUpdate", "created_at")),
        lookup_field="slug",
        filterset_fields={"kind": ["exact"], "is_demo": ["exact"]},
    ),
    Dataset(
        "avances",
        "progressupdate",
        _("Progress reports"),
        _("Every dated progress report on a milestone, newest first."),
        serializers.ProgressUpdateSerializer,
        lambda: (
            ProgressUpdate.objects.visible_to(None)
            .select_related("milestone__commitment")
            .order_by("-reported_on", "-pk")
        ),
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
        lambda: (
            Evidence.objects.visible_to(None)
            .select_related("update__milestone__commitment")
            .order_by("-dated_on", "-pk")
        ),
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
        lambda: (
            CouncilMember.objects.visible_to(None)
            .select_related("organization")
            .order_by("sector", "role", "name", "pk")
        ),
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
        lambda: Session.objects.visible_to(None).with_quorum().order_by("-scheduled_on", "-number"),
        changes_with=(("council.Attendance", "updated_at"),),
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
        lambda: (
            Attendance.objects.visible_to(None)
            .select_related("session", "member")
            .order_by("-session__number", "member_id")
        ),
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
        lambda: (
            Agreement.objects.visible_to(None)
            .select_related("session", "responsible_organization", "responsible_member")
            .order_by("-session__number", "number")
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
            MilestoneReview.objects.visible_to(None)
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
            .prefetch_related(prefetched("commitments"))
            .order_by("-created_at", "-pk")
        ),
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
DATASETS += [
    Dataset(
        "reuniones-publicas",
        "publicmeeting",
        _("Public meetings"),
        _(
            "The public co-creation meetings recorded on the portal: zonal administration, date, place, format and "
            "participants as aggregate counts (by gender and age range where recorded), never who took part."
        ),
        participation.PublicMeetingSerializer,
        participation.meetings,
        filterset_fields={"plan__slug": ["exact"], "zone__slug": ["exact"], "format": ["exact"], "is_demo": ["exact"]},
    ),
    Dataset(
        "propuestas-por-territorio",
        "territorialcount",
        _("Proposals by territory"),
        _(
            "Public citizen proposals counted per plan, zonal administration and parish, and how many of them were "
            "gathered at public meetings; raw counts, as no source gives a population to divide by."
        ),
        participation.TerritorialCountSerializer,
        participation.territorial_counts,
        lookup_field=None,
        filterset_fields={"call__plan__slug": ["exact"], "zone__slug": ["exact"], "is_demo": ["exact"]},
    ),
]
DATASETS += [
    Dataset(
        "estandares-cocreacion",
        "cocreationrequirement",
        _("Co-creation standards"),
        _(
            "Each plan's checklist of OGP's Participation and Co-Creation Standards: every minimum requirement, "
            "whether the plan meets it (null while not assessed) and the evidence."
        ),
        serializers.CocreationRequirementSerializer,
        lambda: CocreationRequirement.objects.visible_to(None).for_page(),
        filterset_fields={"plan__slug": ["exact"], "status": ["exact"], "is_demo": ["exact"]},
    ),
]
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
