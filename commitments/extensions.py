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

Likewise `proposals/apps.py` registers, with `add_commitment_attribute`, the citizen proposals that shaped the
commitment (`commitment.proposals_shown`) and, with `add_plan_section`, the plan page's co-creation (its calls,
public meetings and proposals received); `council/apps.py`, with `add_commitment_list_annotation`, how many of
each commitment's milestones the council verified (`commitment.council_verified_count` on the cards).
"""

import copy

_milestone_prefetches = {}
_commitment_attributes = {}
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


def add_commitment_attribute(name, fetch):
    """Set `commitment.<name>` to `fetch(commitment)` on the commitment page: one query, at most a page of rows.

    A function of the one commitment the page shows rather than a `Prefetch`: Django prefetches a sliced queryset
    with a window function, which reads every related row (thousands of proposals) before keeping the first few,
    whereas a plain `LIMIT` query on the one commitment walks an index and stops. Registering `name` again
    replaces the earlier one."""
    _commitment_attributes[name] = fetch


def fetch_commitment_attributes(commitment):
    """Set every registered attribute on `commitment`: one query each, whatever the data size."""
    for name, fetch in _commitment_attributes.items():
        setattr(commitment, name, fetch(commitment))


_list_annotations = {}


def add_commitment_list_annotation(name, expression):
    """Annotate `name` = `expression` on every commitment list (`Commitment.objects.for_list()`): the cards read it.

    An expression adds no query; the council's registration is the count of milestones it verified."""
    _list_annotations[name] = expression


def commitment_list_annotations():
    return dict(_list_annotations)


# Lookups one app offers another that may not import it. `council` and `proposals` never import each other, yet an
# agenda item may concern a citizen proposal and a proposal's page names the sessions that discussed it. Each app
# provides its side from `AppConfig.ready()` under one of these names; the other asks `lookup(name)`, which is
# None while nobody provides it (the page then shows nothing of it):
#
# - PROPOSAL_CODE, by proposals: `normalize(text)`, the canonical `QGA-XXX-XXX-XXX` form of a typed code, or "".
# - PROPOSALS_BY_CODE, by proposals: `find(codes, user)`, `{code: proposal}` of the proposals `user` may see among
#   `codes` (`code`, `title`, `is_demo`, `get_absolute_url()`), in one query.
# - PROPOSAL_AGENDA_ITEMS, by council: `items(code, user)`, the agenda items that concern the proposal `code`,
#   each with its `session`, the latest session first, in one query.
PROPOSAL_CODE = "proposal_code"
PROPOSALS_BY_CODE = "proposals_by_code"
PROPOSAL_AGENDA_ITEMS = "proposal_agenda_items"

_lookups = {}


def provide(name, function):
    """Offer `function` under `name`; providing it again replaces it, so a repeated `ready()` changes nothing."""
    _lookups[name] = function


def lookup(name):
    return _lookups.get(name)


_plan_sections = {}


def add_plan_section(name, template_name, context):
    """Show `template_name` on the plan page, rendered with `section` = `context(plan, user)` (a dict).

    `context` runs a fixed number of queries whatever the data size; its dict may say `has_records` (True when
    the portal holds records to show). `proposals/apps.py` registers the plan's co-creation: its calls, public
    meetings and the proposals received. Registering `name` again replaces the earlier one.
    """
    _plan_sections[name] = (template_name, context)


def plan_sections(plan, user):
    """(template name, its `section` context) of every registered plan-page section."""
    return [(template_name, context(plan, user)) for template_name, context in _plan_sections.values()]


def add_replanning_prefetch(prefetch):
    """Fetch `prefetch` (a `Prefetch` on Replanning with a `to_attr`) with every change the ledger pages show."""
    if not prefetch.to_attr:
        raise ValueError("A ledger-page prefetch needs a to_attr: the template reads it by that name.")
    _replanning_prefetches[prefetch.to_attr] = prefetch


def replanning_prefetches():
    """Copies: Django's `prefetch_related` adds a prefix to a `Prefetch` used under another lookup, so the
    registered objects themselves are never handed out."""
    return [copy.deepcopy(prefetch) for prefetch in _replanning_prefetches.values()]
