"""Forms of the center staff's pages: the review queue's filters, the decisions (REG-5), payment
(FEE-1), materials and photo capture, and entry on a candidate's behalf (REG-3).

Forms only parse and check input; every rule is applied by the services they feed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal import authority
from appraisal.idnumbers import normalize_id_number
from appraisal.models import (
    Center,
    CenterKind,
    Level,
    Occupation,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)
from registration.forms_candidate import ChooseForm
from registration.models import Application, MaterialKind, Status

ALL = "all"


class QueueFilterForm(forms.Form):
    """GET filters of the review queue. Status defaults to 待审核; "all" lists every status."""

    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("状态"), required=False, initial=Status.SUBMITTED)
    occupation = forms.ModelChoiceField(
        label=_("申报职业"), queryset=Occupation.objects.order_by("category", "name"), required=False,
        empty_label=_("全部职业"),
    )
    level = forms.TypedChoiceField(
        label=_("申报等级"), coerce=int, required=False, empty_value=None,
        choices=[("", _("全部等级")), *Level.choices],
    )
    appraisal = forms.ChoiceField(label=_("鉴定场次"), required=False)
    center = forms.ModelChoiceField(
        label=_("鉴定机构"), queryset=Center.objects.none(), required=False, empty_label=_("全部机构")
    )

    def __init__(self, data=None, *, user, applications):
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = Status.SUBMITTED
        super().__init__(data)
        self.fields["status"].choices = [(ALL, _("全部状态")), *Status.choices]
        self.fields["center"].queryset = authority.visible_centers(user).filter(
            kind__in=[CenterKind.PROVINCE, CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY,
                      CenterKind.SCHOOL, CenterKind.ENTERPRISE]
        ).order_by("division_code", "name")
        # The appraisals that have applications in the user's scope: two queries whatever the scope.
        days = ScheduledAppraisalDay.objects.filter(
            pk__in=applications.filter(scheduled_day__isnull=False).values("scheduled_day")
        ).select_related("center").order_by("-day", "center__name")
        unified = UnifiedAppraisal.objects.filter(
            pk__in=applications.filter(unified_appraisal__isnull=False).values("unified_appraisal")
        ).order_by("-first_day")
        self.fields["appraisal"].choices = [
            ("", _("全部场次")),
            *[(f"unified:{u.pk}", str(u)) for u in unified],
            *[(f"day:{d.pk}", f"{d.day:%Y-%m-%d} {d.center.name}") for d in days],
        ]

    def filters(self) -> dict:
        """Keyword arguments for selectors.review_queue()."""
        data = self.cleaned_data
        status = data.get("status")
        result = {
            "status": None if status == ALL else (status or Status.SUBMITTED),
            "occupation": data.get("occupation"),
            "level": data.get("level"),
            "center": data.get("center"),
            "search": (data.get("q") or "").strip() or None,
        }
        kind, _sep, pk = (data.get("appraisal") or "").partition(":")
        if kind == "day":
            result["scheduled_day"] = int(pk)
        elif kind == "unified":
            result["unified_appraisal"] = int(pk)
        return result


class ApproveForm(forms.Form):
    opinion = forms.CharField(
        label=_("审核意见（可选）"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("默认：经审核，符合申报条件。")}),
    )


class ReasonForm(forms.Form):
    """审核不通过 and 退回修改 need a reason the candidate will read."""

    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写原因，考生将看到这段说明。")},
    )


class PaymentForm(forms.Form):
    paid = forms.TypedChoiceField(coerce=lambda v: v == "1", choices=[("1", _("已缴费")), ("0", _("未缴费"))])


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=MaterialKind.choices)
    file = forms.FileField(
        label=_("文件（JPEG、PNG或PDF）"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        error_messages={"required": _("请选择要上传的文件。")},
    )


class PhotoForm(forms.Form):
    """REG-2/REG-3: the center captures the electronic photo with the device camera."""

    kind = forms.CharField(widget=forms.HiddenInput, initial=MaterialKind.PHOTO)
    file = forms.FileField(
        label=_("拍摄或选择照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"required": _("请先拍摄或选择照片。")},
    )


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
