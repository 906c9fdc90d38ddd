"""Forms of the scores area: the score grid, the Excel upload, corrections and their decision.
They only shape input; every rule is in exams.services and exams.marking."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from exams import scoring


def _normal(value) -> str:
    """A typed score as comparable text: '80', '80.0' and ' 80 ' are the same value."""
    text = (value or "").strip()
    try:
        return str(Decimal(text).normalize()) if text else ""
    except (InvalidOperation, ValueError):
        return text


class ScoreGridForm(forms.Form):
    """One text input per (seated candidate, subject taken), prefilled with the current score, and
    one reason for every change of a score already entered."""

    reason = forms.CharField(label=_("修改原因（修改已录入的成绩时必填）"), max_length=300, required=False)

    def __init__(self, *args, sheet, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheet, self.subjects, self.grid = sheet, subjects, []
        for row in sheet:
            cells = []
            for subject in subjects:
                name = f"s_{row.application.pk}_{subject}"
                score = row.scores.get(subject)
                cell = {"subject": subject, "score": score, "takes": subject in row.takes, "name": name}
                if cell["takes"]:  # a recused row keeps its field: the service refuses it
                    self.fields[name] = forms.CharField(
                        label=f"{row.application.name} {scoring.subject_label(subject)}", required=False,
                        max_length=10, initial=str(score.value) if score else "",
                        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                      "class": "score-input"}),
                    )
                cells.append(cell)
            self.grid.append((row, cells))

    def changed_cells(self) -> dict:
        """{(application, subject): typed value} for the cells whose value differs from the score
        entered. Emptying a score already entered is an error on that cell (scores are not deleted)."""
        changed = {}
        for row, cells in self.grid:
            for cell in cells:
                name = cell["name"]
                if name not in self.fields or name not in self.data:
                    continue  # a cell not posted (a recused row shows no input) is left as it is
                typed = (self.cleaned_data.get(name) or "").strip()
                before = str(cell["score"].value) if cell["score"] else ""
                if _normal(typed) == _normal(before):
                    continue
                if not typed:
                    self.add_error(name, _("已录入的成绩不能清空；如需修改请填写新成绩。"))
                    continue
                changed[(row.application, cell["subject"])] = typed
        return changed

    def cell_errors(self, errors: dict):
        """Attach the services' refusals {(application pk, subject): [messages]} to their cells."""
        for (application_pk, subject), messages in errors.items():
            self.add_error(f"s_{application_pk}_{subject}", messages)


class ScoreImportForm(forms.Form):
    file = forms.FileField(label=_("成绩文件（.xlsx）"))
    reason = forms.CharField(label=_("修改原因（文件修改了已录入的成绩时必填）"), max_length=300, required=False)


class CorrectionForm(forms.Form):
    new_value = forms.CharField(label=_("更正后成绩"), max_length=10,
                                widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = forms.CharField(label=_("更正理由"), max_length=300)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批"), choices=[("approve", _("批准")), ("refuse", _("不予批准"))])
    reason = forms.CharField(label=_("审批意见（不予批准时必填）"), max_length=300, required=False)
