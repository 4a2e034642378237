"""The progress reports as Atom feeds (all of them, and one commitment's), with their archive (syndication.py)."""

import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, ProgressUpdate
from commitments.syndication import ArchivedFeed, tag_uri


def labelled(title, is_demo):
    """An entry's title, prefixed with the demonstration label when it describes demonstration data."""
    return _("[Demo] %(title)s") % {"title": title} if is_demo else title


class ProgressUpdatesFeed(ArchivedFeed):
    """Every progress report, in the order they were recorded (a report is append-only, so archives never change)."""

    title = _("Gobierno Abierto Quito: progress reports")
    subtitle = _("Every progress report on the milestones of Quito's open-government commitments.")
    url_name = "commitments:progress-feed"
    archive_url_name = "commitments:progress-feed-archive"
    feed_key = "progress-updates"

    def link(self):
        return reverse("commitments:commitment-list")

    def entries(self, subject):
        return (
            ProgressUpdate.objects.visible_to(None)
            .select_related("milestone__commitment__plan")
            .order_by("created_at", "pk")
        )

    def item_title(self, item):
        title = _("%(code)s · %(milestone)s: %(progress)s%%") % {
            "code": item.milestone.commitment.code,
            "milestone": item.milestone.title,
            "progress": item.progress,
        }
        return labelled(title, item.milestone.is_demo or item.milestone.commitment.is_demo)

    def item_description(self, item):
        return item.note or item.get_status_display()

    def item_categories(self, item):
        """The plan the report belongs to (the feed mixes every plan), as an Atom category."""
        plan = item.milestone.commitment.plan
        return [_("Plan %(number)s (%(period)s)") % {"number": plan.number, "period": plan.period}]

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return tag_uri(f"progress-update/{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        """The report's date, but never after the moment it was recorded (a report is not published before it
        exists): the start of the report date in Quito, or the creation time if that is earlier."""
        start_of_day = timezone.make_aware(datetime.datetime.combine(item.reported_on, datetime.time(0)))
        return min(item.created_at, start_of_day)

    def item_updateddate(self, item):
        return item.created_at


class CommitmentUpdatesFeed(ProgressUpdatesFeed):
    """The progress reports of one commitment."""

    url_name = "commitments:commitment-feed"
    archive_url_name = "commitments:commitment-feed-archive"

    def get_subject(self, request, code):
        return get_object_or_404(Commitment.objects.visible_to(None), code=code)

    def url_kwargs(self, subject):
        return {"code": subject.code}

    def feed_key_for(self, subject):
        return f"commitment/{subject.code}/progress-updates"

    def title(self, obj):
        return labelled(_("%(code)s: progress reports") % {"code": obj.subject.code}, obj.subject.is_demo)

    def subtitle(self, obj):
        return obj.subject.display_title()

    def link(self, obj):
        return obj.subject.get_absolute_url()

    def entries(self, subject):
        return super().entries(subject).filter(milestone__commitment=subject)
