"""Forms of extra appraisal sessions (CAL-6): the request and the decision; services.extra_sessions
applies every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.models import Occupation, OccupationStatus
from registration import selectors


class ExtraSessionRequestForm(forms.Form):
    center = forms.ModelChoiceField(
        label=_("申请机构"), queryset=None, error_messages={"required": _("请选择申请机构。"),
                                                         "invalid_choice": _("请选择您管辖的鉴定机构。")},
    )
    day = forms.DateField(
        label=_("申请鉴定日期"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写申请鉴定日期。"), "invalid": _("日期格式不正确。")},
    )
    occupation = forms.ModelChoiceField(
        label=_("职业"),
        queryset=Occupation.objects.filter(status=OccupationStatus.ACTIVE).order_by("category", "code", "name"),
        error_messages={"required": _("请选择职业。"), "invalid_choice": _("请选择有效的职业。")},
    )
    expected_candidates = forms.IntegerField(
        label=_("预计人数"), min_value=1, max_value=100000,
        error_messages={"required": _("请填写预计人数。"), "invalid": _("预计人数应为整数。"),
                        "min_value": _("预计人数至少为1人。"), "max_value": _("预计人数过大，请核对。")},
    )
    reason = forms.CharField(
        label=_("申请理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写申请理由。"), "max_length": _("申请理由不能超过500个字。")},
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = selectors.requesting_centers(actor)
        if actor.center_id and not self.is_bound:
            self.fields["center"].initial = actor.center_id


class ExtraSessionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("批准")), ("refuse", _("不予批准"))],
        error_messages={"required": _("请选择批准或不予批准。"), "invalid_choice": _("请选择批准或不予批准。")},
    )
    reason = forms.CharField(label=_("审批意见"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("不予批准时必填")}))
