"""The council app's models; every public name is re-exported here.

- `roles`: the council's role groups and their permission table.
- `members`: council members and their terms of office.
- `quorum`: the quorum rule, as data (seats that count, threshold, from a date), and the quorum it gives.
- `sessions`: sessions, agenda items, attendance.
- `records`: agreements, milestone reviews, minutes and errata.
- `approvals`: the council's approval of a change of a milestone's dates (the commitments' re-planning ledger).
"""

from commitments.models import today
from commitments.validators import validate_pdf
from council.models.approvals import ReplanApproval, ReplanApprovalQuerySet
from council.models.members import CouncilMember, CouncilMemberQuerySet, in_office_on
from council.models.quorum import Quorum, QuorumRule
from council.models.records import (
    MINUTES_TAGS,
    Agreement,
    Erratum,
    MilestoneReview,
    Minutes,
    require_held_session,
    signed_minutes_upload_to,
)
from council.models.roles import (
    COMMITMENTS_READ,
    COUNCIL_GROUP,
    ROLE_PERMISSIONS,
    SECRETARIAT_GROUP,
    role_codenames,
    role_table,
)
from council.models.sessions import (
    AgendaItem,
    Attendance,
    AttendanceTotal,
    ProposalReference,
    Session,
    SessionQuerySet,
)

__all__ = [
    "COMMITMENTS_READ",
    "COUNCIL_GROUP",
    "MINUTES_TAGS",
    "ROLE_PERMISSIONS",
    "SECRETARIAT_GROUP",
    "AgendaItem",
    "Agreement",
    "Attendance",
    "AttendanceTotal",
    "CouncilMember",
    "CouncilMemberQuerySet",
    "Erratum",
    "MilestoneReview",
    "Minutes",
    "ProposalReference",
    "Quorum",
    "QuorumRule",
    "ReplanApproval",
    "ReplanApprovalQuerySet",
    "Session",
    "SessionQuerySet",
    "in_office_on",
    "require_held_session",
    "role_codenames",
    "role_table",
    "signed_minutes_upload_to",
    "today",
    "validate_pdf",
]
