"""One serializer per published resource: the API's answers, the CSV/JSON downloads and their column docs.

Every field carries a translatable `help_text`: /datos/ shows it as the column's meaning and the OpenAPI
schema as the field's description. Personal data has no field here, so it cannot leak into any output.
"""

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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
from council.models import Agreement, Attendance, CouncilMember, MilestoneReview, Session
from opendata.representation import FastRepresentation
from proposals.models import Proposal


# The base of every published serializer: DRF's output, with the per-record work planned once. No docstring here
# nor in FastRepresentation: drf-spectacular would give it to every schema component as its description.
class PublishedSerializer(FastRepresentation, serializers.ModelSerializer):
    pass


class PageField(serializers.CharField):
    """The absolute address of the object's public page."""

    def __init__(self, route=None, **kwargs):
        # `route`: (URL name, field) when the model's `get_absolute_url` is exactly that reverse() of that one
        # field: the list then reverses it once per request, not once per record (opendata/representation.py;
        # tests/opendata/test_representation.py compares it with `get_absolute_url` on every dataset).
        self.route = route
        kwargs.setdefault("help_text", _("Address of the public page."))
        super().__init__(source="get_absolute_url", read_only=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else value


def help_texts(**texts):
    return {name: {"help_text": text} for name, text in texts.items()}


def _values(choices, exclude):
    return ", ".join(f"{member.value} ({member.label})" for member in choices if member.value not in exclude)


def status_help(choices, text="", exclude=()):
    """A status column's meaning: its codes with the names the pages show, read from the model's choices."""
    values = lazy(_values, str)(choices, exclude)
    if not text:
        return format_lazy("{} {}.", _("Values:"), values)
    return format_lazy("{} {} {}.", text, _("Values:"), values)


DEMO_HELP = _("True for fictional demonstration data.")


class DemoField(serializers.BooleanField):
    """Whether the row is demonstration data, read from the parent that carries the flag (select it related)."""

    def __init__(self, source, **kwargs):
        kwargs.setdefault("help_text", _("True for fictional demonstration data (that of the parent record)."))
        super().__init__(source=source, read_only=True, **kwargs)


class KnownStatusField(serializers.CharField):
    """A derived status, null where the portal has no data for it (never a made-up "not started")."""

    def to_representation(self, value):
        return None if value in (None, "", "no_data") else super().to_representation(value)


class SourceField(serializers.ListField):
    """The addresses of the public sources a row comes from; null when it comes from none."""

    csv_separator = " | "

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("The public sources of the record: their addresses, or a description where one has none; null if none."),
        )
        super().__init__(source="source_list", child=serializers.CharField(), read_only=True, allow_null=True, **kwargs)

    def to_representation(self, data):
        return super().to_representation(data) or None


class OrganizationSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug", help_text=_("Address of this record in the API.")
    )
    page = PageField(route=("commitments:organization-detail", "slug"))

    class Meta:
        model = Organization
        fields = ["slug", "url", "page", "name", "acronym", "kind", "website", "is_demo"]
        extra_kwargs = help_texts(
            slug=_("Stable identifier of the organization."),
            name=_("Official name."),
            acronym=_("Acronym used in the plan."),
            kind=_("municipal, academia, civil_society, private_sector or other."),
            website=_("Website, if known."),
            is_demo=DEMO_HELP,
        )


class ActionPlanSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:plan-detail", lookup_field="slug", help_text=_("Address of this record in the API.")
    )
    page = PageField(route=("commitments:plan-detail", "slug"))
    progress = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text=_("Mean progress of its commitments with data, in %; null when none has any."),
    )
    source = SourceField()
    phase = KnownStatusField(
        read_only=True,
        allow_null=True,
        help_text=status_help(
            ActionPlan.Phase, _("Derived from the co-creation dates, the period and today; null without them."),
            exclude=("no_data",),
        ),
    )  # fmt: skip

    class Meta:
        model = ActionPlan
        fields = [
            "slug", "url", "page", "number", "title", "title_en", "period", "submitted_on", "status",
            "is_current", "progress", "summary", "summary_en", "source", "phase", "cocreation_starts_on",
            "cocreation_ends_on", "public_meetings", "consultation_workshops", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            slug=_("Stable identifier of the plan."),
            number=_("Number of the plan (1st, 2nd, …)."),
            title=_("Official title, in Spanish."),
            title_en=_("Title in English, if published."),
            period=_("Period as published."),
            submitted_on=_("Date the plan was submitted to OGP."),
            status=status_help(ActionPlan.Status, _("Derived from the sourced period and today.")),
            is_current=_("True for the plan in force."),
            summary=_("Summary, in Spanish."),
            summary_en=_("Summary in English."),
            cocreation_starts_on=_("First day of the plan's co-creation; null when no source gives it."),
            cocreation_ends_on=_("Last day of the plan's co-creation; null when no source gives it."),
            public_meetings=_("Public co-creation meetings held, as the sources report them; null when unknown."),
            consultation_workshops=_("Citizen consultation workshops held, as the sources report; null when unknown."),
            is_demo=DEMO_HELP,
        )


class CommitmentSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:commitment-detail", lookup_field="code", help_text=_("Address of this record in the API.")
    )
    page = PageField(route=("commitments:commitment-detail", "code"))
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_("Identifier of the plan."))
    lead = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text=_("Identifier of the lead institution.")
    )
    co_responsible = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text=_("Identifiers of the co-responsible organizations.")
    )
    ogp_values = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True, help_text=_("OGP values the commitment serves.")
    )
    status = KnownStatusField(
        read_only=True, allow_null=True,
        help_text=status_help(
            Commitment.Status, _("Derived from the milestones; null when unknown."), exclude=["no_data"]
        ),
    )  # fmt: skip
    progress = serializers.DecimalField(
        max_digits=4, decimal_places=1, read_only=True, allow_null=True,
        help_text=_("Weighted mean of its milestones' progress, in %; null (no data) without milestones."),
    )  # fmt: skip
    days_since_last_report = serializers.IntegerField(
        source="days_since_report", read_only=True, allow_null=True,
        help_text=_("Days since the latest report on any of its milestones; null when there is none."),
    )  # fmt: skip
    source = SourceField()

    class Meta:
        model = Commitment
        fields = [
            "code", "url", "page", "plan", "title", "title_en", "short_title", "short_title_en", "problem",
            "problem_en", "status_quo", "action", "lead", "co_responsible", "ogp_values", "starts_on",
            "starts_on_precision", "ends_on", "ends_on_precision", "progress", "status", "self_assessed_completion",
            "irm_verifiability", "irm_potential_for_results",
            "irm_completion", "irm_opened_government", "irm_assessor", "irm_assessed_on", "roadmap_validated_on",
            "last_reported_on", "days_since_last_report", "source", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            code=_("OGP code of the commitment, e.g. ECQTO0001: its stable identifier."),
            title=_("Title, in Spanish."),
            title_en=_("Title in English."),
            short_title=_("Short title, in Spanish."),
            short_title_en=_("Short title in English."),
            problem=_("Problem the commitment addresses, in Spanish."),
            problem_en=_("Problem, in English."),
            status_quo=_("Situation before the commitment."),
            action=_("What the commitment will do."),
            starts_on=_("Start date: the first day of the month or year when its source gives only that."),
            starts_on_precision=_("What the source gives of the start: day, month or year."),
            ends_on=_("End date: the last day of the month or year when its source gives only that."),
            ends_on_precision=_("What the source gives of the end: day, month or year."),
            self_assessed_completion=_("The municipality's own assessment of completion."),
            irm_verifiability=_("Independent assessment: verifiability."),
            irm_potential_for_results=_("Independent assessment: potential for results."),
            irm_completion=_("Independent assessment: completion."),
            irm_opened_government=_("Independent assessment: did it open government?"),
            irm_assessor=_("Who made the independent assessment."),
            irm_assessed_on=_("Date of the independent assessment."),
            roadmap_validated_on=_(
                "Day the advisory council validated the roadmap, after which every change of dates is in the "
                "re-planning ledger (dataset cambios-de-fechas); null when no source gives it."
            ),
            last_reported_on=_("Date of the latest report on any of its milestones; null when there is none."),
            is_demo=DEMO_HELP,
        )


class MilestoneSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:milestone-detail", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    commitment = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=_("OGP code of the commitment.")
    )
    responsible = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Identifier of the responsible organization.")
    )
    is_delayed = serializers.BooleanField(
        read_only=True, help_text=_("True when past its due date (revised, else planned) and not complete.")
    )
    days_delayed = serializers.IntegerField(read_only=True, help_text=_("Days past the due date; 0 if on time."))
    days_since_last_report = serializers.IntegerField(
        source="days_since_report", read_only=True, allow_null=True,
        help_text=_("Days since its latest report; null when it has none."),
    )  # fmt: skip
    report_is_stale = serializers.BooleanField(
        read_only=True,
        help_text=_("True when open and its latest report (or, without one, its start) is older than the portal's "
                    "threshold of days (PROGRESS_STALE_DAYS, 90 by default)."),
    )  # fmt: skip

    class Meta:
        model = Milestone
        fields = [
            "id", "url", "page", "commitment", "order", "title", "description", "responsible", "starts_on",
            "due_on", "revised_due_on", "weight", "means_of_verification", "progress", "status",
            "last_reported_on", "completed_on", "is_delayed", "days_delayed", "days_since_last_report",
            "report_is_stale", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Stable identifier of the milestone."),
            order=_("Position in the commitment's roadmap."),
            title=_("Title of the stage."),
            description=_("Activities of the stage."),
            starts_on=_("Planned start."),
            due_on=_("Planned due date."),
            revised_due_on=_("Revised due date, if it was rescheduled."),
            weight=_("Relative weight in the commitment's progress."),
            means_of_verification=_("How progress is verified."),
            progress=_("Current progress in %, from the latest report."),
            status=status_help(Milestone.Status, _("From the latest report.")),
            last_reported_on=_("Date of the latest report."),
            completed_on=_("Date it was reported complete: the first complete report since the last incomplete one."),
            is_demo=DEMO_HELP,
        )


class ReplanningSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:replanning-detail", help_text=_("Address of this record in the API.")
    )
    page = PageField(help_text=_("Address of the commitment's public ledger of changes of dates."))
    commitment = serializers.CharField(
        source="milestone.commitment.code", read_only=True, help_text=_("OGP code of the commitment.")
    )
    plan = serializers.CharField(
        source="milestone.commitment.plan.slug", read_only=True, help_text=_("Identifier of the plan.")
    )
    milestone = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the milestone."))
    milestone_order = serializers.IntegerField(
        source="milestone.order", read_only=True, help_text=_("Position of the milestone in the roadmap.")
    )
    planned_due_on = serializers.DateField(
        source="milestone.due_on", read_only=True, help_text=_("The milestone's planned due date, as validated.")
    )
    organization = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True,
        help_text=_("Identifier of the institution of who made the change; null when unknown."),
    )  # fmt: skip
    role = serializers.CharField(
        read_only=True, allow_null=True,
        help_text=status_help(Replanning.Role, _("Role of who made the change; null when unknown.")),
    )  # fmt: skip
    approved_at_session = serializers.IntegerField(
        source="approval_session_number", read_only=True, allow_null=True,
        help_text=_("Number of the council session that approved the change; null if none is recorded."),
    )  # fmt: skip
    approved_by_agreement = serializers.IntegerField(
        source="approval_agreement_number", read_only=True, allow_null=True,
        help_text=_("Number of that session's agreement that approved it; null if none is recorded."),
    )  # fmt: skip
    is_demo = DemoField(source="milestone.is_demo")

    class Meta:
        model = Replanning
        fields = [
            "id", "url", "page", "plan", "commitment", "milestone", "milestone_order", "changed_at", "old_starts_on",
            "new_starts_on", "old_due_on", "new_due_on", "planned_due_on", "reason", "role", "organization",
            "approved_at_session", "approved_by_agreement", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Stable identifier of the change."),
            changed_at=_("When the change was made."),
            old_starts_on=_("Planned start before the change."),
            new_starts_on=_("Planned start after the change."),
            old_due_on=_("Due date in force before the change (the revised one, else the planned one)."),
            new_due_on=_("Due date in force after the change."),
            reason=_("Why the dates changed, as published."),
        )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["role"] = data["role"] or None
        return data


class OrganizationPunctualitySerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:punctuality-detail", lookup_field="slug", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    milestone_count = serializers.IntegerField(
        source="punctuality_figures.milestone_count", read_only=True,
        help_text=_("Milestones it is responsible for."),
    )  # fmt: skip
    on_time_original = serializers.DecimalField(
        source="punctuality_figures.on_time_original", max_digits=4, decimal_places=1, read_only=True,
        allow_null=True,
        help_text=_("% of its milestones completed by their original (validated) due date, among those complete or "
                    "past that date; null (no data) when there are none."),
    )  # fmt: skip
    on_time_revised = serializers.DecimalField(
        source="punctuality_figures.on_time_revised", max_digits=4, decimal_places=1, read_only=True,
        allow_null=True,
        help_text=_("% completed by their due date in force (the revised one when re-planned), among those "
                    "complete or past it; null when there are none."),
    )  # fmt: skip
    average_delay_days = serializers.DecimalField(
        source="punctuality_figures.average_delay_days", max_digits=6, decimal_places=1, read_only=True,
        allow_null=True,
        help_text=_("Mean days from the original due date to completion of its completed milestones (an early "
                    "completion counts 0); null when none is complete."),
    )  # fmt: skip
    fresh_reports = serializers.DecimalField(
        source="punctuality_figures.fresh_reports", max_digits=4, decimal_places=1, read_only=True,
        allow_null=True,
        help_text=_("% of its open milestones already started whose latest report is at most PROGRESS_STALE_DAYS "
                    "(90 by default) days old; null when there are none."),
    )  # fmt: skip

    class Meta:
        model = Organization
        fields = [
            "slug", "url", "page", "name", "acronym", "milestone_count", "on_time_original", "on_time_revised",
            "average_delay_days", "fresh_reports", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            slug=_("Stable identifier of the organization."),
            name=_("Official name."),
            acronym=_("Acronym used in the plan."),
            is_demo=_("True for a fictional demonstration institution: its figures come from demonstration data."),
        )


class ProgressUpdateSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:progressupdate-detail", help_text=_("Address of this record in the API.")
    )
    milestone = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the milestone."))
    milestone_url = serializers.HyperlinkedRelatedField(
        source="milestone", view_name="api:milestone-detail", read_only=True,
        help_text=_("Address of the milestone in the API."),
    )  # fmt: skip
    commitment = serializers.CharField(
        source="milestone.commitment.code", read_only=True, help_text=_("OGP code of the commitment.")
    )
    is_demo = DemoField(source="milestone.is_demo")

    class Meta:
        model = ProgressUpdate
        fields = [
            "id", "url", "milestone", "milestone_url", "commitment", "reported_on", "progress", "status", "note",
            "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Stable identifier of the report."),
            reported_on=_("Date of the report."),
            progress=_("Progress reported, in %."),
            status=status_help(ProgressUpdate.Status, _("Status reported.")),
            note=_("Public note of the report."),
        )


class EvidenceSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:evidence-detail", help_text=_("Address of this record in the API.")
    )
    update = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the progress report."))
    milestone = serializers.IntegerField(
        source="update.milestone_id", read_only=True, help_text=_("Identifier of the milestone.")
    )
    commitment = serializers.CharField(
        source="update.milestone.commitment.code", read_only=True, help_text=_("OGP code of the commitment.")
    )
    link = PageField(help_text=_("Address of the document: the file to download or the external link."))
    file_type = serializers.CharField(
        source="file_extension", read_only=True, help_text=_("Type of the uploaded file; empty for a link.")
    )
    is_demo = DemoField(source="update.milestone.is_demo")

    class Meta:
        model = Evidence
        fields = [
            "id", "url", "update", "milestone", "commitment", "title", "dated_on", "link", "file_type", "sha256",
            "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Stable identifier of the evidence."),
            title=_("Title of the document."),
            dated_on=_("Date of the document."),
            sha256=_("SHA-256 checksum of the file, to check a download; empty for a link."),
        )


class AssessedStatusField(serializers.CharField):
    """A requirement's status, null while nobody has assessed it ("Sin datos"), never a made-up "not met"."""

    def to_representation(self, value):
        return None if value in (None, "", CocreationRequirement.Status.UNKNOWN) else super().to_representation(value)


class CocreationRequirementSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:cocreationrequirement-detail", help_text=_("Address of this record in the API.")
    )
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_("Identifier of the plan."))
    page = PageField()
    status = AssessedStatusField(
        read_only=True,
        allow_null=True,
        help_text=status_help(
            CocreationRequirement.Status,
            _("How the plan meets the requirement; null while nobody has assessed it."),
            exclude=("unknown",),
        ),
    )
    evidence_link = serializers.CharField(
        read_only=True, help_text=_("The evidence: a page of the portal (a path) or an external address; may be empty.")
    )

    class Meta:
        model = CocreationRequirement
        fields = [
            "id", "url", "page", "plan", "standard", "number", "text", "text_en", "source_url", "status",
            "evidence_link", "evidence_label", "note", "note_en", "updated_at", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Stable identifier of the requirement."),
            standard=_("Number of OGP's standard (1 to 5) the requirement belongs to."),
            number=_("OGP's number of the requirement, e.g. 2.1."),
            text=_("The requirement in Spanish: a concise paraphrase of OGP's text."),
            text_en=_("The requirement in English: a concise paraphrase of OGP's text."),
            source_url=_("Address of OGP's text of the requirement."),
            evidence_label=_("What the evidence is."),
            note=_("Note on the assessment, in Spanish."),
            note_en=_("Note on the assessment, in English."),
            updated_at=_("Last change of the row."),
            is_demo=DEMO_HELP,
        )


class CouncilMemberSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:councilmember-detail", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    name = serializers.CharField(
        source="display_name", read_only=True, help_text=_("Name of the councillor, or of the seat.")
    )
    organization = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Identifier of the organization represented.")
    )

    class Meta:
        model = CouncilMember
        fields = [
            "id", "url", "page", "name", "organization", "sector", "role", "term_starts_on", "term_ends_on",
            "alternate_name", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Stable identifier of the member."),
            sector=_("civil_society, academia, productive_sector or municipal_government."),
            role=_("chair, technical_secretary or member."),
            term_starts_on=_("Start of the term, if known."),
            term_ends_on=_("End of the term, if known."),
            alternate_name=_("Name of the alternate."),
            is_demo=DEMO_HELP,
        )


class SessionSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:session-detail", lookup_field="number", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    members_in_office = serializers.IntegerField(read_only=True, help_text=_("Members in office on that date."))
    attending = serializers.IntegerField(
        read_only=True, help_text=_("Members present or represented by their alternate.")
    )
    starts = serializers.DateTimeField(read_only=True, help_text=_("Start, with the time zone's offset."))
    ends = serializers.DateTimeField(read_only=True, help_text=_("End (planned if not recorded), with the offset."))
    quorum_reached = serializers.BooleanField(
        source="quorum.reached", read_only=True, help_text=_("True when more than half of the members attended.")
    )

    class Meta:
        model = Session
        fields = [
            "number", "url", "page", "kind", "scheduled_on", "starts", "ends", "place", "online_url",
            "status", "convened_on", "members_in_office", "attending", "quorum_reached", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            number=_("Number of the session: its stable identifier."),
            kind=_("ordinary or extraordinary."),
            scheduled_on=_("Date of the session."),
            place=_("Where it meets."),
            online_url=_("Link to follow it online."),
            status=status_help(Session.Status),
            convened_on=_("Date it was convened."),
            is_demo=DEMO_HELP,
        )


