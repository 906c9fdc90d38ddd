"""Reads of registration, always through the acting user and the authority engine (ORG-8).

Selectors return querysets, or one row or `DoesNotExist` (a number that is not a number reads as
not found): whether that is a 404, and with which words, is the caller's decision."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet

from appraisal import authority, gates
from appraisal.idnumbers import sees_full_id_numbers
from appraisal.models import (
    Center,
    CenterKind,
    EligibilityCondition,
    RetakeDay,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from registration.models import (
    LIVE_STATUSES,
    Application,
    ApplicationTransition,
    ExtraSessionRequest,
    ExtraSessionStatus,
    Material,
    PaymentRecord,
    Status,
)
from registration.services import opinions


def _base() -> QuerySet[Application]:
    return Application.objects.select_related(
        "candidate", "center", "occupation", "unified_appraisal", "scheduled_day__center", "retake_day",
    )


def applications_for(user) -> QuerySet[Application]:
    """Every application the user may see: a candidate their own, staff those of centers in scope."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.role == Role.CANDIDATE:
        return _base().filter(candidate=user)
    return authority.scope_queryset(user, _base(), "center")


AWAITING_OPINION = "awaiting_opinion"


def awaiting_hr_opinion(user) -> QuerySet[Application]:
    """REG-1: the applications in the user's scope waiting for the HR bureau's opinion."""
    return applications_for(user).filter(opinions.awaiting_opinion())


def review_queue(user, *, status=None, occupation=None, level=None, center=None, scheduled_day=None,
                 unified_appraisal=None, search=None) -> QuerySet[Application]:
    """The staff review queue with its filters; a constant number of queries whatever its length.
    `status` is a Status or AWAITING_OPINION (待填写意见)."""
    queryset = applications_for(user).prefetch_related(
        Prefetch("materials", queryset=Material.objects.only("id", "application_id", "kind"))
    )
    if status == AWAITING_OPINION:
        queryset = queryset.filter(opinions.awaiting_opinion())
    elif status:
        queryset = queryset.filter(status=status)
    if occupation:
        queryset = queryset.filter(occupation=occupation)
    if level:
        queryset = queryset.filter(level=level)
    if center:
        queryset = queryset.filter(center=center)
    if scheduled_day:
        queryset = queryset.filter(scheduled_day=scheduled_day)
    if unified_appraisal:
        queryset = queryset.filter(unified_appraisal=unified_appraisal)
    if search:
        queryset = queryset.filter(search_condition(user, search))
    return queryset.order_by("submitted_at", "created_at", "pk")


_MASKED_ID = re.compile(r"^(\d{6})\*+(\d{3}[\dX])$")
_ID_PART = re.compile(r"^[\dX]{4,18}$")


def search_condition(user, search: str) -> Q:
    """A name, a whole ID number, the number as lists show it (220122********1230) or, for those who
    read full numbers, any run of 4+ of its digits (e.g. the last four). Examiners and HR officials
    read masked numbers, so they cannot probe the hidden digits with partial searches."""
    term = search.strip().upper()
    condition = Q(name__icontains=search.strip())
    masked = _MASKED_ID.match(term)
    if masked:
        condition |= Q(id_number__startswith=masked[1], id_number__endswith=masked[2])
    elif _ID_PART.match(term) and sees_full_id_numbers(user):
        # Not for readers of masked numbers: a whole number tried against the list would confirm the
        # hidden birth date (8 digits, mostly guessable), one search at a time.
        condition |= Q(id_number__contains=term)
    return condition


def _get(queryset: QuerySet, model, **lookup):
    """One row, or the model's DoesNotExist, also for a key that is not a number."""
    try:
        return queryset.get(**lookup)
    except (ValueError, TypeError) as exc:
        raise model.DoesNotExist from exc


def application_for(user, pk, *, payments=True) -> Application:
    """One application the user may see, with its materials, history and (unless `payments` is
    false: the candidate's page does not show them) payments; else Application.DoesNotExist
    (guessing another person's number reveals nothing)."""
    application = _get(_with_relations(applications_for(user), user, payments=payments), Application, pk=pk)
    if user.is_authenticated and user.role == Role.CANDIDATE:
        application.candidate = user  # their own: the row the scope filtered on, not read again
    return application


def _with_relations(queryset: QuerySet[Application], user, *, payments=True) -> QuerySet[Application]:
    """An application's detail (page and API): its relations in a fixed number of queries, however
    long its history and whoever acted on it (REG-1: no query per row)."""
    if user.is_authenticated and user.role == Role.CANDIDATE:
        return _own_detail(queryset, payments=payments)
    return queryset.select_related("hr_opinion_by").prefetch_related(
        Prefetch("materials", queryset=Material.objects.select_related("uploaded_by", "original_checked_by")),
        Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor")),
        Prefetch("payments", queryset=PaymentRecord.objects.select_related("actor")),
    )


# What User.display_name reads: the only columns of a user the candidate's own detail shows (who
# acted, who gave the HR opinion). A whole user row is some twenty columns, joined four times.
_NAME_COLUMNS = ("full_name", "first_name", "last_name", "username")


