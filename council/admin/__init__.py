"""The council's admin, registered by importing its modules.

- `base`: who convenes, the shared inline helpers.
- `sessions`: members and sessions with their inlines (agenda, attendance, minutes, agreements, reviews).
- `minutes`: minutes (approval, publication, errata), agreements, milestone reviews.
"""

from council.admin.base import HeldSessionInline, SelectRelatedInline, can_convene, shared_choices
from council.admin.minutes import AgreementAdmin, ApproveForm, MilestoneReviewAdmin, MinutesAdmin, PublishForm
from council.admin.sessions import CouncilMemberAdmin, SessionAdmin

__all__ = [
    "AgreementAdmin",
    "ApproveForm",
    "CouncilMemberAdmin",
    "HeldSessionInline",
    "MilestoneReviewAdmin",
    "MinutesAdmin",
    "PublishForm",
    "SelectRelatedInline",
    "SessionAdmin",
    "can_convene",
    "shared_choices",
]
