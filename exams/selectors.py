"""Reads of exam administration, scoped by the authority engine (ORG-8). Every function returns a
queryset (or a plain value); a scoped read that finds nothing raises `DoesNotExist`, and the views
decide on the 404."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from appraisal import authority
from appraisal.gates import CLERKS, has_role
from appraisal.models import (
    CenterKind,
    RetakeDay,
    RetakeKind,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from exams.models import (
    CorrectionStatus,
    CustodyEntry,
    DisciplineIncident,
    ExaminerAssignment,
    ExaminerQualification,
    ExamSession,
    OverdueAlert,
    Paper,
    PaperRequest,
    PaperRequestStatus,
    Room,
    Score,
    ScoreCorrectionRequest,
    SeatAssignment,
    SessionStatus,
    Site,
    Supervision,
)
from registration.models import Application, Status

# --- Sessions, and the examiner's assigned sessions (EXAM-5) ---------------------------------------


def _assigned_to(user) -> Q:
    """EXAM-5: the sessions an examiner is assigned to. Written here only."""
    return Q(examiners__examiner=user)


def sessions_for(user) -> QuerySet[ExamSession]:
    """Staff see the sessions of centers in scope; examiners also those they are assigned to."""
    base = ExamSession.objects.select_related("center", "site", "occupation").annotate(
        seat_count=Count("seats", distinct=True)
    )
    if not user.is_authenticated or user.role == Role.CANDIDATE:
        return base.none()
    scoped = authority.scope_queryset(user, base, "center")
    if user.role == Role.EXAMINER:
        scoped = scoped | base.filter(_assigned_to(user))
    return scoped.distinct().order_by("-day", "pk")


def sessions_to_mark(user) -> QuerySet[ExamSession]:
    """The sessions whose scores the user deals with: an examiner only those assigned to them, staff
    every session they see."""
    sessions = sessions_for(user)
    if user.is_authenticated and user.role == Role.EXAMINER:
        sessions = sessions.filter(_assigned_to(user))
    return sessions


def is_assigned_examiner(user, session) -> bool:
    """Is the user an examiner assigned to this session (EXAM-5)?"""
    return (user.is_authenticated and user.role == Role.EXAMINER
            and ExamSession.objects.filter(_assigned_to(user), pk=session.pk).exists())


def session_examiners(session: ExamSession) -> QuerySet[ExaminerAssignment]:
    return session.examiners.select_related("examiner__center", "assigned_by").order_by("assigned_at", "pk")


def examiners_for_session(user, session):
    """The choices offered for a session, for convenience: active examiners of the session's center
    and of the centers above it (a county draws on its city's and the province's examiners). The rule
    itself is services.assign_examiner's (authority.can_see_center(examiner, session.center))."""
    centers = [session.center_id]
    center = session.center
    while center.parent_id:
        centers.append(center.parent_id)
        center = center.parent
    return (
        User.objects.filter(role=Role.EXAMINER, is_active=True, center_id__in=centers)
        .select_related("center")
        .order_by("center__name", "full_name", "username")
    )


def examiners_in_scope(user) -> QuerySet[User]:
    return authority.scope_queryset(
        user, User.objects.filter(role=Role.EXAMINER).select_related("center"), "center"
    ).order_by("center__name", "full_name", "username")


def qualifications_for(user) -> QuerySet[ExaminerQualification]:
    """EXAM-5: the qualifications of the examiners in the user's scope."""
    return authority.scope_queryset(
        user,
        ExaminerQualification.objects.filter(examiner__role=Role.EXAMINER)
        .select_related("examiner__center", "occupation")
        .order_by("examiner__center__name", "examiner__full_name", "occupation__name"),
        "examiner__center",
    )


# --- Appraisal targets of a new session (EXAM-1) ------------------------------------------------------

PAST_TARGETS_SHOWN = 60  # the most recent past ones; older ones are history, not planning


def _upcoming_first(queryset, field: str, today) -> list:
    """Today or later by date first, then (only when asked) the past ones, most recent first."""
    upcoming = list(queryset.filter(**{f"{field}__gte": today}).order_by(field, "pk"))
    past = list(queryset.filter(**{f"{field}__lt": today}).order_by(f"-{field}", "-pk")[:PAST_TARGETS_SHOWN])
    return [(t, False) for t in upcoming] + [(t, True) for t in past]


