"""Every write of exam administration, by concern: plain functions with keyword arguments, in a
transaction; the views, API, commands and Celery tasks only call these. See docs/architecture.md.

- sites: create_site, add_room
- sessions: schedule_session, publication_deadline, check_publication_deadlines
- seating: assign_seats_automatically, assign_seat, ticket_number, seated_guard
- examiners: add_examiner_qualification, assign_examiner
- papers: compose_paper, request_papers, fulfil_paper_request, record_custody, composes_own_papers
- supervision: record_supervision, record_incident
- scores: enter_score, enter_grid, publish_session, missing_scores, request_score_correction,
  decide_score_correction, expire_retained_passes, application_outcome, outcomes_for, published_scores_for_forms
- score_import: import_scores, check_score_upload (what the upload page refuses at once)
- tickets: store_session_tickets, stored_session_tickets, queue_session_tickets

`from exams import services; services.schedule_session(...)` reaches them all. The rules of marking
they apply (recusal, discipline, kept passes) are exams.marking; scoped reads are exams.selectors.
"""

from exams.marking import retained_passes, retained_passes_by_candidate, subjects_to_take
from exams.selectors import eligible_applications
from exams.services.examiners import add_examiner_qualification, assign_examiner
from exams.services.papers import (
    compose_paper,
    composes_own_papers,
    fulfil_paper_request,
    record_custody,
    request_papers,
)
from exams.services.score_import import check_score_upload, import_scores
from exams.services.scores import (
    application_outcome,
    decide_score_correction,
    enter_grid,
    enter_score,
    expire_retained_passes,
    missing_scores,
    outcomes_for,
    publish_session,
    published_scores_for_forms,
    request_score_correction,
)
from exams.services.seating import (
    SeatingResult,
    assign_seat,
    assign_seats_automatically,
    seated_guard,
    ticket_number,
)
from exams.services.sessions import (
    PUBLICATION_WORKING_DAYS,
    check_publication_deadlines,
    publication_deadline,
    schedule_session,
)
from exams.services.sites import add_room, create_site
from exams.services.supervision import record_incident, record_supervision
from exams.services.tickets import queue_session_tickets, store_session_tickets, stored_session_tickets

__all__ = [
    "PUBLICATION_WORKING_DAYS", "SeatingResult", "add_examiner_qualification", "add_room",
    "application_outcome", "outcomes_for", "assign_examiner", "assign_seat", "assign_seats_automatically",
    "check_publication_deadlines", "check_score_upload", "compose_paper", "composes_own_papers",
    "create_site", "decide_score_correction", "eligible_applications", "enter_grid", "enter_score",
    "expire_retained_passes", "fulfil_paper_request", "import_scores", "missing_scores",
    "publication_deadline", "publish_session", "published_scores_for_forms", "queue_session_tickets",
    "record_custody", "record_incident", "record_supervision", "request_papers", "request_score_correction",
    "retained_passes", "retained_passes_by_candidate", "schedule_session", "seated_guard",
    "store_session_tickets", "stored_session_tickets", "subjects_to_take", "ticket_number",
]