class AttendanceSerializer(PublishedSerializer):
    session = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text=_("Number of the session."))
    member = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the member."))
    member_name = serializers.CharField(
        source="member.display_name", read_only=True, help_text=_("Name of the councillor, or of the seat.")
    )
    is_demo = DemoField(source="session.is_demo")

    class Meta:
        model = Attendance
        fields = ["id", "session", "member", "member_name", "status", "is_demo"]
        extra_kwargs = help_texts(
            id=_("Stable identifier of the record."),
            status=_("present, absent, excused or alternate (represented by the alternate)."),
        )


class AgreementSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:agreement-detail", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    session = serializers.SlugRelatedField(
        slug_field="number", read_only=True, help_text=_("Number of the session that agreed it.")
    )
    responsible = serializers.CharField(
        source="responsible_display", read_only=True, help_text=_("Who must carry it out.")
    )
    is_demo = DemoField(source="session.is_demo")

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "page",
            "session",
            "number",
            "text",
            "responsible",
            "due_on",
            "status",
            "follow_up_notes",
            "is_demo",
        ]
        extra_kwargs = help_texts(
            id=_("Stable identifier of the agreement."),
            number=_("Number of the agreement within its session."),
            text=_("What was agreed."),
            due_on=_("Due date, if any."),
            status=status_help(Agreement.Status),
            follow_up_notes=_("Notes on its follow-up."),
        )


class MilestoneReviewSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:milestonereview-detail", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    session = serializers.SlugRelatedField(
        slug_field="number", read_only=True, help_text=_("Number of the session that verified it.")
    )
    session_date = serializers.DateField(source="session.scheduled_on", read_only=True, help_text=_("Its date."))
    commitment = serializers.CharField(
        source="milestone.commitment.code", read_only=True, help_text=_("OGP code of the commitment.")
    )
    milestone = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Identifier of the milestone."))
    update = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Identifier of the progress report reviewed.")
    )
    is_demo = DemoField(source="session.is_demo")

    class Meta:
        model = MilestoneReview
        fields = [
            "id",
            "url",
            "page",
            "session",
            "session_date",
            "commitment",
            "milestone",
            "update",
            "outcome",
            "note",
            "is_demo",
        ]
        extra_kwargs = help_texts(
            id=_("Stable identifier of the verification."),
            outcome=_("verified, observations (verified with observations) or not_verified."),
            note=_("The council's note."),
        )


class ProposalSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:proposal-detail", lookup_field="code", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    zone = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text=_("Identifier of the zonal administration.")
    )
    parish = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True, help_text=_("Parish, if given.")
    )
    commitments = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("Commitments the proposal shaped.")
    )
    duplicate_of = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Code of the proposal it duplicates, if any.")
    )

    class Meta:
        model = Proposal
        fields = [
            "code", "url", "page", "call", "title", "problem", "solution", "topic", "zone", "parish", "status",
            "response", "responded_at", "commitments", "duplicate_of", "created_at", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            code=_("Tracking code: the proposal's stable identifier."),
            call=_("Identifier of the call for proposals."),
            title=_("Title given by the citizen."),
            problem=_("The problem described."),
            solution=_("The proposed solution."),
            topic=_("OGP value closest to the proposal."),
            status=status_help(Proposal.Status),
            response=_("The municipality's reasoned response."),
            responded_at=_("When it was answered."),
            created_at=_("When it was received."),
            is_demo=DEMO_HELP,
        )