def appraisal_targets_for(user, *, today) -> dict[str, list]:
    """What a session of the user's center may belong to, as {"day"|"unified"|"retake": [(target,
    is_past)]}: the center's own scheduled days; the unified appraisals and their retakes for the
    province only (ORG-6). A unified appraisal is past once its second day is."""
    center = user.center
    if center is None:
        return {}
    targets = {"day": _upcoming_first(ScheduledAppraisalDay.objects.filter(center=center), "day", today)}
    if center.kind == CenterKind.PROVINCE:
        targets["unified"] = _upcoming_first(UnifiedAppraisal.objects.all(), "second_day", today)
    retakes = RetakeDay.objects.all()
    if center.kind != CenterKind.PROVINCE:  # unified occupations and their retakes: the province only
        retakes = retakes.exclude(kind=RetakeKind.UNIFIED)
    targets["retake"] = _upcoming_first(retakes, "day", today)
    return targets


# --- Sites, rooms and seats (EXAM-4) -------------------------------------------------------------------


def sites_for(user) -> QuerySet[Site]:
    return authority.scope_queryset(user, Site.objects.select_related("center"), "center").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("name").prefetch_related("occupations"))
    )


def rooms_for(user) -> QuerySet[Room]:
    return Room.objects.filter(site__in=sites_for(user))


def session_rooms(session: ExamSession) -> QuerySet[Room]:
    """The rooms of the session's site, in seating order."""
    return Room.objects.filter(site_id=session.site_id).order_by("name", "pk")


def _session_filter(session: ExamSession) -> Q:
    if session.unified_appraisal_id:
        return Q(unified_appraisal_id=session.unified_appraisal_id)
    if session.scheduled_day_id:
        return Q(scheduled_day_id=session.scheduled_day_id)
    return Q(retake_day_id=session.retake_day_id)


def eligible_applications(session: ExamSession) -> QuerySet[Application]:
    """Approved and paid applications for this session's center, occupation, level and appraisal,
    not yet seated (FEE-1: an unpaid application is not scheduled)."""
    return (
        Application.objects.filter(
            _session_filter(session), center_id=session.center_id, occupation_id=session.occupation_id,
            level=session.level, status=Status.APPROVED, fee_paid=True, seat__isnull=True,
        )
        .select_related("candidate")
        .order_by("submitted_at", "pk")
    )


def seated_applications(user) -> QuerySet[Application]:
    """Applications seated in a session the user may see (scores, incidents)."""
    return Application.objects.filter(seat__session__in=sessions_for(user).values("pk"))


def seat_plan(session: ExamSession) -> QuerySet[SeatAssignment]:
    """The printable seat chart: one query with the candidates."""
    return (
        SeatAssignment.objects.filter(session=session)
        .select_related("room", "application__candidate")
        .order_by("room__name", "seat_number")
    )


def ticket_numbers(session: ExamSession) -> dict[int, str]:
    """application id -> ticket number, for a session."""
    return dict(SeatAssignment.objects.filter(session=session).values_list("application_id", "ticket_number"))


def seats_for(user) -> QuerySet[SeatAssignment]:
    """The admission tickets a user may print: a candidate their own, staff those of the sessions
    they see."""
    if user.is_authenticated and user.role == Role.CANDIDATE:
        return SeatAssignment.objects.filter(application__candidate=user)
    return SeatAssignment.objects.filter(session__in=sessions_for(user).values("pk"))


def seat_by_ticket(ticket_number: str) -> SeatAssignment | None:
    """The seat holding a ticket number, in whichever session (None when unknown)."""
    return SeatAssignment.objects.select_related("application").filter(ticket_number=ticket_number).first()


# --- Papers, custody, supervision and incidents (EXAM-9..EXAM-11) ------------------------------------


def papers_for(user) -> QuerySet[Paper]:
    return Paper.objects.filter(session__in=sessions_for(user).values("pk")).select_related(
        "session__center", "session__site", "session__occupation").order_by("session", "subject")


def session_papers(session: ExamSession) -> QuerySet[Paper]:
    return Paper.objects.filter(session=session).annotate(entries=Count("custody")).order_by("subject")


def paper_requests_for(user) -> QuerySet[PaperRequest]:
    return PaperRequest.objects.filter(session__in=sessions_for(user).values("pk")).select_related(
        "center").order_by("-requested_at", "-pk")


def session_paper_requests(session: ExamSession) -> QuerySet[PaperRequest]:
    return PaperRequest.objects.filter(session=session).select_related("requested_by").order_by("subject")


