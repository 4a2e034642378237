"""What other apps add to the commitment page: a registry filled once from their `AppConfig.ready()`.

`commitments` imports no other app, yet its commitment page shows each milestone's latest review by the advisory
council. So the council says what to fetch, and the page's view asks this registry:

- `council/apps.py` (`CouncilConfig.ready`) registers the one extension there is today::

      extensions.add_milestone_prefetch(
          Prefetch("council_reviews", queryset=..., to_attr="council_reviews_shown")
      )

- `commitments.views.CommitmentDetailView` passes `milestone_prefetches()` to `Commitment.objects.for_page()`,
  which adds them to the milestones' prefetches: one query more per extension, whatever the data size.
- `templates/commitments/commitment_detail.html` reads the attribute the prefetch names
  (`milestone.council_reviews_shown`) and shows nothing when no app registered it.

The re-planning ledger's pages (`/compromisos/<code>/cambios/`, `/planes/<slug>/cambios/`) likewise show the
council's approval of each change: `council/apps.py` registers it with `add_replanning_prefetch`
(`replanning.council_approval_shown`).

Likewise `proposals/apps.py` registers, with `add_commitment_prefetch`, the citizen proposals that shaped the
commitment (`commitment.proposals_shown`).
"""

_milestone_prefetches = {}
_commitment_prefetches = {}
_replanning_prefetches = {}


def add_milestone_prefetch(prefetch):
    """Fetch `prefetch` (a `Prefetch` on Milestone with a `to_attr`) with every milestone the commitment page shows.

    Registering the same `to_attr` again replaces the earlier one, so a repeated `ready()` adds nothing.
    """
    if not prefetch.to_attr:
        raise ValueError("A commitment-page prefetch needs a to_attr: the template reads it by that name.")
    _milestone_prefetches[prefetch.to_attr] = prefetch


def milestone_prefetches():
    """The registered prefetches, in the order they were first registered."""
    return list(_milestone_prefetches.values())


def add_commitment_prefetch(prefetch):
    """Fetch `prefetch` (a `Prefetch` on Commitment with a `to_attr`) with the commitment the page shows."""
    if not prefetch.to_attr:
        raise ValueError("A commitment-page prefetch needs a to_attr: the template reads it by that name.")
    _commitment_prefetches[prefetch.to_attr] = prefetch


def commitment_prefetches():
    return list(_commitment_prefetches.values())


def add_replanning_prefetch(prefetch):
    """Fetch `prefetch` (a `Prefetch` on Replanning with a `to_attr`) with every change the ledger pages show."""
    if not prefetch.to_attr:
        raise ValueError("A ledger-page prefetch needs a to_attr: the template reads it by that name.")
    _replanning_prefetches[prefetch.to_attr] = prefetch


def replanning_prefetches():
    return list(_replanning_prefetches.values())
