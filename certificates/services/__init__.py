"""Every write of the certificates app (CERT-2..CERT-4), by concern:

- lifecycle: the transition table and the one function that moves a certificate
- issuing: eligibility, issue one / many / a whole session, delivery_due
- printing: print batches, confirming blanks, spoiled blanks
- delivery: hand-over, reissue, revocation, name amendment, the deadline's alerts
- reporting: the data reported up the chain once per issuance, corrections, the province's records
- exchange: the national exchange file and feed
- guards: what the app plugs into the core's extension points
"""

from certificates.services.delivery import (
    amend_holder_name,
    check_delivery_deadlines,
    deliver,
    may_hand_over,
    request_reissue,
    revoke,
)
from certificates.services.electronic import electronic_certificate
from certificates.services.exchange import FORMAT as EXCHANGE_FORMAT
from certificates.services.exchange import export_increment, feed
from certificates.services.issuing import (
    DELIVERY_WORKING_DAYS,
    IssueResult,
    delivery_due,
    issue_certificate,
    issue_certificates,
    issue_for_session,
    refusal_to_issue,
    session_issue_rows,
)
from certificates.services.lifecycle import TRANSITIONS, refusal
from certificates.services.printing import (
    PRINT_JOB,
    cancel_batch,
    confirm_batch,
    create_print_batch,
    record_spoiled,
    require_printer,
    serials_from,
)
from certificates.services.reporting import (
    accept_report,
    chain,
    forward_report,
    record_correction,
    remind_unreported,
    return_report,
    send_corrections,
    send_report,
    unreported,
    unreported_corrections,
)

__all__ = [
    "EXCHANGE_FORMAT", "export_increment", "feed",
    "accept_report", "amend_holder_name", "chain", "forward_report", "record_correction", "remind_unreported",
    "return_report", "send_corrections", "send_report", "unreported", "unreported_corrections",
    "DELIVERY_WORKING_DAYS", "PRINT_JOB", "TRANSITIONS", "IssueResult", "cancel_batch", "check_delivery_deadlines",
    "confirm_batch", "create_print_batch", "deliver", "delivery_due", "issue_certificate", "issue_certificates",
    "issue_for_session", "may_hand_over", "record_spoiled", "refusal", "refusal_to_issue", "request_reissue",
    "require_printer", "revoke", "serials_from", "session_issue_rows", "electronic_certificate",
]
