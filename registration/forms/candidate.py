"""Forms of the candidate's pages: sign-up, the choice of what to apply for, the REG-1 form and an
upload. They check the shape of the input only; every rule lives in registration.services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.forms import REGION_KINDS, grouped_region_choices
from appraisal.idnumbers import normalize_id_number
from appraisal.models import Center, CenterKind, Level, Occupation, OccupationStatus, User
from registration.models import Application, MaterialKind
from registration.services import PHONE_PATTERN


class SignupForm(forms.Form):
    """A candidate's account: the ID number is the login name (REG-5 checks it in the service)."""

    full_name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, min_length=18,
        help_text=_("18位居民身份证号，注册后作为登录用户名。"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}),
        error_messages={"min_length": _("身份证号应为18位。"), "max_length": _("身份证号应为18位。")},
    )
    phone = forms.RegexField(
        label=_("联系电话"), regex=PHONE_PATTERN, max_length=20,
        error_messages={"invalid": _("请输入正确的联系电话（手机号或固定电话）。")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全是数字，不能与身份证号相近。"),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    region = forms.ModelChoiceField(
        label=_("所在地区"), queryset=Center.objects.filter(kind__in=REGION_KINDS, is_active=True), required=False,
        help_text=_("户籍或工作所在的市（州）本级或县（市），决定由哪个鉴定中心受理。"),
    )
    school = forms.ModelChoiceField(
        label=_("就读院校（在校生填写）"), queryset=Center.objects.filter(kind=CenterKind.SCHOOL, is_active=True),
        required=False, empty_label=_("（无）"),
    )
    graduation_date = forms.DateField(
        label=_("预计毕业日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    employer_body = forms.ModelChoiceField(
        label=_("所属企业或中省直单位"),
        queryset=Center.objects.filter(kind__in=[CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT], is_active=True),
        required=False, empty_label=_("（无）"),
    )
    employer_name = forms.CharField(label=_("工作单位"), max_length=100, required=False)

    field_order = [
        "full_name", "id_number", "phone", "password1", "password2", "region", "school", "graduation_date",
        "employer_body", "employer_name",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = grouped_region_choices(self.fields["region"].queryset)
        # Required unless the candidate picks a school or an employer body instead (checked in clean()).
        self.fields["region"].show_required = True

    def clean_id_number(self):
        """REG-5 on the first submit, with the other fields' errors: checksum, birth date, already
        registered. services.register_candidate checks again (and is the one that saves)."""
        id_number = normalize_id_number(self.cleaned_data["id_number"].strip().upper())
        if User.objects.filter(Q(id_number=id_number) | Q(username=id_number)).exists():
            raise ValidationError(_("该身份证号已注册，请直接登录。"), code="registered")
        return id_number

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("region", "school", "employer_body")) and not any(
            name in self.errors for name in ("region", "school", "employer_body")
        ):
            self.add_error("region", _("请选择所在地区。"))
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            probe = User(username=cleaned.get("id_number", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        if cleaned.get("graduation_date") and not cleaned.get("school"):
            self.add_error("graduation_date", _("填写预计毕业日期时请同时选择就读院校。"))
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "full_name": data["full_name"], "id_number": data["id_number"], "phone": data["phone"],
            "password": data["password1"], "region": data.get("region"), "school": data.get("school"),
            "employer_body": data.get("employer_body"), "employer_name": data.get("employer_name", ""),
            "graduation_date": data.get("graduation_date"),
        }


class OccupationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ChooseForm(forms.Form):
    """Step one: occupation, level, retake. Cancelled occupations appear for retakes only (CAL-5)."""

    occupation = OccupationChoiceField(label=_("申报职业"), queryset=Occupation.objects.none(),
                                       empty_label=_("请选择职业"))
    level = forms.TypedChoiceField(
        label=_("申报等级"), coerce=int, choices=[("", _("请选择等级"))] + list(Level.choices),
        error_messages={"invalid_choice": _("请选择有效的申报等级。")},
    )
    retake = forms.BooleanField(label=_("补考（国务院取消的职业，原鉴定不合格者补考一次）"), required=False)

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        # OTH-1: a student of a dual-certificate school may still be appraised in a cancelled occupation
        # before graduating (the authority engine decides; the form only offers the choice).
        school = getattr(candidate, "school", None)
        graduation = getattr(candidate, "graduation_date", None)
        dual_certificate = bool(
            school and school.dual_certificate_school and (graduation is None or graduation > timezone.localdate())
        )
        offered = Q(status=OccupationStatus.ACTIVE) | Q(status=OccupationStatus.CANCELLED, cancelled_by_state_council=True)
        if dual_certificate:
            offered |= Q(status=OccupationStatus.CANCELLED)
        queryset = Occupation.objects.filter(offered).order_by("category", "name")
        self.fields["occupation"].queryset = queryset
        groups, cancelled = {}, []
        for occupation in queryset:
            if occupation.is_cancelled:
                cancelled.append((occupation.pk, occupation.name))
            else:
                groups.setdefault(str(occupation.get_category_display()), []).append((occupation.pk, occupation.name))
        choices = [("", _("请选择职业")), *groups.items()]
        if cancelled:
            choices.append((str(DUAL_CERTIFICATE_GROUP if dual_certificate else RETAKE_GROUP), cancelled))
        self.fields["occupation"].widget.choices = choices


RETAKE_GROUP = _("已取消职业（仅限补考）")
DUAL_CERTIFICATE_GROUP = _("“双证书”院校在校生可申报的已取消职业（或补考）")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """出生年月: `<input type="month">` sends YYYY-MM; stored as the first day of that month."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d", "%Y年%m月"]
    default_error_messages = {"invalid": _("请按“年-月”填写出生年月，例如 1990-03。")}

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ApplicationForm(forms.ModelForm):
    """Step two: the REG-1 form. The ID number comes from the account and cannot be changed here."""

    birth_month = MonthField(label=_("出生年月"))
    id_number = forms.CharField(label=_("身份证号"), disabled=True, required=False,
                                help_text=_("与注册账号一致，不能修改。"))
    years_in_occupation = forms.IntegerField(
        label=_("已从事本职业工作年限"), min_value=0, max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"min_value": _("工作年限不能为负数。"), "max_value": _("工作年限不能超过60年。")},
    )
    held_certificate_date = forms.DateField(
        label=_("颁证时间"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    retake_original_year = forms.IntegerField(label=_("原鉴定年度"), required=False, min_value=2000, max_value=2100)

    class Meta:
        model = Application
        fields = [
            "name", "gender", "birth_month", "education", "id_number", "employer_name", "current_occupation",
            "phone", "held_certificate", "held_certificate_level", "held_certificate_issuer",
            "held_certificate_date", "professional_title", "years_in_occupation", "work_history",
            "retake_original_year", "retake_original_ticket", "retake_subjects",
        ]
        widgets = {
            "work_history": forms.Textarea(attrs={"rows": 4, "placeholder": _("起止年月、单位、从事工作")}),
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        }

    RETAKE_FIELDS = ("retake_original_year", "retake_original_ticket", "retake_subjects")

    def __init__(self, *args, retake=False, id_number="", **kwargs):
        super().__init__(*args, **kwargs)
        self.retake = retake
        self.fields["id_number"].initial = id_number
        self.fields["gender"].choices = [("", _("请选择"))] + list(self.fields["gender"].choices)[1:]
        self.fields["education"].choices = [("", _("请选择"))] + list(self.fields["education"].choices)[1:]
        self.fields["held_certificate_level"].choices = [("", _("（无）"))] + list(
            self.fields["held_certificate_level"].choices
        )[1:]
        if retake:
            for name in self.RETAKE_FIELDS:
                self.fields[name].required = True
        else:
            for name in self.RETAKE_FIELDS:
                del self.fields[name]

    def _post_clean(self):
        # The model's own validation runs in the service, with the candidate, center and target set.
        pass

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("id_number", None)
        for name in ("employer_name", "current_occupation", "held_certificate", "held_certificate_issuer",
                     "professional_title", "retake_original_ticket", "retake_subjects"):
            if name in data and data[name] is None:
                data[name] = ""
        return data


class MaterialUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=MaterialKind.choices, widget=forms.HiddenInput,
                             error_messages={"invalid_choice": _("未知的材料类型。")})
    file = forms.FileField(label=_("选择文件"), error_messages={
        "required": _("请选择要上传的文件。"), "empty": _("上传的文件是空文件。"),
    })

