"""The Excel import of a session's scores (EXAM-6): seats, scores, kept passes and declared relations
are loaded once, every row is checked with the rules of exams.marking, and nothing is written unless
every row is good. Writes are batched with bulk_create / bulk_update, so the number of queries grows
with the number of batches, not rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.marking import (
    check_discipline,
    check_open_for_marking,
    check_recusal,
    check_subject,
    declared_relations,
    marks_as_examiner,
    parse_score,
    plan_score,
)
from exams.models import ExamSession, Score, ScoreChange
from exams.scoring import NAME, TICKET, _text, check_workbook, read_rows, score_sheet, subject_label
from registration.models import Application

BATCH = 1000


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
        relations = declared_relations(
            actor, Application.objects.filter(seat__session=session).values("candidate_id"))
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
                check_recusal(actor, row.application.candidate, relations)
            except PermissionDenied as exc:
                messages.append(str(exc))
                row = None
        for subject in subjects:
            label = labels[subject]
            raw = record.get(label)
            if not _text(raw):
                continue
            try:
                value = parse_score(_text(raw))
                if row is None:
                    continue
                check_subject(row.application, subject, row.takes)
                existing = row.scores.get(subject)
                if existing is None or existing.value != value:  # a prefilled unchanged score is left alone
                    check_discipline(subject, row.discipline)
                score, change = plan_score(
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


def _counted(rows, progress):
    """The rows, telling `progress(done, total)` as each one has been checked."""
    for done, row in enumerate(rows, start=1):
        yield row
        progress(done, len(rows))


def check_score_upload(session: ExamSession, uploaded_file, actor) -> None:
    """What can be refused before the rows are read (the upload page answers at once): the actor
    may mark this session, it is open for marking, and the file is a readable .xlsx. Raises
    PermissionDenied or ValidationError; `import_scores` checks all of it again."""
    marks_as_examiner(actor, session)
    check_open_for_marking(session)
    check_workbook(uploaded_file)


def import_scores(session: ExamSession, uploaded_file, actor, *, reason: str = "", progress=None) -> ImportReport:
    """EXAM-6: import a session's scores from the .xlsx template. Every bad row is reported with its
    row number and reason; nothing is written unless every row is good. Raises PermissionDenied when
    the actor may not mark this session, ValidationError for a file that cannot be read or a session
    already published. `progress(done, total)` hears how many rows have been checked."""
    as_examiner = marks_as_examiner(actor, session)
    subjects, rows = read_rows(uploaded_file)
    report = ImportReport(total_rows=len(rows))
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).select_related("center").get(pk=session.pk)
        check_open_for_marking(session)
        report.errors, planned, report.unchanged = _check_rows(
            session, subjects, _counted(rows, progress or (lambda done, total: None)), actor=actor, reason=reason,
            as_examiner=as_examiner)
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
