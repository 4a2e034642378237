"""One serializer per published resource: the API's answers, the CSV/JSON downloads and their column docs.

Every field carries a translatable `help_text`: /datos/ shows it as the column's meaning and the OpenAPI
schema as the field's description. Personal data has no field here, so it cannot leak into any output.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from commitments.models import ActionPlan, Commitment, Evidence, Milestone, Organization, ProgressUpdate


class PageField(serializers.CharField):
    """The absolute address of the object's public page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Address of the public page."))
        super().__init__(source="get_absolute_url", read_only=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request is not None else value


def help_texts(**texts):
    return {name: {"help_text": text} for name, text in texts.items()}


class OrganizationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organization-detail", lookup_field="slug", help_text=_("Address of this record in the API.")
    )
    page = PageField()

    class Meta:
        model = Organization
        fields = ["slug", "url", "page", "name", "acronym", "kind", "website", "is_demo"]
        extra_kwargs = help_texts(
            slug=_("Stable identifier of the organization."),
            name=_("Official name."),
            acronym=_("Acronym used in the plan."),
            kind=_("municipal, academia, civil_society, private_sector or other."),
            website=_("Website, if known."),
            is_demo=_("True for fictional demonstration data."),
        )


class ActionPlanSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:plan-detail", lookup_field="slug", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    progress = serializers.DecimalField(
        max_digits=4, decimal_places=1, read_only=True, help_text=_("Mean progress of its commitments, in %.")
    )

    class Meta:
        model = ActionPlan
        fields = [
            "slug", "url", "page", "number", "title", "title_en", "period", "submitted_on", "status",
            "is_current", "progress", "summary", "summary_en",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            slug=_("Stable identifier of the plan."),
            number=_("Number of the plan (1st, 2nd, …)."),
            title=_("Official title, in Spanish."),
            title_en=_("Title in English, if published."),
            period=_("Period as published."),
            submitted_on=_("Date the plan was submitted to OGP."),
            status=_("co_creation, implementation or finished."),
            is_current=_("True for the plan in force."),
            summary=_("Summary, in Spanish."),
            summary_en=_("Summary in English."),
        )


class CommitmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:commitment-detail", lookup_field="code", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_("Identifier of the plan."))
    lead = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Identifier of the lead institution.")
    )
    co_responsible = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text=_("Identifiers of the co-responsible organizations.")
    )
    ogp_values = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True, help_text=_("OGP values the commitment serves.")
    )
    status = serializers.CharField(
        read_only=True, help_text=_("not_started, on_track, delayed or complete, derived from the milestones.")
    )

    class Meta:
        model = Commitment
        fields = [
            "code", "url", "page", "plan", "title", "title_en", "short_title", "short_title_en", "problem",
            "problem_en", "status_quo", "action", "lead", "co_responsible", "ogp_values", "starts_on", "ends_on",
            "progress", "status", "self_assessed_completion", "irm_verifiability", "irm_potential_for_results",
            "irm_completion", "irm_opened_government", "irm_assessor", "irm_assessed_on", "is_demo",
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
            starts_on=_("Start date."),
            ends_on=_("End date."),
            progress=_("Weighted mean of its milestones' progress, in %."),
            self_assessed_completion=_("The municipality's own assessment of completion."),
            irm_verifiability=_("Independent assessment: verifiability."),
            irm_potential_for_results=_("Independent assessment: potential for results."),
            irm_completion=_("Independent assessment: completion."),
            irm_opened_government=_("Independent assessment: did it open government?"),
            irm_assessor=_("Who made the independent assessment."),
            irm_assessed_on=_("Date of the independent assessment."),
            is_demo=_("True for fictional demonstration data."),
        )


class MilestoneSerializer(serializers.ModelSerializer):
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

    class Meta:
        model = Milestone
        fields = [
            "id", "url", "page", "commitment", "order", "title", "description", "responsible", "starts_on",
            "due_on", "revised_due_on", "weight", "means_of_verification", "progress", "status",
            "last_reported_on", "completed_on", "is_delayed", "days_delayed", "is_demo",
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
            status=_("not_started, in_progress or complete, from the latest report."),
            last_reported_on=_("Date of the latest report."),
            completed_on=_("Date it was reported complete."),
            is_demo=_("True for fictional demonstration data."),
        )


class ProgressUpdateSerializer(serializers.ModelSerializer):
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

    class Meta:
        model = ProgressUpdate
        fields = ["id", "url", "milestone", "milestone_url", "commitment", "reported_on", "progress", "status", "note"]
        extra_kwargs = help_texts(
            id=_("Stable identifier of the report."),
            reported_on=_("Date of the report."),
            progress=_("Progress reported, in %."),
            status=_("Status reported."),
            note=_("Public note of the report."),
        )


class EvidenceSerializer(serializers.ModelSerializer):
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

    class Meta:
        model = Evidence
        fields = ["id", "url", "update", "milestone", "commitment", "title", "dated_on", "link", "file_type"]
        extra_kwargs = help_texts(
            id=_("Stable identifier of the evidence."),
            title=_("Title of the document."),
            dated_on=_("Date of the document."),
        )
