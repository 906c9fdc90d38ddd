"""Reads of exam administration, scoped by the authority engine (ORG-8)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from appraisal import authority
from appraisal.models import Role
from exams.models import CustodyEntry, ExamSession, Paper, Room, Score, SeatAssignment, SessionStatus, Site


def sessions_for(user) -> QuerySet[ExamSession]:
    """Staff see the sessions of centers in scope; examiners also those they are assigned to."""
    base = ExamSession.objects.select_related("center", "site", "occupation").annotate(
        seat_count=Count("seats", distinct=True)
    )
    if not user.is_authenticated or user.role == Role.CANDIDATE:
        return base.none()
    scoped = authority.scope_queryset(user, base, "center")
    if user.role == Role.EXAMINER:
        scoped = scoped | base.filter(examiners__examiner=user)
    return scoped.distinct().order_by("-day", "pk")


def session_for(user, pk) -> ExamSession:
    try:
        return sessions_for(user).get(pk=pk)
    except (ExamSession.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("场次不存在或您无权查看。") from exc


def sites_for(user) -> QuerySet[Site]:
    return authority.scope_queryset(user, Site.objects.select_related("center"), "center").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("name"))
    )


def seat_plan(session: ExamSession) -> QuerySet[SeatAssignment]:
    """The printable seat chart: one query with the candidates."""
    return (
        SeatAssignment.objects.filter(session=session)
        .select_related("room", "application__candidate")
        .order_by("room__name", "seat_number")
    )


def custody_log(paper: Paper) -> QuerySet[CustodyEntry]:
    return CustodyEntry.objects.filter(paper=paper).select_related("recorded_by").order_by("at", "id")


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


# --- scores area: corrections awaiting the upper level, overdue alerts (views_scores.py) ---


def pending_corrections_for(user) -> QuerySet:
    """EXAM-6: score corrections the user's level decides: pending requests of sessions held by
    centers beneath the user's own (never the user's own center's)."""
    from exams.models import CorrectionStatus, ScoreCorrectionRequest

    if not user.is_authenticated or user.role not in (Role.CENTER_STAFF, Role.PROVINCE_ADMIN):
        return ScoreCorrectionRequest.objects.none()
    queryset = ScoreCorrectionRequest.objects.filter(
        status=CorrectionStatus.PENDING, score__session__center__parent__isnull=False
    ).select_related("score__session__center", "score__session__occupation", "score__application", "requested_by")
    if user.center_id:
        queryset = queryset.exclude(score__session__center_id=user.center_id)
    return authority.scope_queryset(user, queryset, "score__session__center__parent").order_by("requested_at", "pk")


def overdue_alerts_for(user) -> QuerySet:
    """EXAM-7: overdue publication alerts of the sessions in the user's scope (the center and the
    levels above it)."""
    from exams.models import OverdueAlert

    if not user.is_authenticated or user.role == Role.CANDIDATE:
        return OverdueAlert.objects.none()
    return authority.scope_queryset(
        user, OverdueAlert.objects.select_related("session__center", "session__occupation", "session__site"),
        "session__center",
    ).order_by("session__status", "deadline", "pk")
