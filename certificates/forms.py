"""Forms of the certificates pages: filters of the lists and the inputs of each action. Rules are
the services'; a form only reads and bounds what a person typed."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models import Center, Level, Occupation
from certificates.models import Certificate, State

LEVEL_CHOICES = [("", _("全部等级")), *Level.choices]


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=_("证书编号或姓名"), required=False, max_length=40)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *State.choices])
    occupation = forms.ModelChoiceField(label=_("职业"), required=False, empty_label=_("全部职业"),
                                        queryset=Occupation.objects.order_by("category", "name"))
    level = forms.TypedChoiceField(label=_("等级"), required=False, coerce=int, empty_value=None,
                                   choices=LEVEL_CHOICES)
    overdue = forms.BooleanField(label=_("只看逾期未发放"), required=False)

    def filter(self, certificates):
        data = self.cleaned_data
        if data.get("q"):
            certificates = certificates.filter(Q(number__startswith=data["q"].strip())
                                               | Q(holder_name__contains=data["q"].strip()))
        if data.get("state"):
            certificates = certificates.filter(state=data["state"])
        if data.get("occupation"):
            certificates = certificates.filter(occupation=data["occupation"])
        if data.get("level"):
            certificates = certificates.filter(level=data["level"])
        return certificates


class PrintQueueFilterForm(forms.Form):
    body = forms.ModelChoiceField(label=_("鉴定机构"), required=False, empty_label=_("全部机构"),
                                  queryset=Center.objects.none())
    session = forms.IntegerField(label=_("场次编号"), required=False, min_value=1, max_value=2**63 - 1)
    occupation = forms.ModelChoiceField(label=_("职业"), required=False, empty_label=_("全部职业"),
                                        queryset=Occupation.objects.order_by("category", "name"))
    level = forms.TypedChoiceField(label=_("等级"), required=False, coerce=int, empty_value=None,
                                   choices=LEVEL_CHOICES)
    state = forms.ChoiceField(label=_("类别"), required=False, choices=[
        ("", _("全部")), (State.ISSUED, _("新发证书")), (State.REISSUED, _("补发证书"))])

    def __init__(self, data=None, *, queue):
        super().__init__(data)
        self.fields["body"].queryset = Center.objects.filter(
            pk__in=queue.values("body")).order_by("division_code", "name")

    def filter(self, queue):
        data = self.cleaned_data
        if data.get("body"):
            queue = queue.filter(body=data["body"])
        if data.get("session"):
            queue = queue.filter(application__seat__session_id=data["session"])
        if data.get("occupation"):
            queue = queue.filter(occupation=data["occupation"])
        if data.get("level"):
            queue = queue.filter(level=data["level"])
        if data.get("state"):
            queue = queue.filter(state=data["state"])
        return queue


class ConfirmBatchForm(forms.Form):
    first_serial = forms.CharField(label=_("本批第一张证书的流水码"), max_length=20,
                                   help_text=_("按打印顺序连续编排，如 J2026000001。"))


class DeliverForm(forms.Form):
    to_unit = forms.TypedChoiceField(label=_("领取方式"), coerce=lambda v: v == "unit", initial="self",
                                     choices=[("self", _("考生本人签收")), ("unit", _("单位集体领取"))],
                                     widget=forms.RadioSelect)
    unit_name = forms.CharField(label=_("领取单位"), required=False,
                                max_length=Certificate._meta.get_field("delivered_to").max_length)
    on = forms.DateField(label=_("发放日期"), initial=timezone.localdate,
                         widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.TextInput)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=Certificate._meta.get_field("revocation_reason").max_length,
                             widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.CharField(label=_("撤销文号"),
                               max_length=Certificate._meta.get_field("revocation_document").max_length)


NULL_CHARACTER = _("不能包含空字符等控制字符。")


class VerifyForm(forms.Form):
    """CERT-4: generous bounds only (what a person could paste); the content, with its Chinese
    messages, is checked by certificates.services.verification.clean_query."""

    number = forms.CharField(label=_("证书编号"), max_length=40, help_text=_("16位数字，见证书右上角。"),
                             error_messages={"required": _("请填写证书编号。"), "max_length": _("证书编号为16位数字。"),
                                             "null_characters_not_allowed": NULL_CHARACTER})
    name = forms.CharField(label=_("持证人姓名"), max_length=200,
                           error_messages={"required": _("请填写持证人姓名。"), "max_length": _("姓名最多40个字。"),
                                           "null_characters_not_allowed": NULL_CHARACTER})
    id_number = forms.CharField(label=_("身份证号（选填）"), max_length=40, required=False,
                                help_text=_("填写后同时核对身份证号。"),
                                error_messages={"max_length": _("身份证号为18位。"),
                                                "null_characters_not_allowed": NULL_CHARACTER})

    def __init__(self, *args, captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if captcha:
            self.ask_captcha()

    def ask_captcha(self):
        """Asked after repeated failures from one address (certificates/throttle.py); each render
        draws a new challenge, since each answers once."""
        from captcha.fields import CaptchaField

        self.fields["captcha"] = CaptchaField(label=_("验证码"), help_text=_("请输入图中的字母（不区分大小写）。"),
                                              error_messages={"invalid": _("验证码不正确，请重新输入。"),
                                                              "required": _("请输入验证码。"),
                                                              "incomplete": _("请输入验证码。")})
