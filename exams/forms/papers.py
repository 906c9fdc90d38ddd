"""Forms of papers (EXAM-9), custody of secret material (EXAM-10), supervision and discipline
incidents (EXAM-11). They only parse input; every rule is applied by exams.services, whose refusals
the views attach to the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exams import selectors
from exams.models import (
    CustodyAction,
    IncidentKind,
    IncidentMeasure,
    Subject,
    SupervisionKind,
    subjects_for_level,
)

COPIES_ERRORS = {"invalid": _("份数必须是正整数。"), "required": _("请填写份数。"),
                 "min_value": _("份数必须是正整数。")}
NUMERIC = forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})


def subject_choices(session):
    return [(s, Subject(s).label) for s in subjects_for_level(session.level)]


class _SessionForm(forms.Form):
    def __init__(self, *args, session, **kwargs):
        self.session = session
        super().__init__(*args, **kwargs)
        if "subject" in self.fields:
            self.fields["subject"].choices = subject_choices(session)


class ComposeForm(_SessionForm):
    """EXAM-9: a center running (or under) a sub-bank composes its own paper."""

    subject = forms.ChoiceField(label=_("科目"), error_messages={"invalid_choice": _("本场次没有该科目。")})
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=100000, error_messages=COPIES_ERRORS,
                                widget=NUMERIC)
    code = forms.CharField(label=_("试卷编号"), max_length=40, error_messages={"required": _("请填写试卷编号。")})


class PaperRequestForm(_SessionForm):
    """EXAM-9: a center without a sub-bank asks the province center for a paper."""

    subject = forms.ChoiceField(label=_("科目"), error_messages={"invalid_choice": _("本场次没有该科目。")})
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=100000, error_messages=COPIES_ERRORS,
                                widget=NUMERIC)


class FulfilForm(forms.Form):
    """EXAM-9: the province center provides the requested paper under a code."""

    code = forms.CharField(label=_("试卷编号"), max_length=40, error_messages={"required": _("请填写试卷编号。")})


class CustodyForm(forms.Form):
    """EXAM-10: one hand-over of secret material, with the people responsible."""

    action = forms.ChoiceField(label=_("环节"), choices=CustodyAction.choices,
                               error_messages={"invalid_choice": _("未知的交接环节。")})
    from_person = forms.CharField(label=_("交出人"), max_length=60, help_text=_("单位和姓名，如“省鉴定中心 张三”。"),
                                  error_messages={"required": _("请填写交出人。")})
    to_person = forms.CharField(label=_("接收人"), max_length=60, error_messages={"required": _("请填写接收人。")})
    copies = forms.IntegerField(label=_("份数"), min_value=1, error_messages=COPIES_ERRORS, widget=NUMERIC)
    sealed = forms.TypedChoiceField(
        label=_("密封情况"), choices=[("1", _("密封完好")), ("0", _("已启封"))],
        coerce=lambda value: value == "1", widget=forms.RadioSelect,
        error_messages={"required": _("请选择密封情况。"), "invalid_choice": _("请选择密封情况。")},
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class SupervisionForm(forms.Form):
    """EXAM-11: an on-site supervisor or the remote video monitoring of a session."""

    kind = forms.ChoiceField(label=_("督导方式"), choices=SupervisionKind.choices,
                             error_messages={"invalid_choice": _("请选择督导方式。")})
    supervisor = forms.CharField(label=_("督导人员"), max_length=60, error_messages={"required": _("请填写督导人员。")})
    notes = forms.CharField(label=_("情况记录"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IncidentForm(forms.Form):
    """EXAM-11: a discipline incident. The candidate is given by admission ticket number (on the
    seat chart and on the candidate's desk) and must be seated in this session."""

    ticket_number = forms.CharField(label=_("准考证号"), max_length=24,
                                    error_messages={"required": _("请填写违纪考生的准考证号。")})
    kind = forms.ChoiceField(label=_("违纪类型"), choices=IncidentKind.choices,
                             error_messages={"invalid_choice": _("请选择违纪类型。")})
    measure = forms.ChoiceField(label=_("处理措施"), choices=IncidentMeasure.choices,
                                error_messages={"invalid_choice": _("请选择处理措施。")})
    subject = forms.ChoiceField(label=_("成绩无效的科目"), required=False,
                                choices=[("", _("（不涉及）")), *Subject.choices],
                                help_text=_("处理措施为“该科目成绩无效”时必选。"),
                                error_messages={"invalid_choice": _("请选择科目。")})
    description = forms.CharField(label=_("情况说明"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("请填写情况说明。")})

    def clean_ticket_number(self):
        return "".join(self.cleaned_data["ticket_number"].split())

    def application(self):
        """The application holding this ticket number, in whichever session (None when unknown):
        whether it is seated in this session is the rule of services.record_incident."""
        seat = selectors.seat_by_ticket(self.cleaned_data["ticket_number"])
        return seat.application if seat else None
