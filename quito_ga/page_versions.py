"""Versions of what the cached anonymous pages show, bumped after each committed change.

A page declares what it shows with a `page_versions` attribute on its view: names of sections
(`"commitments"`) or of objects formatted with the URL's arguments (`"commitment:{code}"`). The page cache
(`quito_ga.middleware.AnonymousPageCacheMiddleware`) reads those versions with the page in one `get_many`
(one Redis `MGET`); a page stored under other versions is out of date.

Which versions a change bumps is decided here, model by model (`BUMPS`), because only the project knows
every app: a milestone's report changes its commitment's page, its plan's page, the commitment lists and the
council sessions that reviewed it; a citizen's proposal changes the proposal lists and its own page. History
records, contact data, rate-limit counters, sessions and task rows bump nothing. Bumps happen in
`transaction.on_commit`: a page rendered from the old rows while the change was uncommitted carries the old
versions and is re-rendered by the first request after the commit.
"""

import hashlib
import secrets

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete

# The sections: what the public pages of each content app show (lists, the home, institution pages).
SECTIONS = ("commitments", "council", "proposals")


def records(section):
    """Every field of a section's rows, as the datasets, the API, feeds and sitemaps publish them: bumped with the
    section and also by changes that only a detail page and the data show (a milestone's means of verification)."""
    return f"records:{section}"


# Views that declare nothing depend on every row of every section (feeds, sitemaps): always correct.
EVERY_SECTION = tuple(records(section) for section in SECTIONS)
# Names shared by the pages of all apps: institutions, OGP values, council members, zones, parishes and calls
# are shown by name on many detail pages; they are rarely edited, so an edit invalidates every detail page.
VOCABULARY = "vocabulary"
# Every page depends on this one too: bulk writes that send no signals bump it (seed_demo, purge_demo).
EVERY_PAGE = "site"


def version_key(name):
    """The cache key of one version; URL arguments are free text, so unusual names are hashed."""
    if len(name) <= 120 and name.isascii() and name.isprintable() and " " not in name:
        return f"pv:{name}"
    return "pv:#" + hashlib.sha256(name.encode()).hexdigest()


def new_version():
    return secrets.token_hex(6)


def bump(names):
    """Give each named version a new value once the current transaction commits (at once outside one)."""
    keys = {version_key(name) for name in names if name}
    if keys:
        transaction.on_commit(lambda: cache.set_many(dict.fromkeys(keys, new_version()), None))


def _declaring(view):
    """Where a resolved view's attributes are: its class for class-based views and DRF viewsets."""
    return getattr(view, "view_class", None) or getattr(view, "cls", None) or view


def refuses_unknown_parameters(view):
    """Views that answer 400 to a query parameter they do not know (the API): never cached with one."""
    return getattr(_declaring(view), "refuses_unknown_parameters", False)


def lifetime(view):
    """How long a stored copy of the view's page may be served, in seconds. Pages change with the date (statuses,
    "delayed", upcoming sessions), which the page cache puts in every page's signature, and with saves, which bump
    versions; a page that also changes at moments no save marks (`page_changes_with_time`: whether a call for
    proposals is open) is kept PAGE_CACHE_SECONDS, every other page PAGE_CACHE_DATED_SECONDS, a bound for a change
    that would bump nothing."""
    if getattr(_declaring(view), "page_changes_with_time", False):
        return settings.PAGE_CACHE_SECONDS
    return max(settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_DATED_SECONDS)


def declared_versions(view, kwargs):
    """The version names a resolved view declares, formatted with its URL arguments."""
    declared = getattr(_declaring(view), "page_versions", EVERY_SECTION)
    return [EVERY_PAGE, *(name.format(**kwargs) for name in declared)]


def read_versions(keys, found):
    """The values of `keys` in `found` (a get_many result); a missing version is created, never left empty.

    Without this, a version evicted from Redis would read as "none" again and bring back a page stored under
    "none" before the version was first set.
    """
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = new_version()
            if not cache.add(key, value, None):
                value = cache.get(key, value)
        values.append(value)
    return values


# What each model's change makes out of date. Each function gets the saved or deleted instance and returns
# version names; it may query (inside the writer's transaction, so it sees the change).
def _codes(queryset):
    return [f"commitment:{code}" for code in queryset.values_list("code", flat=True)]


def _sessions(queryset):
    return [f"session:{number}" for number in queryset.values_list("number", flat=True).distinct()]


def _plan(plan_id):
    ActionPlan = apps.get_model("commitments", "ActionPlan")
    return [f"plan:{slug}" for slug in ActionPlan.objects.filter(pk=plan_id).values_list("slug", flat=True)]


