from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "council"
    verbose_name = _("Advisory council")

    def ready(self):
        # The commitment page shows each milestone's latest review; commitments must not import the council.
        from django.db.models import Prefetch

        from commitments.models import MilestoneQuerySet
        from council.models import MilestoneReview

        if not any(getattr(p, "to_attr", None) == "council_reviews_shown" for p in MilestoneQuerySet.page_prefetches):
            MilestoneQuerySet.page_prefetches.append(
                Prefetch(
                    "council_reviews",
                    queryset=MilestoneReview.objects.visible_to(None).latest_first().select_related("update"),
                    to_attr="council_reviews_shown",
                )
            )