def pending_paper_requests_for(user) -> QuerySet[PaperRequest]:
    """EXAM-9: requests awaiting a paper from the province center, within the user's scope."""
    queryset = PaperRequest.objects.filter(status=PaperRequestStatus.REQUESTED).select_related(
        "center", "session__occupation", "session__site", "requested_by")
    return authority.scope_queryset(user, queryset, "center").order_by("session__day", "requested_at", "pk")


def custody_log(paper: Paper) -> QuerySet[CustodyEntry]:
    return CustodyEntry.objects.filter(paper=paper).select_related("recorded_by").order_by("at", "id")


def custody_entries_for(user) -> QuerySet[CustodyEntry]:
    return CustodyEntry.objects.filter(paper__session__in=sessions_for(user).values("pk")).select_related(
        "paper", "recorded_by").order_by("paper", "at", "id")


def session_supervisions(session: ExamSession) -> QuerySet[Supervision]:
    return Supervision.objects.filter(session=session).select_related("recorded_by").order_by("at", "pk")


def session_incidents(session: ExamSession) -> QuerySet[DisciplineIncident]:
    return DisciplineIncident.objects.filter(session=session).select_related(
        "application", "application__seat", "recorded_by").order_by("at", "pk")


# --- Scores, corrections, overdue alerts (EXAM-6..EXAM-8) ----------------------------------------------


def scores_for(user) -> QuerySet[Score]:
    """A candidate's own published scores; staff the scores of the sessions they mark (EXAM-5)."""
    if user.is_authenticated and user.role == Role.CANDIDATE:
        return candidate_scores(user)
    return Score.objects.filter(session__in=sessions_to_mark(user).values("pk")).select_related(
        "application").order_by("session", "application", "subject")


def scores_in_scope(user) -> QuerySet[Score]:
    """The scores of every session the user sees."""
    return Score.objects.filter(session__in=sessions_for(user).values("pk")).select_related("session__center")


def score_with_history(pk) -> Score:
    return Score.objects.prefetch_related("changes__changed_by").select_related("application").get(pk=pk)


def candidate_scores(user) -> QuerySet[Score]:
    """A candidate's own scores, only once their session is published (EXAM-7)."""
    if not user.is_authenticated or user.role != Role.CANDIDATE:
        return Score.objects.none()
    return (
        Score.objects.filter(application__candidate=user, session__status=SessionStatus.PUBLISHED)
        .select_related("session", "application__occupation")
        .order_by("-session__day", "application", "subject")
    )


def candidate_seats(user) -> QuerySet[SeatAssignment]:
    """A candidate's own admission tickets."""
    if not user.is_authenticated or user.role != Role.CANDIDATE:
        return SeatAssignment.objects.none()
    return (
        SeatAssignment.objects.filter(application__candidate=user)
        .select_related("session__site", "session__occupation", "room", "application")
        .prefetch_related("session__subjects")
        .order_by("-session__day")
    )


def corrections_for(user) -> QuerySet[ScoreCorrectionRequest]:
    """Every correction request of the sessions the user sees."""
    return ScoreCorrectionRequest.objects.filter(score__session__in=sessions_for(user).values("pk")).select_related(
        "score__application", "requested_by", "decided_by").order_by("-requested_at", "-pk")


def session_corrections(session: ExamSession) -> QuerySet[ScoreCorrectionRequest]:
    return ScoreCorrectionRequest.objects.filter(score__session=session).select_related(
        "requested_by", "decided_by").order_by("requested_at")


def pending_corrections_for(user) -> QuerySet[ScoreCorrectionRequest]:
    """EXAM-6: score corrections the user's level decides: pending requests of sessions held by
    centers beneath the user's own (never the user's own center's)."""
    if not has_role(user, CLERKS):
        return ScoreCorrectionRequest.objects.none()
    queryset = ScoreCorrectionRequest.objects.filter(
        status=CorrectionStatus.PENDING, score__session__center__parent__isnull=False
    ).select_related("score__session__center", "score__session__occupation", "score__application", "requested_by")
    if user.center_id:
        queryset = queryset.exclude(score__session__center_id=user.center_id)
    return authority.scope_queryset(user, queryset, "score__session__center__parent").order_by("requested_at", "pk")


def overdue_alerts_for(user) -> QuerySet[OverdueAlert]:
    """EXAM-7: overdue publication alerts of the sessions in the user's scope (the center and the
    levels above it)."""
    if not user.is_authenticated or user.role == Role.CANDIDATE:
        return OverdueAlert.objects.none()
    return authority.scope_queryset(
        user, OverdueAlert.objects.select_related("session__center", "session__occupation", "session__site"),
        "session__center",
    ).order_by("session__status", "deadline", "pk")
