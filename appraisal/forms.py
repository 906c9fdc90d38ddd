from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appraisal.models import Center, CenterKind, Level, Occupation
from appraisal.workdays import MAX_EXTENSION_DAYS, registration_deadline


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

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["deadline"] = registration_deadline(cleaned["appraisal_day"], cleaned["extension_days"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return cleaned


class AuthorityCheckForm(forms.Form):
    """ORG-8: ask the engine which centers may appraise a candidate with this affiliation."""

    region = forms.ModelChoiceField(
        label=_("考生所在地区"),
        queryset=Center.objects.filter(kind__in=[CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY]),
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
    occupation = forms.ModelChoiceField(label=_("申报职业"), queryset=Occupation.objects.order_by("category", "name"))
    level = forms.TypedChoiceField(label=_("申报等级"), coerce=int, choices=Level.choices)
    retake = forms.BooleanField(label=_("补考（国务院取消的职业）"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("region", "school", "employer_body")):
            raise ValidationError(_("请至少填写考生所在地区、就读院校或所属单位之一。"))
        return cleaned
