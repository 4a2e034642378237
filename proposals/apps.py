from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Proposals listed on a commitment's page (templates/commitments/commitment_detail.html slices at the same number).
PROPOSALS_SHOWN = 10


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Citizen proposals")

    def ready(self):
        from commitments import extensions
        from proposals import cocreation
        from proposals.models import Proposal, normalize_code

        # The commitment page lists the public proposals that shaped it (`commitment.proposals_shown` in
        # commitments/commitment_detail.html): see commitments/extensions.py. The most recent PROPOSALS_SHOWN of
        # them, and one more to tell that there are more: a commitment linked to thousands stays a page, and its
        # query reads a page of rows.
        extensions.add_commitment_attribute(
            "proposals_shown",
            lambda commitment: Proposal.objects.visible_to(None).shaping(commitment, PROPOSALS_SHOWN + 1),
        )

        # Agenda items of the council name proposals by code (council does not import proposals).
        extensions.provide(extensions.PROPOSAL_CODE, normalize_code)
        extensions.provide(
            extensions.PROPOSALS_BY_CODE, lambda codes, user: Proposal.objects.visible_to(user).by_codes(codes)
        )
        # The plan page shows its co-creation: calls, public meetings, proposals received (commitments/extensions.py).
        extensions.add_plan_section("cocreation", "proposals/plan_cocreation.html", cocreation.plan_section)