def _commitment_pages(commitment_ids, milestone_ids=()):
    """A commitment's page, its plan's page and the council sessions that show its milestones."""
    Commitment = apps.get_model("commitments", "Commitment")
    Session = apps.get_model("council", "Session")
    rows = list(Commitment.objects.filter(pk__in=commitment_ids).values_list("code", "plan__slug"))
    shows = Q(agenda_items__commitment__in=commitment_ids)
    if milestone_ids:
        shows |= Q(reviews__milestone__in=milestone_ids) | Q(agenda_items__milestone__in=milestone_ids)
    return [
        "commitments",
        *(f"commitment:{code}" for code, _ in rows),
        *{f"plan:{slug}" for _, slug in rows},
        *_sessions(Session.objects.filter(shows)),
    ]


def _plan_changed(plan):
    return ["commitments", f"plan:{plan.slug}", *_codes(plan.commitments.all())]


def _commitment_changed(commitment):
    Proposal = apps.get_model("proposals", "Proposal")
    linked = Proposal.objects.filter(commitments=commitment.pk).values_list("code", flat=True)
    # A proposal's page names the commitments it was linked to.
    names = [
        "commitments",
        f"commitment:{commitment.code}",
        *_plan(commitment.plan_id),
        *(f"proposal:{code}" for code in linked),
    ]
    renamed_from = getattr(commitment, "renamed_from", None)
    if renamed_from:
        # A new code: the old code's pages now redirect (none may be served from the cache), and the council
        # sessions that show the commitment or its milestones name it by its code.
        Milestone = apps.get_model("commitments", "Milestone")
        milestones = list(Milestone.objects.filter(commitment=commitment.pk).values_list("pk", flat=True))
        names += [f"commitment:{renamed_from}", *_commitment_pages([commitment.pk], milestones)]
    return names


# Milestone fields that only its commitment's page (with the milestone's history) and the data show: no list, no
# summary, no council session, no institution page reads them (`version` and `updated_at` change on every save).
MILESTONE_PAGE_ONLY = frozenset({"description", "means_of_verification", "starts_on", "version", "updated_at"})


def _milestone_changed(milestone, created=False, deleted=False):
    changed = None if created or deleted else milestone.changed_fields()
    if changed is not None and changed <= MILESTONE_PAGE_ONLY:
        return [records("commitments"), *_codes(apps.get_model("commitments", "Commitment").objects.filter(
            pk=milestone.commitment_id))]  # fmt: skip
    return _commitment_pages([milestone.commitment_id], [milestone.pk])


def _update_changed(update):
    Milestone = apps.get_model("commitments", "Milestone")
    commitment_ids = Milestone.objects.filter(pk=update.milestone_id).values_list("commitment_id", flat=True)
    return _commitment_pages(list(commitment_ids), [update.milestone_id])


def _replanning_changed(replanning):
    """A change of dates: its commitment's page and ledger, its plan's page and ledger (`plan:{slug}`)."""
    Milestone = apps.get_model("commitments", "Milestone")
    commitment_ids = Milestone.objects.filter(pk=replanning.milestone_id).values_list("commitment_id", flat=True)
    return _commitment_pages(list(commitment_ids), [replanning.milestone_id])


def _approval_changed(approval):
    Replanning = apps.get_model("commitments", "Replanning")
    replanning = Replanning.objects.filter(pk=approval.replanning_id).first()
    return _replanning_changed(replanning) if replanning else ["commitments"]


def _evidence_changed(evidence):
    ProgressUpdate = apps.get_model("commitments", "ProgressUpdate")
    update = ProgressUpdate.objects.filter(pk=evidence.update_id).first()
    return _update_changed(update) if update else ["commitments"]


def _organization_changed(organization):
    return ["commitments", "council", VOCABULARY, f"organization:{organization.slug}"]


def _session_changed(session):
    Commitment = apps.get_model("commitments", "Commitment")
    reviewed = Commitment.objects.filter(milestones__council_reviews__session=session).distinct()
    return ["council", f"session:{session.number}", *_codes(reviewed)]


def _of_session(instance):
    """Minutes, agreements, agenda items and attendance: their session's page (by the row's own link, which a
    deleted row still carries)."""
    Session = apps.get_model("council", "Session")
    return ["council", *_sessions(Session.objects.filter(pk=instance.session_id))]


def _erratum_changed(erratum):
    Session = apps.get_model("council", "Session")
    return ["council", *_sessions(Session.objects.filter(minutes=erratum.minutes_id))]


def _review_changed(review):
    Milestone = apps.get_model("commitments", "Milestone")
    commitment_ids = list(Milestone.objects.filter(pk=review.milestone_id).values_list("commitment_id", flat=True))
    return [*_of_session(review), *_commitment_pages(commitment_ids)]


def _proposal_changed(proposal):
    Session = apps.get_model("council", "Session")
    # Session pages name the proposals their agenda took up, with their titles (hidden ones are left out).
    discussed = Session.objects.filter(agenda_items__proposal_references__code=proposal.code)
    # The plan page counts the proposals received through its calls.
    ActionPlan = apps.get_model("commitments", "ActionPlan")
    plans = ActionPlan.objects.filter(calls=proposal.call_id).values_list("slug", flat=True)
    return ["proposals", f"proposal:{proposal.code}", *_sessions(discussed), *(f"plan:{slug}" for slug in plans)]


