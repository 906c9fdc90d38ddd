import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appraisal.models import Center, CenterKind, Level, Occupation, PersonalDataKind
from appraisal.selectors import short_center_name
from appraisal.workdays import MAX_EXTENSION_DAYS, CalendarUnknown, registration_deadline

REGION_KINDS = (CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY)


def _code_order(center):
    return (center.division_code is None, center.division_code or "", center.name)


def grouped_region_choices(centers, empty_label=None):
    """Regions for a <select>: cities in division code order, each an <optgroup> with its city
    proper first and then its counties (the sign-up page and the authority check share it)."""
    centers = sorted(centers, key=_code_order)
    cities = [c for c in centers if c.kind == CenterKind.CITY]
    counties = {}
    for center in centers:
        if center.kind != CenterKind.CITY:
            counties.setdefault(center.parent_id, []).append(center)
    choices = [("", empty_label or _("请选择所在地区"))]
    for city in cities:
        options = [(city.pk, _("%(city)s本级（市区）") % {"city": short_center_name(city.name)})]
        options += [(c.pk, short_center_name(c.name)) for c in counties.pop(city.pk, [])]
        choices.append((short_center_name(city.name), options))
    orphans = sorted((c for group in counties.values() for c in group), key=_code_order)
    if orphans:  # a county whose city is not in the list: still selectable
        choices.append((_("其他"), [(c.pk, short_center_name(c.name)) for c in orphans]))
    return choices


class DeadlineForm(forms.Form):
    """CAL-3: what is the registration deadline of an appraisal day?"""

    appraisal_day = forms.DateField(label=_("鉴定日"), widget=forms.DateInput(attrs={"type": "date"}))
    extension_days = forms.TypedChoiceField(
        label=_("延长工作日"),
        coerce=int,
        choices=[(n, n) for n in range(MAX_EXTENSION_DAYS + 1)],
        initial=0,
        error_messages={"invalid_choice": _("报名截止只能延长0、1或2个工作日。")},
    )

    def __init__(self, *args, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = public  # visitors and candidates: no hint about the staff's 工作日调整 screen

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["deadline"] = registration_deadline(cleaned["appraisal_day"], cleaned["extension_days"])
        except CalendarUnknown as exc:
            if not self.public:
                raise ValidationError(exc.messages) from exc
            first_sentence = exc.messages[0].split("。", 1)[0] + "。"  # "2035年的法定节假日尚未维护，无法计算工作日。"
            raise ValidationError(first_sentence + _("报名截止日在该年度法定节假日安排公布后计算。")) from exc
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


class AuthorityCheckForm(forms.Form):
    """ORG-8: ask the engine which centers may appraise a candidate with this affiliation."""

    region = forms.ModelChoiceField(
        label=_("考生所在地区"),
        queryset=Center.objects.filter(kind__in=REGION_KINDS).order_by("division_code", "name"),
        required=False,
        empty_label=_("（未填写）"),
    )
    school = forms.ModelChoiceField(
        label=_("就读院校"), queryset=Center.objects.filter(kind=CenterKind.SCHOOL), required=False,
        empty_label=_("（无）"),
    )
    employer_body = forms.ModelChoiceField(
        label=_("所属企业或中省直单位"),
        queryset=Center.objects.filter(kind__in=[CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT]),
        required=False,
        empty_label=_("（无）"),
    )
    occupation = forms.ModelChoiceField(
        label=_("申报职业"), queryset=Occupation.objects.order_by("category", "name"), empty_label=_("请选择职业"),
        error_messages={"required": _("请选择申报职业。"), "invalid_choice": _("请选择有效的申报职业。")},
    )
    level = forms.TypedChoiceField(label=_("申报等级"), coerce=int, choices=Level.choices)
    retake = forms.BooleanField(label=_("补考（国务院取消的职业）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.widget.choices = grouped_region_choices(region.queryset, empty_label=region.empty_label)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("region", "school", "employer_body")):
            raise ValidationError(_("请至少填写考生所在地区、就读院校或所属单位之一。"))
        return cleaned


class AccessLogFilterForm(forms.Form):
    """Filters of the personal-data access log (all optional)."""

    username = forms.CharField(label=_("访问人"), required=False, max_length=150,
                               widget=forms.TextInput(attrs={"placeholder": _("用户名或姓名")}))
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=[("", _("全部"))] + list(PersonalDataKind.choices))
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    application_id = forms.IntegerField(label=_("申报编号"), required=False, min_value=1, max_value=2**63 - 1,
                                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned


class YearCalendarForm(forms.Form):
    """CAL-4: a year's statutory holidays and adjusted working days, one range a line:
    `2027-02-06至2027-02-13 春节` or `2027-01-01 元旦`. Only parses; calendar_keeping checks the
    arrangement whole."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100,
                              error_messages={"invalid": _("请输入年度，如2027。"), "required": _("请输入年度，如2027。"),
                                              "min_value": _("年度必须在2000到2100之间。"),
                                              "max_value": _("年度必须在2000到2100之间。")})
    holidays = forms.CharField(
        label=_("法定节假日（休息）"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-01-01 元旦\n2027-02-06至2027-02-13 春节"}),
        help_text=_("每行一段：开始日期至结束日期，空格后写名称；只有一天时只写一个日期。"),
    )
    working_days = forms.CharField(
        label=_("调休上班日（周末上班）"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休上班"}),
        help_text=_("每行一天或一段，只能是周六或周日。"),
    )

    def _ranges(self, field):
        from appraisal.calendar_keeping import DayRange

        ranges, errors = [], []
        for number, line in enumerate(self.cleaned_data.get(field, "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = _RANGE_LINE.match(line)
            try:
                if not match:
                    raise ValueError
                first = datetime.date.fromisoformat(_iso(match["first"]))
                last = datetime.date.fromisoformat(_iso(match["last"])) if match["last"] else first
            except ValueError:
                errors.append(_("第%(n)d行“%(line)s”无法识别，请写成“2027-02-06至2027-02-13 春节”。")
                              % {"n": number, "line": line[:40]})
                continue
            ranges.append(DayRange(first, last, (match["name"] or "").strip()))
        if errors:
            self.add_error(field, errors)
        return ranges

    def clean(self):
        data = super().clean()
        data["holiday_ranges"] = self._ranges("holidays")
        data["working_ranges"] = self._ranges("working_days")
        return data


_RANGE_LINE = re.compile(r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:至|到|~|～|\.\.)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?"
                         r"(?:\s+(?P<name>.*))?$")


def _iso(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


# A primary key from a form: ASCII digits only ("²".isdigit() is true, and int() refuses it) and
# within the bigint column, so a forged value is dropped instead of raising OverflowError on SQLite.
_PK_RE = re.compile(r"[0-9]{1,19}")
_PK_MAX = 2**63 - 1


def posted_id(value: str) -> int | None:
    """The row id a form posted, or None when it cannot be one."""
    if not isinstance(value, str) or not _PK_RE.fullmatch(value):
        return None
    pk = int(value)
    return pk if 0 < pk <= _PK_MAX else None


def posted_ids(values) -> list[int]:
    """The valid row ids among posted values (`request.POST.getlist(...)`), in order, without repeats."""
    return list(dict.fromkeys(pk for pk in map(posted_id, values) if pk is not None))
