"""sitemap.xml: every public page, in Spanish and English (hreflang alternates); never demonstration data."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from commitments.models import ActionPlan, Commitment, Organization
from council.models import Session
from proposals.models import Proposal, PublicMeeting


def only_demo(queryset):
    return queryset.exists() and not queryset.filter(is_demo=False).exists()


class PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class ChangedSitemap(PortalSitemap):
    """`<lastmod>`: the row's last change (`updated_at`), never the request time; the index's is the newest, in
    one query (Django's default would read every item)."""

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return self.items().order_by().aggregate(latest=Max("updated_at"))["latest"]


class StaticPagesSitemap(PortalSitemap):
    priority = 0.8
    changefreq = "daily"
    pages = [
        "home",
        "commitments:plan-list",
        "commitments:commitment-list",
        "council:council-home",
        "council:session-list",
        "proposals:proposal-list",
        "proposals:proposal-create",
        "proposals:proposal-track",
        "proposals:meeting-list",
        "proposals:territory",
        "opendata:dataset-list",
        "opendata:api-documentation",
        "accessibility",
    ]
    # A list that shows only demonstration data is a demo page: it asks not to be indexed, so it is left out.
    lists = {
        "commitments:plan-list": lambda: ActionPlan.objects.visible_to(None),
        "commitments:commitment-list": lambda: Commitment.objects.visible_to(None),
        "council:session-list": lambda: Session.objects.visible_to(None),
        "proposals:proposal-list": lambda: Proposal.objects.visible_to(None),
        "proposals:meeting-list": lambda: PublicMeeting.objects.visible_to(None),
    }

    def items(self):
        return [name for name in self.pages if not (name in self.lists and only_demo(self.lists[name]()))]

    def location(self, item):
        return reverse(item)


class PlanSitemap(ChangedSitemap):
    changefreq = "weekly"

    def items(self):
        return ActionPlan.objects.visible_to(None).filter(is_demo=False).order_by("number")


class CommitmentSitemap(ChangedSitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return Commitment.objects.visible_to(None).filter(is_demo=False, plan__is_demo=False).order_by("code")


class OrganizationSitemap(ChangedSitemap):
    changefreq = "monthly"

    def items(self):
        return Organization.objects.visible_to(None).filter(is_demo=False).order_by("slug")


class SessionSitemap(ChangedSitemap):
    changefreq = "monthly"

    def items(self):
        return Session.objects.visible_to(None).filter(is_demo=False).order_by("number")


class ProposalSitemap(ChangedSitemap):
    changefreq = "weekly"
    limit = 5000  # 5,000 addresses a page, twice that with the English ones

    def items(self):
        return Proposal.objects.visible_to(None).filter(is_demo=False).only("code", "updated_at").order_by("pk")


SITEMAPS = {
    "paginas": StaticPagesSitemap,
    "planes": PlanSitemap,
    "compromisos": CommitmentSitemap,
    "instituciones": OrganizationSitemap,
    "sesiones": SessionSitemap,
    "propuestas": ProposalSitemap,
}