def _columns(model, *related: str) -> list[str]:
    """Every column of `model`, and of each `related` user only the ones its display name reads."""
    return [f.name for f in model._meta.concrete_fields] + [f"{r}__{c}" for r in related for c in _NAME_COLUMNS]


# Of the centers and the occupation the candidate's page, the API and the printed form show the name.
_OWN_DETAIL_NAMES = (
    "center__name", "occupation__name", "scheduled_day__center__name",
    *(f"scheduled_day__{f.name}" for f in ScheduledAppraisalDay._meta.concrete_fields),
)


def _own_detail(queryset: QuerySet[Application], *, payments=True) -> QuerySet[Application]:
    """A candidate's own application as their page and the API show it: what the staff detail joins
    for reviewers (the candidate's user row, who uploaded or checked each file) is left out, and of
    the users who acted only their names are read. The registration-day read (benchmarks/README.md)."""
    relations = [
        Prefetch("materials", queryset=Material.objects.all()),
        Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor")
                 .only(*_columns(ApplicationTransition, "actor"))),
    ]
    if payments:
        relations.append(Prefetch("payments", queryset=PaymentRecord.objects.select_related("actor")
                                  .only(*_columns(PaymentRecord, "actor"))))
    return (
        queryset.select_related(None)
        .select_related("center", "occupation", "unified_appraisal", "scheduled_day__center", "retake_day",
                        "hr_opinion_by")
        .only(*_columns(Application, "hr_opinion_by"), *_OWN_DETAIL_NAMES)
        .prefetch_related(*relations)
    )


def material_for(user, pk) -> Material:
    """One uploaded file, only if its application is visible to the user; else Material.DoesNotExist."""
    queryset = Material.objects.select_related("application").filter(
        application__in=applications_for(user).values("pk")
    )
    return _get(queryset, Material, pk=pk)


def application_ref_for(user, pk) -> Application:
    """Only the primary key of an application the user may see (else Application.DoesNotExist): for
    writes whose service locks and loads the row itself."""
    if not user.is_authenticated:
        raise Application.DoesNotExist
    if user.role == Role.CANDIDATE:
        # No query: a candidate's own applications are the scope, and the service's locked read
        # filters on the candidate, so another person's number ends in the same DoesNotExist.
        try:
            return Application(pk=int(pk), candidate_id=user.pk)
        except (ValueError, TypeError) as exc:
            raise Application.DoesNotExist from exc
    queryset = authority.scope_queryset(user, Application.objects.all(), "center")
    return _get(queryset.only("pk"), Application, pk=pk)


def application_status_for(user, pk) -> dict:
    """What a status poll needs of one application the user may see, in one query of a few columns
    (no joins, no relations); else Application.DoesNotExist."""
    if not user.is_authenticated:
        raise Application.DoesNotExist
    if user.role == Role.CANDIDATE:
        queryset = Application.objects.filter(candidate=user)
    else:
        queryset = authority.scope_queryset(user, Application.objects.all(), "center")
    try:
        return queryset.values("id", "status", "submitted_at", "updated_at").get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Application.DoesNotExist from exc


def applications_with_history(user) -> QuerySet[Application]:
    """我的申报: the user's applications with their transitions in order (for the latest reason)."""
    return applications_for(user).prefetch_related(
        Prefetch("transitions", queryset=ApplicationTransition.objects.order_by("at", "id"))
    )


def live_applications_for_occupation(user, occupation) -> QuerySet[Application]:
    """The user's live applications for one occupation, only the columns that tell which appraisal."""
    return (
        applications_for(user)
        .filter(occupation=occupation, status__in=[s.value for s in LIVE_STATUSES])
        .select_related(None)
        .only("id", "level", "is_retake", "unified_appraisal_id", "scheduled_day_id", "retake_day_id")
    )


def conditions_for_levels(pairs) -> QuerySet[EligibilityCondition]:
    """The REG-6 conditions of a set of (occupation id, level) pairs, in one query (a superset: the
    caller groups them by pair)."""
    return EligibilityCondition.objects.filter(
        occupation_level__occupation_id__in={o for o, _lv in pairs},
        occupation_level__level__in={lv for _o, lv in pairs},
    ).select_related("occupation_level")


def api_applications(user, *, search=None, detail=False) -> QuerySet[Application]:
    """The API's list (newest first), searched as the queue is; the detail with its relations."""
    queryset = applications_for(user)
    if search:
        queryset = queryset.filter(search_condition(user, search))
    if detail:
        queryset = _with_relations(queryset, user)
    return queryset.order_by("-created_at", "-pk")


# --- Candidates, for entry on their behalf ----------------------------------------------------


def candidates() -> QuerySet[User]:
    """Candidate accounts with their affiliations (the authority engine reads them). Scope is the
    caller's: authority.can_manage_candidate, or the signed token of the entry page."""
    return User.objects.select_related("region", "school", "employer_body").filter(role=Role.CANDIDATE)