def _reference_changed(reference):
    """An agenda item's proposal: the session's page and the proposal's, which names the sessions."""
    Session = apps.get_model("council", "Session")
    return ["council", *_sessions(Session.objects.filter(agenda_items=reference.agenda_item_id)),
            f"proposal:{reference.code}"]  # fmt: skip


def _meeting_changed(meeting):
    """The meeting lists and pages, the territorial view (all under "proposals") and its plan's page."""
    return ["proposals", *_plan(meeting.plan_id)]


def _event_changed(event):
    Proposal = apps.get_model("proposals", "Proposal")
    codes = Proposal.objects.filter(pk=event.proposal_id).values_list("code", flat=True)
    return ["proposals", *(f"proposal:{code}" for code in codes)]


def _vocabulary(*sections):
    return lambda instance: [*sections, VOCABULARY]


BUMPS = {
    "commitments.actionplan": _plan_changed,
    "commitments.commitment": _commitment_changed,
    "commitments.commitmentalias": lambda alias: [f"commitment:{alias.code}"],  # the old code's addresses
    "commitments.milestone": _milestone_changed,
    "commitments.progressupdate": _update_changed,
    "commitments.evidence": _evidence_changed,
    "commitments.replanning": _replanning_changed,
    "commitments.organization": _organization_changed,
    "commitments.ogpvalue": _vocabulary("commitments"),
    # The standards page and the end-of-term report of its plan.
    "commitments.cocreationrequirement": lambda requirement: _plan(requirement.plan_id),
    "council.session": _session_changed,
    "council.minutes": _of_session,
    "council.erratum": _erratum_changed,
    "council.agreement": _of_session,
    "council.agendaitem": _of_session,
    "council.proposalreference": _reference_changed,
    "council.attendance": _of_session,
    "council.milestonereview": _review_changed,
    "council.councilmember": _vocabulary("council"),
    "council.quorumrule": _vocabulary("council"),  # session pages state the rule they apply
    "council.replanapproval": _approval_changed,
    "proposals.proposal": _proposal_changed,
    "proposals.statusevent": _event_changed,
    "proposals.publicmeeting": _meeting_changed,
    "proposals.call": _vocabulary("proposals"),
    "proposals.zonaladministration": _vocabulary("proposals"),
    "proposals.parish": _vocabulary("proposals"),
    "subscriptions.subscription": lambda subscription: ["subscriptions"],  # the count on /datos/
}
# Models of the content apps whose changes no public page shows. A test checks that every model of these apps
# is in BUMPS or here, so that a new model cannot be forgotten.
SHOWN_NOWHERE = {
    "commitments.staffprofile",  # which institution an editor works for
    "proposals.proposercontact",  # personal data, never public
    "opendata.repositoryarchive",  # a stored ZIP, downloaded as a file (streamed, never cached)
    # The members' attendance running totals: derived from attendance rows and sessions, whose changes bump the
    # council pages; written in bulk (no signals) by the model layer.
    "council.attendancetotal",
    "subscriptions.subscriber",  # personal data, never public
    "subscriptions.event",  # sent by email, shown on no page
    "subscriptions.notification",
    "opendata.reportarchive",  # likewise, the end-of-term report's ZIP
}
CONTENT_APPS = ("commitments", "council", "proposals", "subscriptions", "opendata")


# Models whose bump depends on what changed: their function also gets `created` and `deleted`.
CHANGE_AWARE = {"commitments.milestone"}


def names_for(instance, created=False, deleted=False):
    """What `instance`'s change makes out of date; nothing for a model not in BUMPS (history records among them:
    `commitments.historicalmilestone`, and sessions, tasks, rate-limit counters, users). A section's bump also
    bumps its records (`records()`)."""
    label = instance._meta.concrete_model._meta.label_lower
    names_of = BUMPS.get(label)
    if not names_of:
        return []
    names = names_of(instance, created=created, deleted=deleted) if label in CHANGE_AWARE else names_of(instance)
    return [*names, *(records(name) for name in SECTIONS if name in names)]


def changed(sender, instance, **kwargs):
    """post_save / post_delete receiver."""
    if kwargs.get("raw"):
        # loaddata: rows may be half-linked until every fixture is in, so no lookups; every page goes out of date.
        bump([EVERY_PAGE] if instance._meta.label_lower in BUMPS else [])
        return
    bump(names_for(instance, created=kwargs.get("created", False), deleted=kwargs.get("signal") is post_delete))


def m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed receiver. Pages show their links from the side that declares the field (a commitment its OGP
    values, a proposal its commitments); a change made from the other side also bumps the declaring rows."""
    if not action.startswith("post_"):
        return
    names = names_for(instance)
    if reverse and pk_set:
        names += [name for row in model._base_manager.filter(pk__in=pk_set) for name in names_for(row)]
    bump(names)
