"""What becomes an event: one function per kind of change, registered for the model whose save it reads.

A source function gets the saved instance and whether it was created, and returns a `Happening` (or None for a
save nobody is told about). After the commit, `record()` stores it as one `Event`, with its text in every
language, and one `Notification` per address that follows it (`subscriptions/delivery.py` sends them).

Adding a kind: add it to `Event.Kind`, then write

    @source("app.Model")
    def something_happened(instance, created):
        if not created:
            return None
        return Happening(Event.Kind.SOMETHING, f"something:{instance.pk}", text=lambda: gettext("…"),
                         url=instance.get_absolute_url, commitment=…, is_demo=…)

The apps that send these saves never import this one: the receivers are connected from `SubscriptionsConfig.ready`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from subscriptions.models import Event, Notification, Subscription

SOURCES = {}


def source(model_label):
    """Register `function(instance, created) -> Happening | None` for saves of `model_label` ("app.Model")."""

    def register(function):
        SOURCES.setdefault(model_label, []).append(function)
        return function

    return register


@dataclass
class Happening:
    kind: str
    key: str  # unique per source row: the same save seen twice is one event
    text: Callable[[], str]  # called once per language
    url: Callable[[], str]  # the page it is about, called once per language (paths carry the language prefix)
    is_demo: bool = False
    commitment: Any = None
    zone_id: int | None = None
    proposal_id: int | None = None
    council: bool = False


def connect():
    for label in SOURCES:
        post_save.connect(_saved, sender=apps.get_model(label), dispatch_uid=f"subscriptions:{label}")


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    for function in SOURCES[sender._meta.label]:
        happening = function(instance, created)
        if happening is not None:
            # `robust`: an event that cannot be recorded never turns the committed change into an error.
            transaction.on_commit(partial(record, happening), robust=True)


def record(happening):
    """Store the event and what each following address is owed; queue the immediate emails after the commit."""
    from subscriptions.delivery import queue_immediate  # delivery.py imports this module's models only

    with transaction.atomic():
        texts = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                texts[language] = {"text": str(happening.text()), "url": happening.url()}
        commitment = happening.commitment
        event, created = Event.objects.get_or_create(
            key=happening.key,
            defaults={
                "kind": happening.kind,
                "is_demo": happening.is_demo,
                "commitment": commitment,
                "plan_id": commitment.plan_id if commitment is not None else None,
                "zone_id": happening.zone_id,
                "proposal_id": happening.proposal_id,
                "council": happening.council,
                "texts": texts,
            },
        )
        if not created:
            return event
        owed = notifications_for(event)
        Notification.objects.bulk_create(owed, ignore_conflicts=True)
    queue_immediate(event)
    return event


def notifications_for(event):
    """One notification per confirmed address following `event`; an address that follows it both at once and
    weekly (a commitment and its plan) gets it at once."""
    rows = (
        Subscription.objects.confirmed()
        .matching(event)
        .order_by("subscriber_id", "frequency", "pk")  # "immediate" sorts before "weekly"
        .values_list("pk", "subscriber_id", "frequency")
    )
    chosen = {}
    for pk, subscriber_id, frequency in rows:
        chosen.setdefault(subscriber_id, (pk, frequency))
    return [
        Notification(subscriber_id=subscriber_id, subscription_id=pk, event=event, frequency=frequency)
        for subscriber_id, (pk, frequency) in chosen.items()
    ]


# The sources. Each reads only its instance and what it links to; none runs for bulk loads (seed_demo).


@source("commitments.ProgressUpdate")
def progress_reported(update, created):
    if not created:
        return None
    milestone = update.milestone
    commitment = milestone.commitment
    completed = update.status == milestone.Status.COMPLETE
    values = {"code": commitment.code, "order": milestone.order, "title": milestone.title, "progress": update.progress}

    def text():
        if completed:
            return gettext("%(code)s · milestone %(order)s “%(title)s” was completed (100%%).") % values
        return gettext("%(code)s · new progress report on milestone %(order)s “%(title)s”: %(progress)s%%.") % values

    return Happening(
        Event.Kind.COMPLETED if completed else Event.Kind.PROGRESS,
        f"progress:{update.pk}",
        text=text,
        url=milestone.get_absolute_url,
        is_demo=milestone.is_demo or commitment.is_demo,
        commitment=commitment,
    )


@source("commitments.Replanning")
def milestone_replanned(change, created):
    """An entry of the re-planning ledger: a milestone's dates moved after its roadmap's validation, with a reason.
    The ledger is written only by `Milestone.save()` (one row per change, never bulk outside the demo seeder)."""
    if not created:
        return None
    milestone = change.milestone
    commitment = milestone.commitment

    def text():
        values = {
            "code": commitment.code,
            "order": milestone.order,
            "title": milestone.title,
            "reason": change.reason,
        }
        moves = []
        if change.due_changed():
            moves.append(
                gettext("due date %(old)s → %(new)s")
                % {"old": date_format(change.old_due_on), "new": date_format(change.new_due_on)}
            )
        if change.starts_changed():
            moves.append(
                gettext("start %(old)s → %(new)s")
                % {"old": date_format(change.old_starts_on), "new": date_format(change.new_starts_on)}
            )
        values["moves"] = "; ".join(moves)
        return gettext("%(code)s · milestone %(order)s “%(title)s” was re-planned (%(moves)s). Reason: %(reason)s") % (
            values
        )

    return Happening(
        Event.Kind.REPLANNED,
        f"replanned:{change.pk}",
        text=text,
        url=change.get_absolute_url,
        is_demo=milestone.is_demo or commitment.is_demo,
        commitment=commitment,
    )


@source("council.MilestoneReview")
def council_verified(review, created):
    # Reviews are recorded only for held sessions, which are public (MilestoneReviewQuerySet.visible_to).
    if not created or not review.session.is_held():
        return None
    milestone = review.milestone
    commitment = milestone.commitment

    def text():
        return gettext(
            "%(code)s · the council reviewed milestone %(order)s “%(title)s” at session %(number)s: %(outcome)s."
        ) % {
            "code": commitment.code,
            "order": milestone.order,
            "title": milestone.title,
            "number": review.session.number,
            "outcome": review.get_outcome_display(),
        }

    return Happening(
        Event.Kind.REVIEW,
        f"review:{review.pk}",
        text=text,
        url=review.get_absolute_url,
        is_demo=review.session.is_demo or milestone.is_demo,
        commitment=commitment,
    )


@source("council.Minutes")
def minutes_published(minutes, created):
    if minutes.status != minutes.Status.PUBLISHED:
        return None
    session = minutes.session

    def text():
        return gettext("The minutes of council session %(number)s were published.") % {"number": session.number}

    return Happening(
        Event.Kind.MINUTES,
        f"minutes:{minutes.pk}",
        text=text,
        url=minutes.get_absolute_url,
        is_demo=session.is_demo,
        council=True,
    )


@source("proposals.StatusEvent")
def proposal_status_changed(status_event, created):
    proposal = status_event.proposal
    # A hidden proposal's title is not public: nobody is told about it.
    if not created or proposal.is_hidden:
        return None

    def text():
        return gettext("Proposal %(code)s “%(title)s” is now: %(status)s.") % {
            "code": proposal.code,
            "title": proposal.title,
            "status": status_event.get_status_display(),
        }

    return Happening(
        Event.Kind.PROPOSAL_STATUS,
        f"proposal-status:{status_event.pk}",
        text=text,
        url=proposal.get_absolute_url,
        is_demo=proposal.is_demo,
        zone_id=proposal.zone_id,
        proposal_id=proposal.pk,
    )
