"""Who may appraise whom (ORG-2..ORG-7): the rules of the notice, center kind by center kind, with
the reason in Chinese when a center may not. See the package's docstring."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    Center,
    CenterKind,
    Level,
    Occupation,
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


def statutory_levels(center) -> str:
    """ORG-2..ORG-7: the levels the rules above let `center` appraise, and for whom, in Chinese (the
    centers page). Written from the same constants and grants the rules read, so it cannot drift."""
    def names(levels):
        return "、".join(_level_name(lv) for lv in sorted(levels, reverse=True))

    kind = center.kind
    if kind == CenterKind.PROVINCE:
        return _("%(tech)s（全省）；%(basic)s（中省属单位职工）；全国、全省统一鉴定（各等级）") % {
            "tech": names(TECHNICIAN_LEVELS), "basic": names(REGIONAL_BASIC_LEVELS | {Level.THREE})}
    if kind == CenterKind.CITY:
        return _("%(basic)s（本级市区）；%(three)s（本地区，含所辖县）") % {
            "basic": names(REGIONAL_BASIC_LEVELS), "three": _level_name(Level.THREE)}
    if kind == CenterKind.COUNTY:
        return _("%(basic)s（本县）") % {"basic": names(REGIONAL_BASIC_LEVELS)}
    granted = _granted_levels(center) - TECHNICIAN_LEVELS
    whom = {CenterKind.EXPANDED_COUNTY: _("本县，按批准权限"), CenterKind.SCHOOL: _("本校学生"),
            CenterKind.ENTERPRISE: _("本企业职工")}.get(kind)
    if whom is None:  # 中省直单位: not an appraisal body; the province appraises its employees
        return _("不是鉴定机构（职工由省职业技能鉴定中心鉴定）")
    return _("%(levels)s（%(whom)s）") % {"levels": names(granted), "whom": whom} if granted else _("未批准鉴定等级")


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
