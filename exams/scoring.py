"""Scores of a whole session as people see them (EXAM-6), without writes: the score sheet (seated
candidates × the subjects each takes), the Excel template, and reading an uploaded file.

The rules are exams.marking's; the writes (grid entry, the import) are exams.services.scores and
exams.services.score_import.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from appraisal.spreadsheets import cell_text, open_uploaded_workbook, workbook_bytes
from exams import marking
from exams.models import ExamSession, Score, SeatAssignment, Subject
from registration.models import Application

MAX_ROWS = 10_000
MAX_FILE_BYTES = 10 * 1024 * 1024
TICKET, NAME = "准考证号", "姓名"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def subject_label(subject) -> str:
    return str(Subject(subject).label)


def subject_headers() -> dict[str, str]:
    """Column header -> subject: 理论知识, 操作技能, 综合评审."""
    return {subject_label(s): s for s in Subject.values}


def session_subjects(session: ExamSession) -> list[str]:
    """The session's subjects in exam order."""
    return list(session.subjects.order_by("starts_at", "pk").values_list("subject", flat=True))


# --- The score sheet --------------------------------------------------------------------------


@dataclass
class SheetRow:
    seat: SeatAssignment
    application: Application
    takes: list[str]  # subjects taken this time (EXAM-8: a pass kept from last year is not)
    scores: dict[str, Score]
    recusal: str = ""  # why the examiner viewing the sheet must not mark this candidate
    discipline: marking.Discipline = marking.NO_MEASURE  # EXAM-11: disqualified, subjects made void


def score_sheet(session: ExamSession, *, actor=None, with_history=False) -> list[SheetRow]:
    """Every seated candidate with the subjects they take and their scores, in a constant number of
    queries. With an examiner as `actor`, rows they are recused from carry the reason."""
    seats = list(
        SeatAssignment.objects.filter(session=session)
        .select_related("application__candidate", "room")
        .order_by("room__name", "seat_number", "pk")
    )
    scores = Score.objects.filter(session=session).select_related("entered_by")
    if with_history:
        scores = scores.prefetch_related("changes__changed_by")
    by_application: dict[int, dict[str, Score]] = {}
    for score in scores:
        by_application.setdefault(score.application_id, {})[score.subject] = score
    candidates = Application.objects.filter(seat__session=session).values("candidate_id")
    kept = marking.retained_passes_by_candidate(candidates, session.occupation_id, session.level, session.day)
    discipline = marking.discipline_by_application(Application.objects.filter(seat__session=session).values("pk"))
    relations = None
    if actor is not None and marking.marks_as_examiner(actor, session):
        relations = marking.declared_relations(actor, candidates)
    rows = []
    for seat in seats:
        application = seat.application
        own = by_application.get(application.pk, {})
        takes = marking.subjects_left(application.level, kept.get(application.candidate_id, set()), set(own))
        recusal = ""
        if relations is not None:
            try:
                marking.check_recusal(actor, application.candidate, relations)
            except PermissionDenied as exc:
                recusal = str(exc)
        rows.append(SheetRow(seat=seat, application=application, takes=takes, scores=own, recusal=recusal,
                             discipline=discipline.get(application.pk, marking.NO_MEASURE)))
    return rows


# --- The Excel template -----------------------------------------------------------------------


def build_template(session: ExamSession) -> bytes:
    """准考证号, 姓名 and the session's subjects, one row per seated candidate, prefilled with the
    scores already entered. A subject kept from last year (EXAM-8) is greyed out and left empty."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    subjects = session_subjects(session)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "成绩"
    sheet.append([TICKET, NAME] + [subject_label(s) for s in subjects])
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    grey = PatternFill("solid", fgColor="D9D9D9")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, head_fill
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["A"].number_format = "@"  # a ticket number is text, not a number
    sheet.column_dimensions["B"].width = 12
    for index in range(len(subjects)):
        sheet.column_dimensions[chr(ord("C") + index)].width = 12
    for number, row in enumerate(score_sheet(session), start=2):
        values = [row.seat.ticket_number, row.application.name]
        for subject in subjects:
            score = row.scores.get(subject)
            values.append(float(score.value) if score is not None else None)
        sheet.append(values)
        sheet.cell(row=number, column=1).number_format = "@"
        for index, subject in enumerate(subjects, start=3):
            if subject not in row.takes:
                sheet.cell(row=number, column=index).fill = grey
    sheet.freeze_panes = "C2"
    notes = workbook.create_sheet("填写说明")
    for line in (
        "1. 请勿修改第1行表头和准考证号、姓名两列；每行一名考生。",
        "2. 成绩为0到100之间的数字，最多一位小数；尚未评定的科目留空。",
        "3. 灰色单元格为该考生上次合格、仍在保留期内的科目（一年内有效），本次无需考试，请留空。",
        "4. 上传时逐行校验：准考证号须属于本场次，姓名须与准考证号一致，准考证号不得重复，成绩须有效。"
        "任何一行有错误，整个文件都不会保存。",
        "5. 修改已录入的成绩须在上传页面填写修改原因；成绩发布后只能通过成绩更正申请修改。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    return workbook_bytes(workbook)


# --- Reading an upload ------------------------------------------------------------------------


def _open_workbook(uploaded):
    return open_uploaded_workbook(
        uploaded, max_bytes=MAX_FILE_BYTES, too_big=_("文件超过%(mb)dMB。"),
        not_xlsx=_("文件不是有效的 Excel（.xlsx）文件，请使用下载的成绩模板填写后上传。"),
    )


_text = cell_text


def check_workbook(uploaded) -> None:
    """Refuse at once, in Chinese, an upload that is no readable .xlsx (its rows are checked later)."""
    _open_workbook(uploaded).close()
    uploaded.seek(0)


def read_rows(uploaded) -> tuple[list[str], list[tuple[int, dict]]]:
    """The subjects found in the header and the non-empty rows as (row number, {header: value})."""
    workbook = _open_workbook(uploaded)
    try:
        if not workbook.worksheets:
            raise ValidationError(_("文件中没有工作表。"), code="empty")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_text(v) for v in (next(rows, None) or ())]
        known = subject_headers()
        positions: dict[str, int] = {}
        for index, text in enumerate(header):
            if (text in known or text in (TICKET, NAME)) and text not in positions:
                positions[text] = index
        missing = [h for h in (TICKET, NAME) if h not in positions]
        if missing:
            raise ValidationError(
                _("表头缺少以下列：%(missing)s。请使用下载的成绩模板，不要修改第1行。") % {"missing": "、".join(missing)},
                code="bad_header")
        subjects = [known[h] for h in positions if h in known]
        if not subjects:
            raise ValidationError(_("表头中没有科目列（理论知识、操作技能、综合评审）。"), code="bad_header")
        result = []
        for number, values in enumerate(rows, start=2):
            if values is None or not any(_text(v) for v in values):
                continue
            if len(result) >= MAX_ROWS:
                raise ValidationError(_("文件超过%(max)d行。") % {"max": MAX_ROWS}, code="too_many_rows")
            result.append((number, {h: (values[i] if i < len(values) else None) for h, i in positions.items()}))
    finally:
        workbook.close()
    if not result:
        raise ValidationError(_("表格中没有成绩数据（第2行起为空）。"), code="no_rows")
    return subjects, result
