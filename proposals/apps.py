from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Citizen proposals")

    def ready(self):
        from django.db.models import Prefetch

        from commitments import extensions
        from proposals import cocreation
        from proposals.models import Proposal

        # The commitment page lists the public proposals that shaped it (`commitment.proposals_shown` in
        # commitments/commitment_detail.html): see commitments/extensions.py.
        extensions.add_commitment_prefetch(
            Prefetch(
                "proposals",
                queryset=Proposal.objects.visible_to(None).only("code", "title", "is_demo").order_by("code"),
                to_attr="proposals_shown",
            )
        )
        # The plan page shows its co-creation: calls, public meetings, proposals received (commitments/extensions.py).
        extensions.add_plan_section("cocreation", "proposals/plan_cocreation.html", cocreation.plan_section)
