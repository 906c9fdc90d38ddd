"""The application's states: one transition table (`TRANSITIONS`) and the decisions on it.

`transition()` / `apply_transition()` are the only functions that change `Application.status`, and
they record who, when, from, to and why. Approve, reject, return, withdraw and the closing of
registration all go through them."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, extensions
from appraisal.models import (
    Role,
    User,
)
from appraisal.workdays import CalendarUnknown
from registration import notifications
from registration.models import (
    Application,
    ApplicationTransition,
    Material,
    MaterialKind,
    Status,
)
from registration.services.appraisals import window_for
from registration.services.eligibility import required_materials

# --- The transition table -------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    by: frozenset  # "candidate", "staff" (acting for the application's center), "system"
    reason_required: bool = False


CANDIDATE, STAFF, SYSTEM = "candidate", "staff", "system"

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.DRAFT, Status.SUBMITTED): Transition(_("提交"), frozenset({CANDIDATE, STAFF})),
    (Status.RETURNED, Status.SUBMITTED): Transition(_("修改后重新提交"), frozenset({CANDIDATE, STAFF})),
    (Status.SUBMITTED, Status.APPROVED): Transition(_("审核通过"), frozenset({STAFF})),
    (Status.SUBMITTED, Status.REJECTED): Transition(_("审核不通过"), frozenset({STAFF}), reason_required=True),
    (Status.SUBMITTED, Status.RETURNED): Transition(_("退回修改"), frozenset({STAFF}), reason_required=True),
    (Status.DRAFT, Status.WITHDRAWN): Transition(_("撤回"), frozenset({CANDIDATE, STAFF})),
    (Status.SUBMITTED, Status.WITHDRAWN): Transition(_("撤回"), frozenset({CANDIDATE, STAFF})),
    (Status.RETURNED, Status.WITHDRAWN): Transition(_("撤回"), frozenset({CANDIDATE, STAFF})),
    (Status.DRAFT, Status.EXPIRED): Transition(_("报名截止，未提交"), frozenset({SYSTEM})),
    (Status.RETURNED, Status.EXPIRED): Transition(_("报名截止，未重新提交"), frozenset({SYSTEM})),
}


def allowed_targets(status) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def actor_kind(actor, application) -> str:
    if actor is None:
        return SYSTEM
    if actor.role == Role.CANDIDATE:
        if actor.pk != application.candidate_id:
            raise PermissionDenied(_("您无权操作他人的申报。"))
        return CANDIDATE
    if authority.can_manage_center(actor, application.center):
        return STAFF
    raise PermissionDenied(_("该申报不在您的鉴定机构管辖范围内。"))


def transition(application: Application, to_status: str, *, actor, reason: str = "", guard=None) -> Application:
    """Move an application to `to_status` if the table allows it for this actor; audit it. `guard`
    (an extension point) may refuse the move on the locked row with its reason."""
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("center").get(pk=application.pk)
        apply_transition(locked, to_status, actor=actor, reason=reason, guard=guard)
    application.status = to_status
    return application


def apply_transition(
    locked: Application, to_status: str, *, actor, reason: str = "", also_save=(), guard=None
) -> None:
    """The checks and the audit row of one transition, on a row the caller has locked. `also_save`
    names other fields the caller changed, written in the same UPDATE."""
    step = TRANSITIONS.get((locked.status, to_status))
    if step is None:
        raise ValidationError(
            _("申报当前状态为“%(now)s”，不能变更为“%(to)s”。")
            % {"now": locked.get_status_display(), "to": Status(to_status).label},
            code="bad_transition",
        )
    who = actor_kind(actor, locked)
    if who not in step.by:
        raise PermissionDenied(_("您无权执行“%(action)s”。") % {"action": step.action})
    reason = (reason or "").strip()
    if step.reason_required and not reason:
        raise ValidationError(_("请填写“%(action)s”的原因。") % {"action": step.action}, code="reason_required")
    refusal = guard.first_refusal(locked) if guard is not None else None
    if refusal:
        raise ValidationError(refusal, code="refused")
    entry = ApplicationTransition.objects.create(
        application=locked, from_status=locked.status, to_status=to_status, actor=actor, reason=reason
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at", *also_save])
    notifications.application_moved(locked, entry, actor)  # the messages, in this transaction


OPINION_MAX_LENGTH = Application._meta.get_field("center_opinion").max_length

# REG-2: "professional-title or lower-level qualification certificate where required (original
# checked, copy kept)": the clerk records seeing the original before approving.
ORIGINAL_CHECK_KINDS = (MaterialKind.LOWER_CERTIFICATE, MaterialKind.TITLE_CERTIFICATE)


def originals_can_be_checked(application: Application) -> bool:
    return application.status in (Status.SUBMITTED, Status.RETURNED)


def originals_unchecked(application: Application) -> list[str]:
    """The names of the required certificates whose originals no clerk has checked yet."""
    kinds = [k for k in required_materials(application) if k in ORIGINAL_CHECK_KINDS]
    if not kinds:
        return []
    # materials.all(): the review page has them prefetched already.
    checked = {m.kind for m in application.materials.all() if m.original_checked_at is not None}
    return [str(MaterialKind(k).label) for k in kinds if k not in checked]


@transaction.atomic
def confirm_original(material: Material, *, actor: User) -> Material:
    """REG-2: a clerk of the responsible center has seen the original of this certificate."""
    # The application first, as every other write locks it (attach_material): no crossed locks.
    application = Application.objects.select_for_update(of=("self",)).select_related("center").get(
        pk=material.application_id
    )
    locked = Material.objects.select_for_update(of=("self",)).get(pk=material.pk)
    locked.application = application
    if actor_kind(actor, locked.application) != STAFF:
        raise PermissionDenied(_("只有受理机构工作人员可以核验原件。"))
    if locked.kind not in ORIGINAL_CHECK_KINDS:
        raise ValidationError(_("该材料不需要核验原件。"), code="no_original")
    if not originals_can_be_checked(locked.application):
        raise ValidationError(_("只有待审核或退回修改的申报才能核验原件。"), code="not_in_review")
    if locked.original_checked_at is None:  # the first check stands
        locked.original_checked_by, locked.original_checked_at = actor, timezone.now()
        locked.save(update_fields=["original_checked_by", "original_checked_at"])
    return locked


@transaction.atomic
def approve_application(application, *, actor, opinion=""):
    """Approve, and write the center's opinion (REG-1) with its date, in one transaction."""
    opinion = (opinion or "").strip()
    if len(opinion) > OPINION_MAX_LENGTH:
        raise ValidationError(
            _("审核意见不能超过%(n)d个字。") % {"n": OPINION_MAX_LENGTH}, code="opinion_too_long"
        )
    unchecked = originals_unchecked(application)
    if unchecked:
        raise ValidationError(
            _("请先核验以下证书的原件，再审核通过：%(kinds)s。") % {"kinds": "、".join(unchecked)},
            code="original_unchecked",
        )
    application = transition(application, Status.APPROVED, actor=actor, reason=opinion)
    Application.objects.filter(pk=application.pk).update(
        center_opinion=opinion or _("经审核，符合申报条件。"), center_opinion_date=timezone.localdate()
    )
    return application


