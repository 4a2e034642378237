from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Advisory council")

    def ready(self):
        from django.db.models import Prefetch

        from commitments import extensions
        from council.models import MilestoneReview, ReplanApproval

        # The commitment page shows each milestone's latest council review (`milestone.council_reviews_shown` in
        # commitments/commitment_detail.html). commitments imports no other app: this is its one registration.
        extensions.add_milestone_prefetch(
            Prefetch(
                "council_reviews",
                queryset=MilestoneReview.objects.visible_to(None).latest_first().select_related("update"),
                to_attr="council_reviews_shown",
            )
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
