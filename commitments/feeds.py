import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, ProgressUpdate

FEED_SIZE = 50


def labelled(title, is_demo):
    """An entry's title, prefixed with the demonstration label when it describes demonstration data."""
    return _("[Demo] %(title)s") % {"title": title} if is_demo else title


class ProgressUpdatesFeed(Feed):
    """Every progress report, newest first."""

    feed_type = Atom1Feed
    title = _("Gobierno Abierto Quito: progress reports")
    subtitle = _("Every progress report on the milestones of Quito's open-government commitments.")

    def link(self):
        return reverse("commitments:commitment-list")

    def items(self):
        return ProgressUpdate.objects.visible_to(None).latest_first()[:FEED_SIZE]

    def item_title(self, item):
        title = _("%(code)s · %(milestone)s: %(progress)s%%") % {
            "code": item.milestone.commitment.code,
            "milestone": item.milestone.title,
            "progress": item.progress,
        }
        return labelled(title, item.milestone.is_demo or item.milestone.commitment.is_demo)

    def item_description(self, item):
        return item.note or item.get_status_display()

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"progress-update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.reported_on, datetime.time(12)))

    def item_updateddate(self, item):
        return item.created_at


class CommitmentUpdatesFeed(ProgressUpdatesFeed):
    """The progress reports of one commitment."""

    def get_object(self, request, code):
        return get_object_or_404(Commitment.objects.visible_to(None), code=code)

    def title(self, obj):
        return labelled(_("%(code)s: progress reports") % {"code": obj.code}, obj.is_demo)

    def subtitle(self, obj):
        return obj.display_title()

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return ProgressUpdate.objects.visible_to(None).latest_first().filter(milestone__commitment=obj)[:FEED_SIZE]
