"""Forms of the staff's review: the queue's filters, the decisions (REG-5), payment (FEE-1),
materials and photo capture, the HR bureau's opinion (REG-1). They only parse input; the services
apply every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal import authority, gates
from appraisal.models import (
    Center,
    CenterKind,
    Level,
    Occupation,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)
from registration.models import MaterialKind, Status
from registration.services import opinions

ALL = "all"


AWAITING_OPINION = "awaiting_opinion"


def default_status(user) -> str:
    """Each role opens the queue on its own work: clerks on 待审核, HR officials on what waits for
    their opinion (REG-1)."""
    return AWAITING_OPINION if gates.has_role(user, gates.HR_OFFICIALS) else Status.SUBMITTED


class QueueFilterForm(forms.Form):
    """GET filters of the review queue. Status defaults to the user's own work (default_status);
    "all" lists every status; "awaiting_opinion" (待填写意见) what waits for the HR opinion."""

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
        self.default_status = default_status(user)
        if data is not None and "status" not in data:
            data = data.copy()
            data["status"] = self.default_status
        super().__init__(data)
        self.fields["status"].choices = [(ALL, _("全部状态")), (AWAITING_OPINION, _("待填写意见")), *Status.choices]
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
            "status": None if status == ALL else (status or self.default_status),
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


class HrOpinionForm(forms.Form):
    """人社部门意见 (REG-1): only parses the text; record_hr_opinion() checks and stores it."""

    opinion = forms.CharField(
        label=_("人社部门意见"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": opinions.HR_OPINION_MAX_LENGTH}),
    )


class BatchHrOpinionForm(forms.Form):
    """批量填写人社部门意见 (REG-1): the ticked applications, one opinion, one date; the service checks
    each application and refuses the whole batch with every reason."""

    applications = forms.TypedMultipleChoiceField(coerce=int, error_messages={
        "required": _("请至少选择一份申报。"), "invalid_choice": _("所选申报的编号不正确。")})
    opinion = forms.CharField(
        label=_("人社部门意见"), initial=opinions.DEFAULT_BATCH_OPINION,
        max_length=opinions.HR_OPINION_MAX_LENGTH, error_messages={"required": _("请填写人社部门意见。")},
    )
    opinion_date = forms.DateField(label=_("意见日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                   error_messages={"required": _("请填写意见日期。"), "invalid": _("请输入正确的日期。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any whole number parses; which numbers the user may touch is the service's question.
        self.fields["applications"].valid_value = lambda value: True
