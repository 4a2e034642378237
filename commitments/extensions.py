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

Likewise `proposals/apps.py` registers, with `add_commitment_prefetch`, the citizen proposals that shaped the
commitment (`commitment.proposals_shown`), and with `add_plan_section` the plan page's co-creation (its calls,
public meetings and proposals received).
"""

_milestone_prefetches = {}
_commitment_prefetches = {}


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
