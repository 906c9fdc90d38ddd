"""The authority engine (ORG-2..ORG-8): the one place that decides

* whether a center may appraise a candidate for an occupation at a level, with the reason in
  Chinese when it may not (`can_appraise`, `appraising_centers`), and
* what a user may see (`visible_centers`, `scope_queryset`, `can_see_center`).

No view, serializer or template re-implements any of this. The rules read the notice
(吉人社办字〔2017〕11号, 二、鉴定权限):

* national and provincial unified appraisals: the province center only, whatever the level (ORG-6);
* a county center: levels 5 and 4 for its own county (ORG-2);
* a city center: levels 5 and 4 for the city proper, level 3 for its whole region (ORG-3);
* the province center: levels 5, 4, 3 for central/provincial-affiliated units, and levels 2 and 1
  for the whole province (ORG-4);
* an expanded-authority county: exactly its granted levels, for its own county (ORG-5);
* school bodies only their own students, enterprise bodies only their own employees, within the
  levels approved for them (ORG-7).

A candidate is anything with the attributes `region`, `school`, `employer_body` (and optionally
`graduation_date`): the user model, or an unsaved affiliation on a form.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.gates import CLERKS
from appraisal.models import (
    Center,
    CenterKind,
    Level,
    Occupation,
    Role,
)

TECHNICIAN_LEVELS = frozenset({Level.TWO, Level.ONE})
REGIONAL_BASIC_LEVELS = frozenset({Level.FIVE, Level.FOUR})


@dataclass(frozen=True)
class Decision:
    """The engine's answer: truthy when allowed; `reason` says why in Chinese either way."""

    allowed: bool
    reason: str
    rule: str

    def __bool__(self):
        return self.allowed


def _allow(rule, reason):
    return Decision(True, reason, rule)


def _refuse(rule, reason):
    return Decision(False, reason, rule)


def _level_name(level):
    return str(Level.short_label(level))


def _granted_levels(center):
    # Uses a prefetch of `grants` when the caller made one; one query otherwise.
    return {grant.level for grant in center.grants.all()}


def _offered_levels(occupation):
    return {ol.level for ol in occupation.levels.all()}


def _region_name(candidate):
    return candidate.region.name if getattr(candidate, "region", None) else _("未填写")


def _is_affiliated_unit_employee(candidate):
    body = getattr(candidate, "employer_body", None)
    return body is not None and body.kind == CenterKind.AFFILIATED_UNIT


def _occupation_open(center, candidate, occupation, *, retake, on_date, appraisal_day):
    """OCC-4 with its two exceptions: the one retake of CAL-5 and the dual-certificate schools of OTH-1."""
    if not occupation.is_cancelled:
        if retake:
            return _refuse("CAL-5", _("“%(occ)s”未被取消，不能按补考申报。") % {"occ": occupation.name})
        return None
    if retake:
        if occupation.cancelled_by_state_council:
            return None
        return _refuse(
            "CAL-5",
            _("“%(occ)s”不是国务院取消的职业，不能按补考申报。") % {"occ": occupation.name},
        )
    school = getattr(candidate, "school", None)
    if center.kind == CenterKind.SCHOOL and center.dual_certificate_school and school and school.pk == center.pk:
        graduation = getattr(candidate, "graduation_date", None)
        if graduation is None:
            # "Before they graduate" cannot be judged without the date: the school fills it in first.
            return _refuse(
                "OTH-1",
                _("“%(occ)s”已取消；按“双证书”招生的院校只能在学生毕业前为其安排鉴定，请先填写该学生的预计毕业日期。")
                % {"occ": occupation.name},
            )
        # The appraisal itself must take place before graduation, not only the registration.
        if (appraisal_day or on_date) < graduation:
            return None
        if appraisal_day and on_date < graduation:
            return _refuse(
                "OTH-1",
                _("“%(occ)s”已取消；按“双证书”招生的院校只能在学生毕业前为其安排鉴定，该考生将于%(day)s毕业，"
                  "鉴定日（%(exam)s）已在毕业之后。")
                % {"occ": occupation.name, "day": graduation.isoformat(), "exam": appraisal_day.isoformat()},
            )
        return _refuse(
            "OTH-1",
            _("“%(occ)s”已取消；按“双证书”招生的院校只能在学生毕业前为其安排鉴定，该考生已于%(day)s毕业。")
            % {"occ": occupation.name, "day": graduation.isoformat()},
        )
    return _refuse(
        "OCC-4",
        _("“%(occ)s”已于%(day)s取消，不再受理鉴定申报。")
        % {"occ": occupation.name, "day": occupation.cancelled_on.isoformat()},
    )


