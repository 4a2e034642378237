"""The commitments app's models, one module per part of the record; every public name is re-exported here.

- `base`: today(), date precision, bilingual content and field helpers.
- `plans`: organizations, action plans, OGP values.
- `staff`: role groups and their permission table, staff profiles.
- `roadmap`: commitments and milestones (together: each reads the other), with their QuerySets.
- `progress`: progress updates and evidence.
- `replanning`: the re-planning ledger (changes of a milestone's dates after the roadmap's validation).
- `cocreation`: OGP's co-creation standards as a checklist per plan.
- `demo`: the demonstration-data flag and the signal receivers that reset it (registered by this import).
"""

from commitments.models.base import (
    DEMO_CODE_PREFIX,
    LOCAL_CODE_PREFIX,
    Bilingual,
    DatePrecision,
    precision_field,
    today,
    translated_fields_field,
)
from commitments.models.cocreation import (
    CocreationRequirement,
    CocreationRequirementQuerySet,
    validate_evidence_link,
)
from commitments.models.demo import DEMO_FLAG_CACHE_KEY, demo_data_present, forget_demo_data_flag
from commitments.models.plans import ActionPlan, ActionPlanQuerySet, OgpValue, Organization, OrganizationQuerySet
from commitments.models.progress import (
    Evidence,
    ProgressUpdate,
    ProgressUpdateQuerySet,
    evidence_upload_to,
    file_sha256,
    fill_evidence_checksums,
)
from commitments.models.replanning import Replanning, ReplanningQuerySet
from commitments.models.roadmap import (
    DUE_SOON_DAYS,
    NO_REPORT_DAYS,
    Commitment,
    CommitmentAlias,
    CommitmentQuerySet,
    Completion,
    Milestone,
    MilestoneQuerySet,
    Punctuality,
    stale_after_days,
)
from commitments.models.staff import (
    COORDINATION_GROUP,
    EDITOR_GROUP,
    ROLE_PERMISSIONS,
    StaffProfile,
    coordinates_plans,
    staff_organization_id,
)
from commitments.validators import ALLOWED_EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, validate_evidence_file

__all__ = [
    "ALLOWED_EVIDENCE_TYPES",
    "COORDINATION_GROUP",
    "DEMO_CODE_PREFIX",
    "DEMO_FLAG_CACHE_KEY",
    "DUE_SOON_DAYS",
    "EDITOR_GROUP",
    "LOCAL_CODE_PREFIX",
    "MAX_EVIDENCE_BYTES",
    "NO_REPORT_DAYS",
    "ROLE_PERMISSIONS",
    "ActionPlan",
    "ActionPlanQuerySet",
    "Bilingual",
    "CocreationRequirement",
    "CocreationRequirementQuerySet",
    "Commitment",
    "CommitmentAlias",
    "CommitmentQuerySet",
    "Completion",
    "DatePrecision",
    "Evidence",
    "Milestone",
    "MilestoneQuerySet",
    "OgpValue",
    "Organization",
    "OrganizationQuerySet",
    "ProgressUpdate",
    "ProgressUpdateQuerySet",
    "Punctuality",
    "Replanning",
    "ReplanningQuerySet",
    "StaffProfile",
    "coordinates_plans",
    "demo_data_present",
    "evidence_upload_to",
    "file_sha256",
    "fill_evidence_checksums",
    "forget_demo_data_flag",
    "precision_field",
    "staff_organization_id",
    "stale_after_days",
    "today",
    "translated_fields_field",
    "validate_evidence_file",
    "validate_evidence_link",
]
