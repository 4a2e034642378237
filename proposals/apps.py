from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Citizen proposals")

    def ready(self):
        from django.db.models import Prefetch

        from commitments import extensions
        from proposals.models import Proposal, normalize_code

        # The commitment page lists the public proposals that shaped it (`commitment.proposals_shown` in
        # commitments/commitment_detail.html): see commitments/extensions.py.
        extensions.add_commitment_prefetch(
            Prefetch(
                "proposals",
                queryset=Proposal.objects.visible_to(None).only("code", "title", "is_demo").order_by("code"),
                to_attr="proposals_shown",
            )
        )

        # Agenda items of the council name proposals by code (council does not import proposals).
        extensions.provide(extensions.PROPOSAL_CODE, normalize_code)
        extensions.provide(
            extensions.PROPOSALS_BY_CODE, lambda codes, user: Proposal.objects.visible_to(user).by_codes(codes)
        )