def reject_application(application, *, actor, reason):
    return transition(application, Status.REJECTED, actor=actor, reason=reason)


def return_application(application, *, actor, reason):
    return transition(application, Status.RETURNED, actor=actor, reason=reason)


def withdraw_application(application, *, actor, reason=""):
    # A later step (certificates) may hold on to an application: it then stays.
    return transition(
        application, Status.WITHDRAWN, actor=actor, reason=reason, guard=extensions.APPLICATION_WITHDRAWAL_GUARDS
    )


def close_registration(*, today=None) -> int:
    """CAL-2/CAL-3 (Celery beat): once an appraisal's window has closed, drafts and applications
    returned for correction expire. Idempotent: a second run finds nothing left to expire."""
    today = today or timezone.localdate()
    expired = 0
    open_ones = Application.objects.filter(status__in=[Status.DRAFT, Status.RETURNED]).select_related(
        "unified_appraisal", "scheduled_day", "retake_day"
    )
    windows = {}
    for application in open_ones.iterator():
        target = application.appraisal
        key = (type(target).__name__, target.pk)
        if key not in windows:
            try:
                windows[key] = window_for(target)
            except CalendarUnknown:
                windows[key] = None  # an unmaintained year never closes by guess
        window = windows[key]
        if window is not None and today > window.closes:
            try:
                transition(application, Status.EXPIRED, actor=None, reason=_("报名截止日 %s") % window.closes)
                expired += 1
            except ValidationError:
                continue  # changed meanwhile (submitted at the last second): nothing to expire
    return expired
