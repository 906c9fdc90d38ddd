"""The authority engine (ORG-2..ORG-8): the one place that decides

* whether a center may appraise a candidate for an occupation at a level, with the reason in
  Chinese when it may not (`can_appraise`, `appraising_centers`), and
* what a user may see (`visible_centers`, `scope_queryset`, `can_see_center`).

No view, serializer or template re-implements any of this. The rules read the notice
(吉人社办字〔2017〕11号, 二、鉴定权限):

* national and provincial unified appraisals: the province center only, whatever the level (ORG-6);
* a county center: levels 5 and 4 for its own county (ORG-2);
* a city center: levels 5 and 4 for the city proper, level 3 for its whole region (ORG-3);
* the province center: levels 5, 4, 3 for central/provincial-affiliated units, and levels 2 and 1
  for the whole province (ORG-4);
* an expanded-authority county: exactly its granted levels, for its own county (ORG-5);
* school bodies only their own students, enterprise bodies only their own employees, within the
  levels approved for them (ORG-7).

A candidate is anything with the attributes `region`, `school`, `employer_body` (and optionally
`graduation_date`): the user model, or an unsaved affiliation on a form.

By concern: `rules` (who may appraise whom), `scope` (what a user may see and manage, who decides
for whom), `printing` (who prints certificates). Callers import from `appraisal.authority`.
"""

from appraisal.authority.printing import printing_center
from appraisal.authority.rules import (
    REGIONAL_BASIC_LEVELS,
    TECHNICIAN_LEVELS,
    Decision,
    appraising_centers,
    can_appraise,
    candidate_centers,
    explain_refusal,
    may_organize,
    statutory_levels,
)
from appraisal.authority.scope import (
    can_decide_for,
    can_manage_candidate,
    can_manage_center,
    can_see_center,
    counted_in,
    is_province_staff,
    scope_description,
    scope_queryset,
    sees_everything,
    under_center,
    visible_centers,
)

__all__ = [
    "REGIONAL_BASIC_LEVELS", "TECHNICIAN_LEVELS", "Decision", "appraising_centers", "can_appraise",
    "can_decide_for", "can_manage_candidate", "can_manage_center", "can_see_center", "candidate_centers",
    "counted_in", "explain_refusal", "is_province_staff", "may_organize", "printing_center",
    "scope_description", "scope_queryset", "sees_everything", "statutory_levels", "under_center",
    "visible_centers",
]
