"""The council's admin, registered by importing its modules.

- `base`: who convenes, the shared inline helpers.
- `sessions`: members and sessions with their inlines (agenda, reviews).
- `minutes`: minutes (approval, publication, errata), agreements, milestone reviews.
- `recording`: the one-screen recording of a session (attendance, agenda, agreements, minutes with preview).
- `quorum`: the quorum rules, edited by the coordination.
- `approvals`: the council's approvals of changes of a milestone's dates (the re-planning ledger).
"""

from council.admin.approvals import ReplanApprovalAdmin
from council.admin.base import HeldSessionInline, SelectRelatedInline, can_convene, shared_choices
from council.admin.minutes import AgreementAdmin, ApproveForm, MilestoneReviewAdmin, MinutesAdmin, PublishForm
from council.admin.quorum import QuorumRuleAdmin
from council.admin.sessions import CouncilMemberAdmin, SessionAdmin

__all__ = [
    "AgreementAdmin",
    "ApproveForm",
    "CouncilMemberAdmin",
    "HeldSessionInline",
    "MilestoneReviewAdmin",
    "MinutesAdmin",
    "PublishForm",
    "QuorumRuleAdmin",
    "ReplanApprovalAdmin",
    "SelectRelatedInline",
    "SessionAdmin",
    "can_convene",
    "shared_choices",
]
