"""The cached "demonstration data present" flag and the signal receivers that reset it."""

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commitments.models.roadmap import Commitment, Milestone

DEMO_FLAG_CACHE_KEY = "commitments:demo-data-present"


def demo_data_present():
    """Whether demonstration data exists; cached, so pages pay at most one small query."""
    present = cache.get(DEMO_FLAG_CACHE_KEY)
    if present is None:
        present = Commitment.objects.filter(Q(is_demo=True) | Q(milestones__is_demo=True)).exists()
        cache.set(DEMO_FLAG_CACHE_KEY, present, 60 * 60)
    return present


def forget_demo_data_flag():
    cache.delete(DEMO_FLAG_CACHE_KEY)


@receiver([post_save, post_delete], sender=Commitment)
@receiver([post_save, post_delete], sender=Milestone)
def _demo_data_changed(sender, instance, **kwargs):
    if instance.is_demo:
        forget_demo_data_flag()
