"""Every write of registration, by concern; this package re-exports the public functions, so
`from registration import services; services.create_application(...)` keeps working.

- applications: a draft created and corrected, its materials, its submission; what a valid
  application is (`validate_new_application` and the rules it calls, also used by the import)
- appraisals: open appraisals, registration windows and the center that appraises (read-only rules)
- eligibility: identity, REG-6 conditions, required materials, fees (read-only rules)
- review: the transition table and the decisions on it, originals checked, closing of registration
- payments: FEE-1 payment records
- candidates: sign-up, accounts created by a center, initial passwords
- opinions: the HR bureau's opinion (REG-1)
- extra_sessions: CAL-6 requests and decisions
- imports: the bulk import (REG-3)
- forms_pdf: storing the 申报表 PDFs
"""

from registration.services.applications import (
    FORM_FIELDS,
    attach_material,
    clean_form_fields,
    create_application,
    submit_application,
    update_application,
    validate_new_application,
)
from registration.services.appraisals import (
    CandidateChoice,
    Window,
    candidate_choice,
    check_level_offered,
    check_window,
    engine_decision,
    extra_day_message,
    open_appraisals,
    responsible_center,
    staff_entry_options,
    target_center,
    window_for,
)
from registration.services.candidates import (
    INITIAL_PASSWORD_CHARS,
    INITIAL_PASSWORD_LENGTH,
    new_initial_password,
    register_candidate,
    reset_candidate_password,
)
from registration.services.eligibility import (
    MIN_AGE,
    PHONE_PATTERN,
    check_eligibility,
    conditions_for,
    fee_for,
    required_materials,
    validate_identity,
)
from registration.services.payments import PAYABLE_STATUSES, payment_can_change, record_payment
from registration.services.review import (
    ORIGINAL_CHECK_KINDS,
    TRANSITIONS,
    allowed_targets,
    approve_application,
    close_registration,
    confirm_original,
    originals_can_be_checked,
    originals_unchecked,
    reject_application,
    return_application,
    transition,
    withdraw_application,
)

__all__ = [
    "FORM_FIELDS", "INITIAL_PASSWORD_CHARS", "INITIAL_PASSWORD_LENGTH", "MIN_AGE", "ORIGINAL_CHECK_KINDS",
    "PAYABLE_STATUSES", "PHONE_PATTERN", "TRANSITIONS", "CandidateChoice", "Window", "allowed_targets",
    "approve_application", "attach_material", "candidate_choice",
    "check_eligibility", "check_level_offered", "check_window", "clean_form_fields", "close_registration",
    "conditions_for", "confirm_original", "create_application", "engine_decision", "extra_day_message",
    "fee_for", "new_initial_password", "open_appraisals", "originals_can_be_checked", "originals_unchecked",
    "payment_can_change", "record_payment", "register_candidate", "reject_application",
    "required_materials", "reset_candidate_password", "responsible_center", "return_application",
    "staff_entry_options", "submit_application", "target_center", "transition", "update_application",
    "validate_identity", "validate_new_application", "window_for", "withdraw_application",
]
