from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from proposals.models import Proposal

FEED_SIZE = 50


class ProposalAnswersFeed(Feed):
    """The municipality's reasoned responses to citizen proposals, newest first. Never personal data."""

    feed_type = Atom1Feed
    title = _("Gobierno Abierto Quito: answers to citizen proposals")
    subtitle = _("The municipality's reasoned response to each citizen proposal, as it is published.")

    def link(self):
        return reverse("proposals:proposal-list")

    def items(self):
        return (
            Proposal.objects.visible_to(None)
            .filter(responded_at__isnull=False)
            .only("code", "title", "status", "response", "responded_at", "is_demo")
            .order_by("-responded_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        title = _("%(code)s: %(title)s (%(status)s)") % {
            "code": item.code,
            "title": item.title,
            "status": item.get_status_display(),
        }
        return pgettext("proposals", "%(title)s (demonstration)") % {"title": title} if item.is_demo else title

    def item_description(self, item):
        return item.response

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"proposal-answer-{item.code}-{item.responded_at:%Y%m%d%H%M%S}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.responded_at
