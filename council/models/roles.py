"""The council's role groups and what each may do."""

SECRETARIAT_GROUP = "Secretaría técnica del consejo"
COUNCIL_GROUP = "Consejo consultivo"
_ALL = ["add", "change", "delete", "view"]
# What each role may do, as permissions of the `council` app (model name: actions); nothing in commitments.
ROLE_PERMISSIONS = {
    # The technical secretary convenes sessions and keeps their whole record.
    SECRETARIAT_GROUP: {
        "session": _ALL, "agendaitem": _ALL, "attendance": _ALL, "agreement": _ALL, "milestonereview": _ALL,
        "minutes": ["add", "change", "view", "approve", "publish"], "erratum": ["add", "view"],
        "councilmember": ["view"], "replanapproval": _ALL,
    },
    # Members with an account record the sessions they hold and approve minutes.
    COUNCIL_GROUP: {
        "session": ["change", "view"], "agendaitem": ["view"], "attendance": ["add", "change", "view"],
        "agreement": _ALL, "milestonereview": _ALL, "minutes": ["add", "change", "view", "approve"],
        "erratum": ["view"], "councilmember": ["view"], "replanapproval": _ALL,
    },
}  # fmt: skip


def role_codenames(group_name):
    return [
        f"{action}_minutes" if action in ("approve", "publish") else f"{action}_{model}"
        for model, actions in ROLE_PERMISSIONS[group_name].items()
        for action in actions
    ]


# Read-only access to the roadmaps, to pick the milestone or commitment an agenda item or a review is about.
COMMITMENTS_READ = ["view_commitment", "view_milestone", "view_replanning"]


def role_table():
    """The role table as `ensure_role_groups` takes it: council codenames, plus the roadmap read access."""
    return {
        name: [*role_codenames(name), *(f"commitments.{codename}" for codename in COMMITMENTS_READ)]
        for name in ROLE_PERMISSIONS
    }
