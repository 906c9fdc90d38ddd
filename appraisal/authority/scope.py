"""What a user may see and manage (ORG-8), and who decides for whom (CAL-6, EXAM-6, EXAM-9)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from appraisal.gates import CLERKS
from appraisal.models import Center, CenterKind, Role

# --- What a user may see (ORG-8) -------------------------------------------------------------


def sees_everything(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.PROVINCE_ADMIN:
        return True
    center = user.center
    return center is not None and center.kind == CenterKind.PROVINCE


def visible_centers(user) -> QuerySet[Center]:
    """A county sees its county, a city its region (counties, schools, enterprises beneath it),
    the province everything. Candidates see no center's data through staff lists."""
    centers = Center.objects.all()
    if sees_everything(user):
        return centers
    if not user.is_authenticated or user.role == Role.CANDIDATE or user.center_id is None:
        return centers.none()
    pk = user.center_id
    return centers.filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))


def scope_queryset(user, queryset: QuerySet, center_field: str = "center") -> QuerySet:
    """Filter any queryset to the rows whose `center_field` lies within the user's scope."""
    if sees_everything(user):
        return queryset
    if not user.is_authenticated or user.role == Role.CANDIDATE or user.center_id is None:
        return queryset.none()
    pk = user.center_id
    return queryset.filter(
        Q(**{f"{center_field}_id": pk})
        | Q(**{f"{center_field}__parent_id": pk})
        | Q(**{f"{center_field}__parent__parent_id": pk})
    )


def can_see_center(user, center: Center) -> bool:
    if sees_everything(user):
        return True
    if not user.is_authenticated or user.role == Role.CANDIDATE or user.center_id is None:
        return False
    pk = user.center_id
    parent = center.parent
    return center.pk == pk or center.parent_id == pk or (parent is not None and parent.parent_id == pk)


def under_center(center: Center, center_field: str = "center") -> Q:
    """The rows whose `center_field` lies under `center`, itself included (STAT-1): a county its
    county, a city its city level, counties, expanded-authority counties and the bodies beneath it,
    the province everything. The tree is at most three deep (ORG-1), so this is one condition."""
    if center.parent_id is None:
        return Q()
    pk = center.pk
    return (Q(**{f"{center_field}_id": pk}) | Q(**{f"{center_field}__parent_id": pk})
            | Q(**{f"{center_field}__parent__parent_id": pk}))


def counted_in(center: Center) -> dict[int, Center]:
    """Each center under `center` (one query) -> the row it is counted in when `center`'s figures
    are broken down by center: `center` itself for its own records, otherwise the child of `center`
    on its path. An expanded-authority county is counted in its city, and only there."""
    centers = Center.objects.all()
    if center.parent_id is not None:
        centers = centers.filter(Q(pk=center.pk) | Q(parent_id=center.pk) | Q(parent__parent_id=center.pk))
    rows = {c.pk: c for c in centers}
    return {pk: (c if pk == center.pk or c.parent_id == center.pk else rows[c.parent_id]) for pk, c in rows.items()}


def scope_description(user) -> str:
    """One sentence for the home page: what this user's lists cover."""
    if not user.is_authenticated:
        return ""
    if user.role == Role.CANDIDATE:
        return _("仅本人的申报、准考证、成绩和证书。")
    if sees_everything(user):
        return _("全省所有鉴定机构。")
    center = user.center
    if center.kind == CenterKind.CITY:
        return _("%(center)s本级及所辖县（市）、院校和企业鉴定机构。") % {"center": center.name}
    return _("%(center)s本机构。") % {"center": center.name}


def can_manage_center(user, center: Center) -> bool:
    """May the user act for this center (review applications, schedule, enter data)? Center staff
    and province administrators, within their scope; examiners and HR officials only read."""
    if not user.is_authenticated or user.role not in CLERKS:
        return False
    return can_see_center(user, center)


def can_manage_candidate(user, candidate) -> bool:
    """May the user act for this candidate's account (enter an application for them, give them a
    password)? Center staff and province administrators whose scope holds the candidate's region,
    school or employer body, or a center where the candidate has an application (ORG-8)."""
    if not user.is_authenticated or user.role not in CLERKS:
        return False
    if getattr(candidate, "role", None) != Role.CANDIDATE:
        return False
    if sees_everything(user):
        return True
    affiliations = (candidate.region, candidate.school, candidate.employer_body)
    if any(center is not None and can_see_center(user, center) for center in affiliations):
        return True
    # The reverse relation of registration's Application, without importing registration here.
    return scope_queryset(user, candidate.applications.all(), "center").exists()



# --- Who decides for whom: the province, the upper level (CAL-6, EXAM-6, EXAM-9) ------------


def is_province_staff(user) -> bool:
    """Staff acting for the province center: a province administrator, or center staff of the
    province center itself (examiners and HR officials of the province only read)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.PROVINCE_ADMIN:
        return True
    center = user.center if user.center_id else None
    return user.role == Role.CENTER_STAFF and center is not None and center.kind == CenterKind.PROVINCE


def can_decide_for(user, center: Center) -> bool:
    """Is the user the upper level of `center` (the one that approves its extra sessions, score
    corrections and the like)? Staff who manage the center's parent, never staff of the center
    itself; nobody stands above the province, so nobody decides for it."""
    if center is None or center.parent_id is None:
        return False
    if not user.is_authenticated or user.center_id == center.pk:
        return False
    return can_manage_center(user, center.parent)

