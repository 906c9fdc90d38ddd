from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    """In-app messages always; SMS and e-mail as the person chooses."""

    sms = forms.BooleanField(label=_("短信通知（发送到登记的手机号）"), required=False)
    email = forms.BooleanField(label=_("电子邮件通知"), required=False)
    email_address = forms.EmailField(label=_("电子邮件地址"), required=False, max_length=254,
                                     error_messages={"invalid": _("请输入有效的电子邮件地址。")})


class ResetRequestForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=30,
                                error_messages={"required": _("请输入身份证号。")})
    phone = forms.CharField(label=_("注册时登记的手机号"), max_length=20,
                            error_messages={"required": _("请输入注册时登记的手机号。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "characters",
                                                      "spellcheck": "false"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})


class ResetConfirmForm(forms.Form):
    code = forms.CharField(label=_("短信验证码"), max_length=6, min_length=6,
                           error_messages={"required": _("请输入6位短信验证码。"),
                                           "min_length": _("请输入6位短信验证码。")})
    password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), error_messages={"required": _("请输入新密码。")})
    password2 = forms.CharField(label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), error_messages={"required": _("请再次输入新密码。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric",
                                                 "pattern": "[0-9]*"})
