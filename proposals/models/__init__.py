"""The proposals app's models, one module per part of the record; every public name is re-exported here.

- `codes`: tracking codes and text normalisation.
- `places`: zonal administrations and parishes.
- `calls`: calls for proposals.
- `proposals`: proposals, the moderation queue, status events and the moderation role table.
- `meetings`: public co-creation meetings and their aggregate participation.
- `contacts`: proposers' contact data and consent.
"""

from proposals.models.calls import Call, CallQuerySet
from proposals.models.codes import (
    CODE_ALPHABET,
    CODE_GROUP,
    CODE_LENGTH,
    CODE_PREFIX,
    format_code,
    new_tracking_code,
    normalize_code,
    normalize_text,
)
from proposals.models.contacts import (
    CONSENT_VERSION,
    ProposerContact,
    ProposerContactQuerySet,
    contact_erased,
    personal_data_purged,
)
from proposals.models.meetings import PublicMeeting, PublicMeetingQuerySet
from proposals.models.places import Parish, ZonalAdministration
from proposals.models.proposals import (
    MODERATION_GROUP,
    ROLE_PERMISSIONS,
    Proposal,
    ProposalQuerySet,
    ProposalQueue,
    StatusEvent,
    can_moderate,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_GROUP",
    "CODE_LENGTH",
    "CODE_PREFIX",
    "CONSENT_VERSION",
    "MODERATION_GROUP",
    "ROLE_PERMISSIONS",
    "Call",
    "CallQuerySet",
    "Parish",
    "Proposal",
    "ProposalQuerySet",
    "ProposalQueue",
    "ProposerContact",
    "ProposerContactQuerySet",
    "PublicMeeting",
    "PublicMeetingQuerySet",
    "StatusEvent",
    "ZonalAdministration",
    "can_moderate",
    "contact_erased",
    "format_code",
    "new_tracking_code",
    "normalize_code",
    "normalize_text",
    "personal_data_purged",
]
