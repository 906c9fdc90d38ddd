"""The core domain: centers, levels, occupations, the appraisal calendar, users and roles, and the
records the core keeps (the task outbox, the personal-data access log).

Every number and date of the notice is data here (editable per year), never a constant in code.
Invariants that must hold under concurrency are database constraints. One module per concern;
everything is importable from `appraisal.models`.
"""

from appraisal.models.calendar import (
    HalfYear,
    RetakeDay,
    RetakeKind,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    WorkdayOverride,
)
from appraisal.models.centers import (
    GRANTABLE_KINDS,
    GRANTABLE_LEVELS,
    PARENT_KINDS,
    AuthorityGrant,
    Center,
    CenterKind,
    Level,
)
from appraisal.models.occupations import (
    EligibilityCondition,
    Occupation,
    OccupationCategory,
    OccupationLevel,
    OccupationStatus,
    SkillExamMode,
)
from appraisal.models.records import (
    AppendOnlyError,
    AppendOnlyModel,
    OutboxMessage,
    PersonalDataAccess,
    PersonalDataKind,
    PersonalDataRecord,
)
from appraisal.models.users import (
    STAFF_ROLES,
    Role,
    User,
)

__all__ = [
    "Level",
    "CenterKind",
    "PARENT_KINDS",
    "GRANTABLE_KINDS",
    "GRANTABLE_LEVELS",
    "Center",
    "AuthorityGrant",
    "OccupationCategory",
    "OccupationStatus",
    "Occupation",
    "SkillExamMode",
    "OccupationLevel",
    "EligibilityCondition",
    "HalfYear",
    "UnifiedAppraisal",
    "RetakeKind",
    "RetakeDay",
    "ScheduledAppraisalDay",
    "WorkdayOverride",
    "Role",
    "STAFF_ROLES",
    "User",
    "AppendOnlyError",
    "AppendOnlyModel",
    "OutboxMessage",
    "PersonalDataKind",
    "PersonalDataAccess",
    "PersonalDataRecord",
]