def can_appraise(
    center: Center,
    candidate,
    occupation: Occupation,
    level: int,
    *,
    retake: bool = False,
    on_date: datetime.date | None = None,
    appraisal_day: datetime.date | None = None,
) -> Decision:
    """May `center` appraise `candidate` for `occupation` at `level`? (ORG-2..ORG-7, OCC-4, CAL-5, OTH-1)
    `on_date` is the day of the request; `appraisal_day`, when known, the day of the appraisal (OTH-1)."""
    try:
        level = Level(int(level))
    except (TypeError, ValueError):
        return _refuse("OCC-3", _("等级“%(level)s”无效，只能是五级至一级。") % {"level": level})
    on_date = on_date or timezone.localdate()
    level_name = _level_name(level)

    if not center.is_active:
        return _refuse("ORG-1", _("%(center)s已停用。") % {"center": center.name})
    if level not in _offered_levels(occupation):
        return _refuse(
            "OCC-3", _("“%(occ)s”不设%(level)s鉴定。") % {"occ": occupation.name, "level": level_name}
        )
    closed = _occupation_open(
        center, candidate, occupation, retake=retake, on_date=on_date, appraisal_day=appraisal_day
    )
    if closed is not None:
        return closed

    if occupation.is_unified:
        if center.kind == CenterKind.PROVINCE:
            return _allow(
                "ORG-6",
                _("“%(occ)s”为%(category)s，由省职业技能鉴定中心组织实施。")
                % {"occ": occupation.name, "category": occupation.get_category_display()},
            )
        return _refuse(
            "ORG-6",
            _("“%(occ)s”为%(category)s，只能由省职业技能鉴定中心组织实施。")
            % {"occ": occupation.name, "category": occupation.get_category_display()},
        )

    rule = _KIND_RULES.get(center.kind)
    if rule is None:
        return _refuse("ORG-1", _("%(center)s不是鉴定机构，不能组织鉴定。") % {"center": center.name})
    return rule(center, candidate, level)


def _province_rule(center, candidate, level):
    if level in TECHNICIAN_LEVELS:
        return _allow("ORG-4", _("全省技师、高级技师鉴定由省职业技能鉴定中心负责。"))
    if _is_affiliated_unit_employee(candidate):
        return _allow(
            "ORG-4",
            _("中省属单位（%(unit)s）的%(level)s鉴定由省职业技能鉴定中心负责。")
            % {"unit": candidate.employer_body.name, "level": _level_name(level)},
        )
    return _refuse(
        "ORG-4",
        _("省职业技能鉴定中心只负责中省属单位的初级工、中级工、高级工鉴定；该考生的%(level)s鉴定应由所在地区（%(region)s）的鉴定中心负责。")
        % {"level": _level_name(level), "region": _region_name(candidate)},
    )


def _refuse_technician_or_affiliated(candidate, level):
    if level in TECHNICIAN_LEVELS:
        return _refuse("ORG-4", _("技师、高级技师鉴定由省职业技能鉴定中心负责。"))
    if _is_affiliated_unit_employee(candidate):
        return _refuse(
            "ORG-4",
            _("该考生属于中省属单位（%(unit)s），其%(level)s鉴定由省职业技能鉴定中心负责。")
            % {"unit": candidate.employer_body.name, "level": _level_name(level)},
        )
    return None


