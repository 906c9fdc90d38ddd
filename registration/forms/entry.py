"""Forms of entry on a candidate's behalf (REG-3): find the candidate, create the account, choose
the appraisal, fill the REG-1 form. They only parse input; the services apply every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.idnumbers import normalize_id_number
from appraisal.models import (
    Center,
    CenterKind,
    Level,
)
from registration.forms.candidate import ChooseForm
from registration.models import Application


class CandidateLookupForm(forms.Form):
    id_number = forms.CharField(label=_("考生身份证号"), max_length=20)

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data["id_number"])


class NewCandidateForm(forms.Form):
    """REG-3: a candidate who has no account yet; the center creates it."""

    id_number = forms.CharField(label=_("身份证号"), max_length=20, widget=forms.TextInput(attrs={"readonly": True}))
    full_name = forms.CharField(label=_("姓名"), max_length=40)
    phone = forms.RegexField(
        label=_("联系电话"), regex=r"^[0-9\-+ ]{7,20}$", error_messages={"invalid": _("请输入正确的联系电话。")}
    )
    region = forms.ModelChoiceField(
        label=_("所在地区"), required=False, empty_label=_("（请选择）"),
        queryset=Center.objects.filter(kind__in=[CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY]),
    )
    school = forms.ModelChoiceField(
        label=_("就读院校"), required=False, empty_label=_("（无）"),
        queryset=Center.objects.filter(kind=CenterKind.SCHOOL),
    )
    graduation_date = forms.DateField(
        label=_("预计毕业日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    employer_body = forms.ModelChoiceField(
        label=_("所属企业或中省直单位"), required=False, empty_label=_("（无）"),
        queryset=Center.objects.filter(kind__in=[CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT]),
    )
    employer_name = forms.CharField(label=_("工作单位"), max_length=100, required=False)

    def clean_id_number(self):
        return normalize_id_number(self.cleaned_data["id_number"])

    @staticmethod
    def initial_for(staff, id_number) -> dict:
        """Affiliation defaults to the staff's own center: its region, school or enterprise."""
        initial = {"id_number": id_number}
        center = staff.center
        if center is not None:
            if center.kind in (CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY):
                initial["region"] = center.pk
            elif center.kind == CenterKind.SCHOOL:
                initial["school"] = center.pk
                initial["region"] = center.parent_id if center.parent and center.parent.is_regional else None
            elif center.kind in (CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT):
                initial["employer_body"] = center.pk
        return initial


class ChoiceForm(ChooseForm):
    """Step one of entry on behalf: the candidate's own choice, so a center can also enter a retake
    (CAL-5) or a dual-certificate student's cancelled occupation (OTH-1) for them."""


RETAKE_FIELDS = ["retake_original_year", "retake_original_ticket", "retake_subjects"]
ENTRY_FIELDS = [
    "name", "gender", "birth_month", "education", "id_number", "employer_name", "current_occupation", "phone",
    "held_certificate", "held_certificate_level", "held_certificate_issuer", "held_certificate_date",
    "professional_title", "years_in_occupation", "work_history",
]


class ApplicationEntryForm(forms.ModelForm):
    """Step two: the REG-1 form, with the appraisal chosen among those the staff may enter."""

    target = forms.ChoiceField(label=_("鉴定场次"))
    birth_month = forms.DateField(
        label=_("出生年月"), input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    class Meta:
        model = Application
        fields = ENTRY_FIELDS
        widgets = {
            "held_certificate_date": forms.DateInput(attrs={"type": "date"}),
            "work_history": forms.Textarea(attrs={"rows": 4}),
            "id_number": forms.TextInput(attrs={"readonly": True}),
        }

    def __init__(self, *args, options, retake=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.retake = retake
        if retake:  # CAL-5 / REG-4: the original appraisal the candidate failed
            for name in RETAKE_FIELDS:
                self.fields[name] = Application._meta.get_field(name).formfield()
            self.fields["retake_original_year"].required = True
            self.fields["retake_original_ticket"].required = True
        self.targets = {}
        choices = []
        for target, center, window in options:
            key = f"{type(target).__name__}:{target.pk}"
            self.targets[key] = target
            day = getattr(target, "day", None) or getattr(target, "first_day", None)
            choices.append((key, _("%(day)s %(center)s（报名截止%(closes)s）") % {
                "day": f"{day:%Y-%m-%d}", "center": center.name, "closes": f"{window.closes:%Y-%m-%d}"}))
        self.fields["target"].choices = choices
        self.fields["held_certificate_level"].choices = [("", _("（无）")), *Level.choices]
        self.fields["gender"].choices = [("", _("（请选择）")), *self.fields["gender"].choices[1:]]
        self.fields["education"].choices = [("", _("（请选择）")), *self.fields["education"].choices[1:]]
        self.order_fields(["target", *ENTRY_FIELDS, *(RETAKE_FIELDS if retake else [])])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        names = [*ENTRY_FIELDS, *(RETAKE_FIELDS if self.retake else [])]
        return {"target": self.targets[data["target"]], **{name: data[name] for name in names}}
