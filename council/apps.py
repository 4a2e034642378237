from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Advisory council")

    def ready(self):
        from django.db.models import Count, OuterRef, Prefetch, Subquery
        from django.db.models.functions import Coalesce

        from commitments import extensions
        from commitments.models import Milestone
        from council.models import MilestoneReview, ProposalReference, ReplanApproval

        # The commitment page shows each milestone's latest council review (`milestone.council_reviews_shown` in
        # commitments/commitment_detail.html). commitments imports no other app: it asks the registry.
        extensions.add_milestone_prefetch(
            Prefetch(
                "council_reviews",
                queryset=MilestoneReview.objects.visible_to(None).latest_first().select_related("update"),
                to_attr="council_reviews_shown",
            )
        )

        # Commitment cards say how many milestones the council verified at its latest review of each (an
        # annotation of the lists: no query more).
        latest_outcome = (
            MilestoneReview.objects.visible_to(None).filter(milestone=OuterRef("pk")).latest_first().values("outcome")
        )
        verified = (
            Milestone.objects.filter(commitment=OuterRef("pk"))
            .annotate(latest_outcome=Subquery(latest_outcome[:1]))
            .filter(latest_outcome__in=MilestoneReview.VERIFIED_OUTCOMES)
            .values("commitment")
            .annotate(count=Count("pk"))
            .values("count")
        )
        extensions.add_commitment_list_annotation("council_verified_count", Coalesce(Subquery(verified), 0))

        # A proposal's page names the sessions whose agenda took it up (proposals does not import council).
        extensions.provide(
            extensions.PROPOSAL_AGENDA_ITEMS,
            lambda code, user: [reference.agenda_item for reference in ProposalReference.objects.for_proposal(code)],
        )
        # The re-planning ledger's pages show the session (and agreement) that approved each change of dates
        # (`replanning.council_approval_shown` in commitments/replanning_list.html).
        extensions.add_replanning_prefetch(
            Prefetch(
                "council_approval",
                queryset=ReplanApproval.objects.visible_to(None).select_related("session", "agreement"),
                to_attr="council_approval_shown",
            )
        )