def _city_rule(center, candidate, level):
    refused = _refuse_technician_or_affiliated(candidate, level)
    if refused is not None:
        return refused
    region = getattr(candidate, "region", None)
    if level in REGIONAL_BASIC_LEVELS:
        if region is not None and region.pk == center.pk:
            return _allow(
                "ORG-3",
                _("%(center)s负责本级（市区）初级工、中级工鉴定。") % {"center": center.name},
            )
        if region is not None and region.parent_id == center.pk:
            text = _("%(center)s只负责本级（市区）的初级工、中级工鉴定；该考生所在地区为%(region)s，应由当地县级鉴定中心负责。")
        else:
            text = _("%(center)s只负责本级（市区）的初级工、中级工鉴定；该考生所在地区为%(region)s，应由所在地区的鉴定中心负责。")
        return _refuse("ORG-3", text % {"center": center.name, "region": _region_name(candidate)})
    # Level 3: the whole region, counties (expanded ones included) too.
    if region is not None and (region.pk == center.pk or region.parent_id == center.pk):
        return _allow("ORG-3", _("%(center)s负责本地区高级工鉴定。") % {"center": center.name})
    return _refuse(
        "ORG-3",
        _("%(center)s只负责本地区的高级工鉴定；该考生所在地区为%(region)s。")
        % {"center": center.name, "region": _region_name(candidate)},
    )


def _county_rule(center, candidate, level):
    refused = _refuse_technician_or_affiliated(candidate, level)
    if refused is not None:
        return refused
    if level not in REGIONAL_BASIC_LEVELS:
        return _refuse(
            "ORG-2",
            _("县级鉴定中心只负责初级工、中级工鉴定，%(level)s鉴定由地市级鉴定中心负责。")
            % {"level": _level_name(level)},
        )
    return _own_region(center, candidate, "ORG-2", _("%(center)s负责本县（市）初级工、中级工鉴定。"))


def _own_region(center, candidate, rule, allowed_text):
    region = getattr(candidate, "region", None)
    if region is not None and region.pk == center.pk:
        return _allow(rule, allowed_text % {"center": center.name})
    return _refuse(
        rule,
        _("%(center)s只负责本县（市）考生；该考生所在地区为%(region)s。")
        % {"center": center.name, "region": _region_name(candidate)},
    )


def _refuse_ungranted(center, level, rule):
    granted = sorted(_granted_levels(center), reverse=True)
    granted_text = "、".join(_level_name(lv) for lv in granted) if granted else _("无")
    return _refuse(
        rule,
        _("%(center)s未获批%(level)s鉴定权限（已批准：%(granted)s）。")
        % {"center": center.name, "level": _level_name(level), "granted": granted_text},
    )


def _expanded_county_rule(center, candidate, level):
    refused = _refuse_technician_or_affiliated(candidate, level)
    if refused is not None:
        return refused
    if level not in _granted_levels(center):
        return _refuse_ungranted(center, level, "ORG-5")
    return _own_region(
        center, candidate, "ORG-5", _("%(center)s为扩权县，按批准的鉴定权限负责本县（市）考生。")
    )


def _school_rule(center, candidate, level):
    school = getattr(candidate, "school", None)
    if school is None or school.pk != center.pk:
        return _refuse("ORG-7", _("%(center)s仅受理本校学生报名。") % {"center": center.name})
    if level in TECHNICIAN_LEVELS:
        return _refuse("ORG-4", _("技师、高级技师鉴定由省职业技能鉴定中心负责。"))
    if level not in _granted_levels(center):
        return _refuse_ungranted(center, level, "ORG-7")
    return _allow("ORG-7", _("%(center)s受理本校学生鉴定。") % {"center": center.name})


def _enterprise_rule(center, candidate, level):
    body = getattr(candidate, "employer_body", None)
    if body is None or body.pk != center.pk:
        return _refuse("ORG-7", _("%(center)s仅受理本行业企业职工报名。") % {"center": center.name})
    if level in TECHNICIAN_LEVELS:
        return _refuse("ORG-4", _("技师、高级技师鉴定由省职业技能鉴定中心负责。"))
    if level not in _granted_levels(center):
        return _refuse_ungranted(center, level, "ORG-7")
    return _allow("ORG-7", _("%(center)s受理本行业企业职工鉴定。") % {"center": center.name})