def login_name_taken(id_number) -> bool:
    return User.objects.filter(username=id_number).exists()


# --- Exports (REG-3, REG-4) -------------------------------------------------------------------

EXPORTED_STATUSES = (Status.SUBMITTED, Status.APPROVED)


def scheduled_days() -> QuerySet[ScheduledAppraisalDay]:
    return ScheduledAppraisalDay.objects.select_related("center")


def unified_appraisals() -> QuerySet[UnifiedAppraisal]:
    return UnifiedAppraisal.objects.all()


def retake_days() -> QuerySet[RetakeDay]:
    return RetakeDay.objects.all()


def report_target(kind: str, pk: int) -> ScheduledAppraisalDay | UnifiedAppraisal | None:
    """The appraisal a registration report (REG-3) is asked for: a scheduled day ("day") or a
    unified appraisal ("unified"); None when there is none."""
    if kind == "day":
        return scheduled_days().filter(pk=pk).first()
    if kind == "unified":
        return unified_appraisals().filter(pk=pk).first()
    return None


def retake_applications(user, retake_day) -> QuerySet[Application]:
    """REG-4 / CAL-5: the reported retake applications of one retake day in the user's scope."""
    return (
        applications_for(user)
        .filter(retake_day=retake_day, is_retake=True, status__in=EXPORTED_STATUSES)
        .order_by("center__division_code", "center__name", "occupation__name", "name", "pk")
    )


def reported_applications(user, target) -> QuerySet[Application]:
    """REG-3: the reported applications of one scheduled day or unified appraisal in the user's scope."""
    if isinstance(target, ScheduledAppraisalDay):
        queryset = applications_for(user).filter(scheduled_day=target)
    elif isinstance(target, UnifiedAppraisal):
        queryset = applications_for(user).filter(unified_appraisal=target)
    else:
        raise TypeError(target)
    return queryset.filter(status__in=EXPORTED_STATUSES).order_by(
        "center__division_code", "center__name", "occupation__name", "-level", "name", "pk"
    )


def export_choices(user) -> dict:
    """What the export page offers: scheduled days in scope with reported applications, the unified
    appraisals and the retake days. A constant number of queries."""
    reported = applications_for(user).filter(status__in=EXPORTED_STATUSES)
    days = (
        ScheduledAppraisalDay.objects.filter(pk__in=reported.filter(scheduled_day__isnull=False).values("scheduled_day"))
        .select_related("center")
        .order_by("-day", "center__division_code")[:200]
    )
    return {
        "days": list(days),
        "unified": list(UnifiedAppraisal.objects.order_by("-year", "-half")[:8]),
        "retake_days": list(RetakeDay.objects.order_by("-year", "day")),
    }


# --- Bulk import (REG-3) ----------------------------------------------------------------------


def province_center() -> Center | None:
    return Center.objects.filter(kind=CenterKind.PROVINCE).first()


def future_days_in_scope(user, today) -> QuerySet[ScheduledAppraisalDay]:
    """Scheduled days after `today` of the centers in the user's scope, in calendar order."""
    return authority.scope_queryset(
        user, ScheduledAppraisalDay.objects.filter(day__gt=today).select_related("center"), "center"
    ).order_by("day", "center__division_code", "center__name")


def open_unified_appraisals(today) -> QuerySet[UnifiedAppraisal]:
    return UnifiedAppraisal.objects.filter(registration_opens__lte=today, registration_closes__gte=today)


# --- Extra sessions (CAL-6) -------------------------------------------------------------------


def requesting_centers(actor) -> QuerySet[Center]:
    """The centers the actor may request extra sessions for: those they manage that hold daily
    appraisals and have an upper level (the province schedules its own days directly)."""
    if not gates.has_role(actor, gates.CLERKS):
        return Center.objects.none()
    return (
        authority.visible_centers(actor)
        .filter(is_active=True, parent__isnull=False)
        .exclude(kind__in=[CenterKind.PROVINCE, CenterKind.AFFILIATED_UNIT])
        .order_by("division_code", "name")
    )


def extra_session_requests_for(user) -> QuerySet[ExtraSessionRequest]:
    """Requests of the centers in the user's scope (their own and those below)."""
    return authority.scope_queryset(
        user,
        ExtraSessionRequest.objects.select_related("center", "occupation", "requested_by", "decided_by",
                                                   "scheduled_day__occupation"),
        "center",
    ).order_by("-requested_at", "-pk")


def extra_sessions_pending_for_decision(user) -> QuerySet[ExtraSessionRequest]:
    """Pending requests the user may decide: those whose center's parent the user can manage,
    never the user's own requests (four eyes)."""
    if not gates.has_role(user, gates.CLERKS):
        return ExtraSessionRequest.objects.none()
    queryset = ExtraSessionRequest.objects.filter(status=ExtraSessionStatus.PENDING).select_related(
        "center__parent", "occupation", "requested_by"
    )
    return (
        authority.scope_queryset(user, queryset, "center__parent")
        .exclude(center_id=user.center_id)
        .exclude(requested_by=user)
        .order_by("day", "pk")
    )
