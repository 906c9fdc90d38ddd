"""Reads of registration, always through the acting user and the authority engine (ORG-8)."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from appraisal import authority
from appraisal.idnumbers import sees_full_id_numbers
from appraisal.models import Role
from registration.models import Application, ApplicationTransition, Material, PaymentRecord


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


def review_queue(user, *, status=None, occupation=None, level=None, center=None, scheduled_day=None,
                 unified_appraisal=None, search=None) -> QuerySet[Application]:
    """The staff review queue with its filters; a constant number of queries whatever its length."""
    queryset = applications_for(user).prefetch_related(
        Prefetch("materials", queryset=Material.objects.only("id", "application_id", "kind"))
    )
    if status:
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


def application_for(user, pk) -> Application:
    """One application the user may see, or 404: guessing another person's ID reveals nothing."""
    try:
        return applications_for(user).prefetch_related(
            Prefetch("materials", queryset=Material.objects.select_related("uploaded_by", "original_checked_by")),
            Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor")),
            Prefetch("payments", queryset=PaymentRecord.objects.select_related("actor")),
        ).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("申报不存在或您无权查看。") from exc


def material_for(user, pk) -> Material:
    """One uploaded file, only if its application is visible to the user (permission-checked viewer)."""
    try:
        return Material.objects.select_related("application").get(
            pk=pk, application__in=applications_for(user).values("pk")
        )
    except (Material.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("文件不存在或您无权查看。") from exc


def application_ref_for(user, pk) -> Application:
    """Only the primary key of an application the user may see, or 404: for writes whose service
    locks and loads the row itself."""
    if not user.is_authenticated:
        raise Http404("申报不存在或您无权查看。")
    if user.role == Role.CANDIDATE:
        # No query: a candidate's own applications are the scope, and the service's locked read
        # filters on the candidate, so another person's number ends in the same 404.
        try:
            return Application(pk=int(pk), candidate_id=user.pk)
        except (ValueError, TypeError) as exc:
            raise Http404("申报不存在或您无权查看。") from exc
    queryset = authority.scope_queryset(user, Application.objects.all(), "center")
    try:
        return queryset.only("pk").get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("申报不存在或您无权查看。") from exc
