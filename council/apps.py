from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Advisory council")

    def ready(self):
        from django.db.models import Prefetch

        from commitments import extensions
        from council.models import MilestoneReview, ProposalReference

        # The commitment page shows each milestone's latest council review (`milestone.council_reviews_shown` in
        # commitments/commitment_detail.html). commitments imports no other app: this is its one registration.
        extensions.add_milestone_prefetch(
            Prefetch(
                "council_reviews",
                queryset=MilestoneReview.objects.visible_to(None).latest_first().select_related("update"),
                to_attr="council_reviews_shown",
            )
        )

        # A proposal's page names the sessions whose agenda took it up (proposals does not import council).
        extensions.provide(
            extensions.PROPOSAL_AGENDA_ITEMS,
            lambda code, user: [reference.agenda_item for reference in ProposalReference.objects.for_proposal(code)],
        )
