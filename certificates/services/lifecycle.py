"""A certificate's states: one transition table (`TRANSITIONS`) and the one function that moves a
certificate along it, recording who, when, from, to and why.

    (eligible) --issue--> issued --print--> printed --deliver--> delivered
                            ^                  |                    |
                            +---- spoiled -----+                    | lost / damaged
                                                                    v
    revoked <-- revoke -- issued / printed / delivered / reissued   reissued --print--> printed

"Eligible" is no stored state: it is a qualified application without a valid certificate
(certificates.services.issuing.refusal_to_issue). A revoked certificate never moves again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.models import Certificate, CertificateTransition, State


@dataclass(frozen=True)
class Transition:
    action: str
    reason_required: bool = False


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (State.ISSUED, State.PRINTED): Transition(gettext_lazy("打印")),
    (State.REISSUED, State.PRINTED): Transition(gettext_lazy("补发打印")),
    (State.PRINTED, State.ISSUED): Transition(gettext_lazy("打印作废，重新排队"), reason_required=True),
    (State.PRINTED, State.REISSUED): Transition(gettext_lazy("补发件打印作废，重新排队"), reason_required=True),
    (State.PRINTED, State.DELIVERED): Transition(gettext_lazy("发放")),
    (State.DELIVERED, State.REISSUED): Transition(gettext_lazy("遗失或损坏，申请补发"), reason_required=True),
    (State.ISSUED, State.REVOKED): Transition(gettext_lazy("撤销"), reason_required=True),
    (State.PRINTED, State.REVOKED): Transition(gettext_lazy("撤销"), reason_required=True),
    (State.DELIVERED, State.REVOKED): Transition(gettext_lazy("撤销"), reason_required=True),
    (State.REISSUED, State.REVOKED): Transition(gettext_lazy("撤销"), reason_required=True),
}

# Why a move is refused, by the state the certificate is in.
_STATE_REFUSALS = {
    State.REVOKED: gettext_lazy("证书%(number)s已撤销，不能再%(action)s。"),
}


def refusal(certificate: Certificate, to_state: str) -> str | None:
    """The Chinese reason the table refuses this move, or None."""
    if (certificate.state, to_state) in TRANSITIONS:
        return None
    wanted = {State.PRINTED: _("打印"), State.DELIVERED: _("发放"), State.REVOKED: _("撤销"),
              State.REISSUED: _("补发"), State.ISSUED: _("重新排队")}[to_state]
    template = _STATE_REFUSALS.get(certificate.state, gettext_lazy("证书%(number)s当前为“%(state)s”，不能%(action)s。"))
    return str(template) % {"number": certificate.number, "state": certificate.get_state_display(), "action": wanted}


def apply_transition(certificate: Certificate, to_state: str, *, actor, reason: str = "") -> CertificateTransition:
    """Move a certificate (locked by the caller, in its transaction) along the table. Returns the
    audit entry, unsaved: the caller saves it with the certificate's fields that go with the new
    state (`save_moves`, one query for a whole batch)."""
    reason = (reason or "").strip()
    refused = refusal(certificate, to_state)
    if refused:
        raise ValidationError(refused, code="transition_refused")
    transition = TRANSITIONS[(certificate.state, to_state)]
    if transition.reason_required and not reason:
        raise ValidationError(_("%(action)s须填写原因。") % {"action": transition.action}, code="reason_required")
    entry = CertificateTransition(certificate=certificate, from_state=certificate.state, to_state=to_state,
                                  actor=actor, reason=reason)
    certificate.state = to_state
    return entry


def save_moves(entries: list[CertificateTransition]) -> None:
    CertificateTransition.objects.bulk_create(entries)
