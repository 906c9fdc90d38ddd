"""Scores of a whole session (EXAM-6): the score sheet (seated candidates × the subjects each takes),
the grid entry, the Excel template and the Excel import.

The per-score rules are the services' own (exams/services.py: marks_as_examiner, check_recusal,
check_open_for_marking, check_discipline, check_subject, plan_score, parse_score): the grid calls services.enter_score
cell by cell in one transaction; the import loads seats, scores, kept passes and declared relations
once, checks every row, and writes nothing unless every row is good. Its writes are batched with
bulk_create / bulk_update, so the number of queries grows with the number of batches, not rows.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import services
from exams.models import DeclaredRelation, ExamSession, Score, ScoreChange, SeatAssignment, Subject
from registration.models import Application

MAX_ROWS = 10_000
MAX_FILE_BYTES = 10 * 1024 * 1024
BATCH = 1000
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
    discipline: services.Discipline = services.NO_MEASURE  # EXAM-11: disqualified, subjects made void


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
    kept = services.retained_passes_by_candidate(candidates, session.occupation_id, session.level, session.day)
    discipline = services.discipline_by_application(Application.objects.filter(seat__session=session).values("pk"))
    relations = None
    if actor is not None and services.marks_as_examiner(actor, session):
        relations = set(
            DeclaredRelation.objects.filter(examiner=actor, candidate__in=candidates).values_list(
                "examiner_id", "candidate_id")
        )
    rows = []
    for seat in seats:
        application = seat.application
        own = by_application.get(application.pk, {})
        takes = services.subjects_left(application.level, kept.get(application.candidate_id, set()), set(own))
        recusal = ""
        if relations is not None:
            try:
                services.check_recusal(actor, application.candidate, relations)
            except PermissionDenied as exc:
                recusal = str(exc)
        rows.append(SheetRow(seat=seat, application=application, takes=takes, scores=own, recusal=recusal,
                             discipline=discipline.get(application.pk, services.NO_MEASURE)))
    return rows


# --- Grid entry -------------------------------------------------------------------------------


def enter_grid(session: ExamSession, cells: dict, *, actor, reason: str = "") -> dict:
    """Write the changed cells {(application, subject): value} through services.enter_score, all in
    one transaction: if any cell is refused nothing is saved. Returns {(application pk, subject):
    [messages]} for the refused cells (empty when everything was saved)."""
    errors: dict = {}
    with transaction.atomic():
        for (application, subject), value in cells.items():
            try:
                with transaction.atomic():
                    services.enter_score(application=application, subject=subject, value=value, actor=actor,
                                         reason=reason)
            except ValidationError as exc:
                errors[(application.pk, subject)] = exc.messages
            except PermissionDenied as exc:
                errors[(application.pk, subject)] = [str(exc)]
        if errors:
            transaction.set_rollback(True)
    return errors


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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading an upload ------------------------------------------------------------------------


def _open_workbook(uploaded):
    """Open an upload as .xlsx, judged by its content (a zip holding xl/workbook.xml), never its name."""
    too_big = ValidationError(_("文件超过%(mb)dMB。") % {"mb": MAX_FILE_BYTES // 1024 // 1024}, code="too_big")
    if getattr(uploaded, "size", None) is not None and uploaded.size > MAX_FILE_BYTES:
        raise too_big
    uploaded.seek(0)
    data = uploaded.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_big
    if not data:
        raise ValidationError(_("上传的文件是空的。"), code="empty_file")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationError(_("这是旧版 Excel（.xls）或加密的文件，请另存为 .xlsx 格式后再上传。"), code="not_xlsx")
    not_xlsx = ValidationError(_("文件不是有效的 Excel（.xlsx）文件，请使用下载的成绩模板填写后上传。"), code="not_xlsx")
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise not_xlsx
    try:
        with zipfile.ZipFile(buffer) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise not_xlsx
    except zipfile.BadZipFile as exc:
        raise not_xlsx from exc
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise not_xlsx from exc


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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


# --- The import -------------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int
    ticket: str
    name: str
    messages: list[str]

    @property
    def message(self) -> str:
        return "；".join(self.messages)


@dataclass
class ImportReport:
    total_rows: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    saved: bool = False

    @property
    def written(self) -> int:
        return self.created + self.updated


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


def _check_rows(session, subjects, rows, *, actor, reason, as_examiner):
    """Every row against the sheet loaded once: (problems, [(score, change, is_new)], unchanged)."""
    sheet = {row.seat.ticket_number: row for row in score_sheet(session)}
    relations = set()
    if as_examiner:
        relations = set(DeclaredRelation.objects.filter(
            examiner=actor, candidate__in=Application.objects.filter(seat__session=session).values("candidate_id"),
        ).values_list("examiner_id", "candidate_id"))
    labels = {subject: subject_label(subject) for subject in subjects}  # translated once, not per cell
    problems, planned, unchanged, seen = [], [], 0, {}
    for number, record in rows:
        ticket, name = _text(record.get(TICKET)), _text(record.get(NAME))
        messages = []
        row = sheet.get(ticket)
        if not ticket:
            messages.append(_("准考证号为空。"))
        elif ticket in seen:
            messages.append(_("准考证号%(ticket)s与第%(row)d行重复。") % {"ticket": ticket, "row": seen[ticket]})
            row = None
        elif row is None:
            messages.append(_("准考证号%(ticket)s不属于本场次（未知考生）。") % {"ticket": ticket})
        if ticket and ticket not in seen:
            seen[ticket] = number
        if row is not None and not _same_name(name, row.application.name):
            messages.append(_("姓名“%(name)s”与准考证号对应的考生“%(real)s”不一致。")
                            % {"name": name or _("（空）"), "real": row.application.name})
            row = None
        if row is not None and as_examiner:
            try:
                services.check_recusal(actor, row.application.candidate, relations)
            except PermissionDenied as exc:
                messages.append(str(exc))
                row = None
        for subject in subjects:
            label = labels[subject]
            raw = record.get(label)
            if not _text(raw):
                continue
            try:
                value = services.parse_score(_text(raw))
                if row is None:
                    continue
                services.check_subject(row.application, subject, row.takes)
                existing = row.scores.get(subject)
                if existing is None or existing.value != value:  # a prefilled unchanged score is left alone
                    services.check_discipline(subject, row.discipline)
                score, change = services.plan_score(
                    existing, application=row.application, session=session, subject=subject, score_value=value,
                    actor=actor, reason=reason)
            except ValidationError as exc:
                messages.extend(f"{label}：{m}" for m in exc.messages)
                continue
            if change is None:
                unchanged += 1
            else:
                planned.append((score, change, existing is None))
        if messages:
            problems.append(RowProblem(row=number, ticket=ticket, name=name, messages=messages))
    return problems, planned, unchanged


def import_scores(session: ExamSession, uploaded_file, actor, *, reason: str = "") -> ImportReport:
    """EXAM-6: import a session's scores from the .xlsx template. Every bad row is reported with its
    row number and reason; nothing is written unless every row is good. Raises PermissionDenied when
    the actor may not mark this session, ValidationError for a file that cannot be read or a session
    already published."""
    as_examiner = services.marks_as_examiner(actor, session)
    subjects, rows = read_rows(uploaded_file)
    report = ImportReport(total_rows=len(rows))
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).select_related("center").get(pk=session.pk)
        services.check_open_for_marking(session)
        report.errors, planned, report.unchanged = _check_rows(
            session, subjects, rows, actor=actor, reason=reason, as_examiner=as_examiner)
        if report.errors:
            return report
        new = [score for score, _change, is_new in planned if is_new]
        changed = [score for score, _change, is_new in planned if not is_new]
        now = timezone.now()
        for score in changed:
            score.updated_at = now  # bulk_update does not run auto_now
        try:
            with transaction.atomic():
                Score.objects.bulk_create(new, batch_size=BATCH)
                Score.objects.bulk_update(changed, ["value", "passed", "updated_at"], batch_size=BATCH)
                ScoreChange.objects.bulk_create([change for _score, change, _new in planned], batch_size=BATCH)
        except IntegrityError as exc:
            raise ValidationError(_("成绩在导入的同时被他人录入，请重新下载模板核对后再上传。")) from exc
        report.created, report.updated, report.saved = len(new), len(changed), True
    return report
