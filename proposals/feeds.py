from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commitments.feeds import labelled
from commitments.syndication import ArchivedFeed, tag_uri
from proposals.models import Proposal


class ProposalAnswersFeed(ArchivedFeed):
    """The municipality's reasoned responses to citizen proposals, in the order they were given, with an archive
    (commitments/syndication.py). Never personal data. A proposal answered again keeps its entry id and moves to
    the head of the feed with its new `updated`."""

    title = _("Gobierno Abierto Quito: answers to citizen proposals")
    subtitle = _("The municipality's reasoned response to each citizen proposal, as it is published.")
    url_name = "proposals:answers-feed"
    archive_url_name = "proposals:answers-feed-archive"
    feed_key = "proposal-answers"

    def link(self):
        return reverse("proposals:proposal-list")

    def entries(self, subject):
        return (
            Proposal.objects.visible_to(None)
            .filter(responded_at__isnull=False)
            .only("code", "title", "status", "response", "responded_at", "is_demo")
            .order_by("responded_at", "pk")
        )

    def item_title(self, item):
        title = _("%(code)s: %(title)s (%(status)s)") % {
            "code": item.code,
            "title": item.title,
            "status": item.get_status_display(),
        }
        return labelled(title, item.is_demo)

    def item_description(self, item):
        return item.response

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return tag_uri(f"proposal-answer/{item.code}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.responded_at

    def item_updateddate(self, item):
        return item.responded_at
