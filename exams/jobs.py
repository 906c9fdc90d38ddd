"""The Excel import of a session's scores (EXAM-6) as a background job: the examiner or clerk
uploads, the page shows the progress, then the report (appraisal/jobs.py runs it). Every rule is in
exams.services.score_import; the runner only finds the session again for the job's owner."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from appraisal.extensions import JobKind
from exams import selectors, services
from exams.services.score_import import ImportReport

SCORE_IMPORT = "exams.score_import"


def import_params(session, *, reason: str, file_name: str) -> dict:
    return {"session": session.pk, "reason": reason, "file_name": file_name,
            "session_label": f"{session.day:%Y-%m-%d} {session.occupation.name} · {session.get_level_display()}"}


def report_summary(report: ImportReport) -> dict:
    """What the job's page shows: the counts and every bad row with its reasons."""
    return {
        "saved": report.saved, "total_rows": report.total_rows, "created": report.created,
        "updated": report.updated, "unchanged": report.unchanged,
        "errors": [{"row": e.row, "ticket": e.ticket, "name": e.name, "message": e.message} for e in report.errors],
    }


def run_score_import(job, progress) -> dict:
    """The owner's scope and right to mark are asked again now, not taken from the upload's
    moment: an examiner unassigned meanwhile, or a clerk moved to another center, imports nothing."""
    params = job.params
    session = selectors.sessions_for(job.owner).filter(pk=params["session"]).first()
    if session is None:
        raise ValidationError(_("该考试场次已不在您的管辖范围内，未导入任何成绩。"))
    with job.upload.open("rb") as handle:
        report = services.import_scores(session, File(handle, name=params.get("file_name") or "scores.xlsx"),
                                        job.owner, reason=params.get("reason", ""), progress=progress)
    return report_summary(report)


KIND = JobKind(name=SCORE_IMPORT, title="Excel导入成绩", run=run_score_import,
               result_template="exams/scores/_import_result.html", back_url_name="exams:score_index")
