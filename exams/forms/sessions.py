"""Forms of the staff pages for sites, sessions, seats and examiners (EXAM-1..EXAM-5, ORG-8).

Forms only parse and check input; choices come from the user's scope (selectors and the authority
engine) and every rule is applied by exams.services, whose refusals the views attach to the form."""

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.forms import posted_id
from appraisal.idnumbers import mask_id_number
from appraisal.models import (
    Level,
    Occupation,
    RetakeDay,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
)
from exams import selectors
from exams.models import RoomPurpose, SessionStatus

CAPACITY_ERROR = _("考位数必须是1到1000之间的整数。")


class SiteForm(forms.Form):
    name = forms.CharField(label=_("考点名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("考场名称"), max_length=60)
    capacity = forms.IntegerField(
        label=_("考位数"), error_messages={"invalid": CAPACITY_ERROR, "required": _("请填写考位数。")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    equipment = forms.CharField(label=_("设备设施"), max_length=300, required=False)
    purpose = forms.ChoiceField(label=_("用途"), choices=RoomPurpose.choices, initial=RoomPurpose.GENERAL,
                                required=False)
    occupations = forms.ModelMultipleChoiceField(
        label=_("服务职业（技能考核场地）"), queryset=Occupation.objects.order_by("category", "name"), required=False,
        help_text=_("技能考核场地只安排所选职业的考生；理论考场不选。"),
    )

    def clean_purpose(self):
        return self.cleaned_data.get("purpose") or RoomPurpose.GENERAL


class SessionFilterForm(forms.Form):
    """GET filters of the session list."""

    occupation = forms.ModelChoiceField(
        label=_("职业"), queryset=Occupation.objects.order_by("category", "name"), required=False,
        empty_label=_("全部职业"),
    )
    level = forms.TypedChoiceField(
        label=_("等级"), coerce=int, required=False, empty_value=None, choices=[("", _("全部等级")), *Level.choices],
    )
    day_from = forms.DateField(label=_("考试日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    day_to = forms.DateField(label=_("考试日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *SessionStatus.choices])

    def __init__(self, data=None, *, user=None):
        # Examiners read the list too; they open it on their own work, 我参与的场次 (EXAM-5).
        self.user = user
        self.for_examiner = user is not None and user.is_authenticated and user.role == Role.EXAMINER
        if self.for_examiner and (data is None or "scope" not in data):
            data = (data.copy() if data is not None else QueryDict(mutable=True))
            data["scope"] = "mine"
        super().__init__(data)
        if self.for_examiner:
            self.fields["scope"] = forms.ChoiceField(
                label=_("范围"), choices=[("mine", _("我参与的场次")), ("all", _("全部可见场次"))], required=False)

    def clean(self):
        data = super().clean()
        if data.get("day_from") and data.get("day_to") and data["day_from"] > data["day_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data

    def apply(self, queryset):
        data = self.cleaned_data
        if data.get("occupation"):
            queryset = queryset.filter(occupation=data["occupation"])
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
        if data.get("day_from"):
            queryset = queryset.filter(day__gte=data["day_from"])
        if data.get("day_to"):
            queryset = queryset.filter(day__lte=data["day_to"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if self.for_examiner and data.get("scope", "mine") == "mine":
            queryset = queryset.filter(pk__in=selectors.sessions_to_mark(self.user).values("pk"))
        return queryset


TARGET_MODELS = {"day": ScheduledAppraisalDay, "unified": UnifiedAppraisal, "retake": RetakeDay}


class AppraisalChoiceField(forms.ChoiceField):
    """The appraisal a session belongs to. A past one that is in scope but not shown is let through
    rather than called "not one of the choices": the service refuses it with the message that says
    how to pick it (one rule for the form and the API, EXAM-1)."""

    hidden_past: frozenset = frozenset()

    def validate(self, value):
        if value in self.hidden_past:
            return
        super().validate(value)


class SessionForm(forms.Form):
    """Plan a session of the user's center: a site, an occupation and level, and the appraisal it
    belongs to (the center's scheduled days, the unified appraisals for the province, retake days).
    Appraisals today or later come first by date; past ones only when the clerk asks (``past``)."""

    site = forms.ModelChoiceField(label=_("考点"), queryset=None, empty_label=_("请选择考点"))
    occupation = forms.ModelChoiceField(
        label=_("职业"), queryset=Occupation.objects.order_by("category", "name"), empty_label=_("请选择职业")
    )
    level = forms.TypedChoiceField(label=_("等级"), coerce=int, choices=[("", _("请选择等级")), *Level.choices])
    appraisal = AppraisalChoiceField(label=_("鉴定批次"))
    # Carried from the page's "显示已过的鉴定日" link (?past=1) into the post, so both see one list.
    past = forms.BooleanField(label=_("显示已过的鉴定日"), required=False, widget=forms.HiddenInput)
    day = forms.DateField(
        label=_("考试日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填为该批次的第一个鉴定日；统一鉴定可选第二天。"),
    )
    start = forms.TimeField(
        label=_("开考时间"), initial=datetime.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    pass_mark = forms.DecimalField(label=_("合格分数线"), initial=60, max_digits=4, decimal_places=1)

    def __init__(self, *args, user, include_past=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.is_bound:  # a post says itself whether past days were asked for
            include_past = self.fields["past"].clean(self.fields["past"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("past")))
        else:
            self.initial["past"] = include_past
        self.include_past = include_past
        self.fields["site"].queryset = selectors.sites_for(user).filter(is_active=True).order_by("center__name", "name")
        self.fields["site"].label_from_instance = lambda s: f"{s.name}（{s.center.name}）"
        targets = selectors.appraisal_targets_for(user, today=timezone.localdate())
        field = self.fields["appraisal"]
        field.choices = [("", _("请选择鉴定批次")), *self._choices(targets, include_past)]
        field.hidden_past = frozenset(
            f"{kind}:{target.pk}" for kind, rows in targets.items() for target, is_past in rows
            if is_past and not include_past
        )
        self.has_past = any(is_past for rows in targets.values() for _target, is_past in rows)

    @staticmethod
    def _choices(targets, include_past):
        labels = {
            "day": (_("定期鉴定日"), lambda d: f"{d.day:%Y-%m-%d} 定期鉴定日"),
            "unified": (_("全国、全省统一鉴定"), lambda u: f"{u}（{u.first_day:%m-%d}、{u.second_day:%m-%d}）"),
            "retake": (_("补考日"), lambda r: f"{r.day:%Y-%m-%d} {r}"),
        }
        choices = []
        for kind, rows in targets.items():
            group, label = labels[kind]
            options = [(f"{kind}:{t.pk}", label(t) + (str(_("（已过）")) if is_past else ""))
                       for t, is_past in rows if include_past or not is_past]
            if options:
                choices.append((group, options))
        return choices

    def clean_appraisal(self):
        value = self.cleaned_data["appraisal"]
        kind, _sep, pk = value.partition(":")
        model = TARGET_MODELS.get(kind)
        target = model.objects.filter(pk=posted_id(pk)).first() if model and posted_id(pk) else None
        if target is None:
            raise forms.ValidationError(_("请选择鉴定批次。"))
        return target


class SeatForm(forms.Form):
    """Seat one eligible application by hand."""

    application = forms.ModelChoiceField(label=_("考生"), queryset=None, empty_label=_("请选择考生"))
    room = forms.ModelChoiceField(label=_("考场"), queryset=None, empty_label=_("请选择考场"))
    seat_number = forms.IntegerField(
        label=_("座位号"), error_messages={"invalid": _("座位号必须是正整数。"), "required": _("请填写座位号。")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, eligible, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = eligible
        self.fields["application"].label_from_instance = lambda a: f"{a.name}（{mask_id_number(a.id_number)}）"
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda r: f"{r.name}（{r.capacity}个考位）"


class ExaminerAssignForm(forms.Form):
    examiner = forms.ModelChoiceField(label=_("考评人员"), queryset=None, empty_label=_("请选择考评人员"))

    def __init__(self, *args, examiners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["examiner"].queryset = examiners
        self.fields["examiner"].label_from_instance = lambda u: f"{u.display_name}（{u.center.name}）"


class QualificationForm(forms.Form):
    examiner = forms.ModelChoiceField(label=_("考评人员"), queryset=None, empty_label=_("请选择考评人员"))
    occupation = forms.ModelChoiceField(
        label=_("职业"), queryset=Occupation.objects.order_by("category", "name"), empty_label=_("请选择职业")
    )
    highest_level = forms.TypedChoiceField(
        label=_("最高可考评等级"), coerce=int, choices=[("", _("请选择等级")), *Level.choices],
        help_text=_("可考评该等级及以下等级。"),
    )
    certificate_number = forms.CharField(label=_("考评员证号"), max_length=40)
    valid_until = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["examiner"].queryset = selectors.examiners_in_scope(user)
        self.fields["examiner"].label_from_instance = lambda u: f"{u.display_name}（{u.center.name}）"
