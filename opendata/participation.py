"""The co-creation's participation as open data: the public meetings (aggregate counts per meeting, never people)
and the proposals counted per plan, zonal administration and parish (grouped in the database)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opendata.representation import FastRepresentation
from opendata.serializers import DEMO_HELP, PageField, PublishedSerializer, help_texts
from proposals.models import Proposal, PublicMeeting


def meetings():
    """Every public meeting with the number of public proposals gathered there: one query."""
    return (
        PublicMeeting.objects.visible_to(None)
        .select_related("plan", "zone", "parish")
        .annotate(proposals_gathered=Count("proposals", filter=Q(proposals__is_hidden=False)))
        .order_by("-held_on", "-pk")
    )


def territorial_counts():
    """Public proposals counted per plan, zonal administration, parish and demonstration flag: one grouped query,
    as many rows as those groups (bounded by the parishes), whatever the number of proposals."""
    return (
        Proposal.objects.visible_to(None)
        .order_by()
        .values("call__plan__slug", "zone__slug", "zone__name", "parish__name", "is_demo")
        .annotate(proposals=Count("pk"), proposals_at_meetings=Count("pk", filter=Q(meeting__isnull=False)))
        .order_by("call__plan__slug", "zone__slug", "parish__name", "is_demo")
    )


class PublicMeetingSerializer(PublishedSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:publicmeeting-detail", help_text=_("Address of this record in the API.")
    )
    page = PageField()
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=_("Identifier of the plan."))
    zone = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=_("Identifier of the zonal administration.")
    )
    parish = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True, help_text=_("Parish, if given.")
    )
    proposals_gathered = serializers.IntegerField(
        read_only=True, help_text=_("Public proposals on the portal gathered at this meeting.")
    )

    class Meta:
        model = PublicMeeting
        fields = [
            "id", "url", "page", "plan", "call", "zone", "parish", "held_on", "place", "format", "participants",
            "participants_women", "participants_men", "participants_other_gender", "participants_under_18",
            "participants_18_29", "participants_30_44", "participants_45_64", "participants_65_plus", "summary",
            "summary_en", "proposals_gathered", "is_demo",
        ]  # fmt: skip
        extra_kwargs = help_texts(
            id=_("Identifier of the meeting."),
            call=_("Identifier of the call for proposals it served, if any."),
            held_on=_("Date of the meeting."),
            place=_("Venue, or platform of an online meeting."),
            format=_("in_person or online."),
            participants=_("How many took part; null when nobody counted."),
            participants_women=_("Women among them; null when not recorded."),
            participants_men=_("Men among them; null when not recorded."),
            participants_other_gender=_("People of another gender identity; null when not recorded."),
            participants_under_18=_("Participants under 18; null when not recorded."),
            participants_18_29=_("Participants aged 18 to 29; null when not recorded."),
            participants_30_44=_("Participants aged 30 to 44; null when not recorded."),
            participants_45_64=_("Participants aged 45 to 64; null when not recorded."),
            participants_65_plus=_("Participants aged 65 or older; null when not recorded."),
            summary=_("Summary, in Spanish."),
            summary_en=_("Summary in English."),
            is_demo=DEMO_HELP,
        )


class TerritorialCountSerializer(FastRepresentation, serializers.Serializer):
    plan = serializers.CharField(
        source="call__plan__slug", allow_null=True, help_text=_("Identifier of the plan of the proposals' call.")
    )
    zone = serializers.CharField(source="zone__slug", help_text=_("Identifier of the zonal administration."))
    zone_name = serializers.CharField(source="zone__name", help_text=_("Name of the zonal administration."))
    parish = serializers.CharField(
        source="parish__name", allow_null=True, help_text=_("Parish; null for the proposals that gave none.")
    )
    proposals = serializers.IntegerField(help_text=_("Public proposals counted (hidden ones are not)."))
    proposals_at_meetings = serializers.IntegerField(help_text=_("Of them, gathered at a public meeting."))
    is_demo = serializers.BooleanField(help_text=DEMO_HELP)  # the rows count demonstration proposals

    class Meta:
        model = Proposal  # what the rows count: the API's filters and page cache read it
