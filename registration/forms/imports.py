"""The upload form of the bulk import (REG-3); the rows are checked by services.imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal.models import Level, Occupation, OccupationStatus
from registration.services import imports


class ImportForm(forms.Form):
    occupation = forms.ModelChoiceField(
        label=_("申报职业"),
        queryset=Occupation.objects.filter(status=OccupationStatus.ACTIVE).order_by("category", "code", "name"),
        error_messages={"required": _("请选择申报职业。"), "invalid_choice": _("请选择有效的职业。")},
    )
    level = forms.TypedChoiceField(
        label=_("申报等级"), coerce=int, choices=Level.choices,
        error_messages={"required": _("请选择申报等级。"), "invalid_choice": _("请选择有效的等级。")},
    )
    target = forms.ChoiceField(
        label=_("鉴定场次"), error_messages={"required": _("请选择鉴定场次。"),
                                           "invalid_choice": _("请选择报名尚未截止、且在您管辖范围内的鉴定场次。")},
    )
    file = forms.FileField(
        label=_("报名信息表（.xlsx）"), error_messages={"required": _("请选择要上传的文件。"),
                                                     "empty": _("上传的文件是空的。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    only_good_rows = forms.BooleanField(
        label=_("只导入正确的行（有错误的行不导入）"), required=False,
    )

    def __init__(self, *args, staff, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {o.key: o for o in imports.import_targets(staff, today=today)}
        self.fields["target"].choices = [("", "——请选择——")] + [(k, o.label) for k, o in self.options.items()]

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("target")
        if key:
            cleaned["appraisal"] = self.options[key].target
        return cleaned