_KIND_RULES = {
    CenterKind.PROVINCE: _province_rule,
    CenterKind.CITY: _city_rule,
    CenterKind.COUNTY: _county_rule,
    CenterKind.EXPANDED_COUNTY: _expanded_county_rule,
    CenterKind.SCHOOL: _school_rule,
    CenterKind.ENTERPRISE: _enterprise_rule,
}


def candidate_centers(candidate):
    """The centers that could be responsible for a candidate, nearest first."""
    seen, ordered = set(), []
    region = getattr(candidate, "region", None)
    chain = [
        getattr(candidate, "school", None),
        getattr(candidate, "employer_body", None),
        region,
        region.parent if region is not None and region.parent_id else None,
    ]
    for center in chain:
        if center is not None and center.pk not in seen:
            seen.add(center.pk)
            ordered.append(center)
    province = Center.objects.filter(kind=CenterKind.PROVINCE).prefetch_related("grants").first()
    if province is not None and province.pk not in seen:
        ordered.append(province)
    return ordered


def appraising_centers(candidate, occupation, level, *, retake=False, on_date=None):
    """Every center that may appraise the candidate, nearest first, with the engine's decision."""
    return [
        (center, decision)
        for center in candidate_centers(candidate)
        if (decision := can_appraise(center, candidate, occupation, level, retake=retake, on_date=on_date))
    ]


def explain_refusal(candidate, occupation, level, *, retake=False, on_date=None):
    """Why no center may appraise: the nearest center's reason (the one a candidate would ask)."""
    centers = candidate_centers(candidate)
    if not centers:
        return _("未找到可受理的鉴定机构，请先完善所在地区信息。")
    decisions = [can_appraise(c, candidate, occupation, level, retake=retake, on_date=on_date) for c in centers]
    return decisions[0].reason


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


def may_organize(center: Center, occupation: Occupation, level: int, *, retake: bool = False) -> Decision:
    """May this center hold a session of this occupation and level for anyone at all? The engine's
    own rules asked for the candidate the center serves first (its region, students or employees)."""
    from types import SimpleNamespace

    if center.kind == CenterKind.PROVINCE:
        # The province serves 中省属 units at 5-3 and everyone at 2-1; an affiliated unit stands for both.
        unit = Center.objects.filter(kind=CenterKind.AFFILIATED_UNIT).first() or SimpleNamespace(
            pk=None, kind=CenterKind.AFFILIATED_UNIT, name=_("中省属单位")
        )
        candidate = SimpleNamespace(region=None, school=None, employer_body=unit, graduation_date=None)
    else:
        candidate = SimpleNamespace(
            region=center if center.is_regional else None,
            school=center if center.kind == CenterKind.SCHOOL else None,
            employer_body=center if center.kind == CenterKind.ENTERPRISE else None,
            graduation_date=None,
        )
    return can_appraise(center, candidate, occupation, level, retake=retake)


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


# --- Who prints the certificates (CERT-2) ------------------------------------------------------


def printing_center(center: Center, *, unified: bool) -> Center:
    """The center that prints the certificates of an appraisal held by `center` (CERT-2): a city
    center prints its own daily appraisals and those of its counties, expanded-authority counties
    included, and of the school and enterprise bodies under it; the province center prints its own
    (levels 2 and 1, the 中省属 units), the unified appraisals, and those of the bodies directly under
    it. Load `center` with its parent (select_related) to ask no query."""
    if unified:
        node = center
        while node.parent_id is not None:
            node = node.parent
        return node  # the province, wherever a unified appraisal was sat
    if center.kind in (CenterKind.PROVINCE, CenterKind.CITY):
        return center
    return center.parent  # a county's city; a body's city or the province
