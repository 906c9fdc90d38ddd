"""Registration's long work as background jobs (appraisal/jobs.py runs them): the bulk import
(REG-3), whose page shows the progress, then the report, and the exports (REG-3, REG-4), whose page
shows the progress, then the file to download. Every rule is in registration.services.imports and
registration.exports; the runners find their targets again for the job's owner, when they run."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from appraisal.extensions import JobKind
from appraisal.models import Occupation
from registration import exports, selectors
from registration.services import imports

BULK_IMPORT = "registration.bulk_import"


def import_params(*, occupation, level, target_key: str, only_good_rows: bool, file_name: str) -> dict:
    return {"occupation": occupation.pk, "level": int(level), "target": target_key,
            "only_good_rows": bool(only_good_rows), "file_name": file_name}


def result_summary(result: imports.ImportResult) -> dict:
    """What the job's page shows: the counts and every bad row with its reasons."""
    return {
        "saved": result.saved, "total_rows": result.total_rows, "good_count": len(result.good),
        "imported": result.imported, "created_accounts": result.created_accounts,
        "existing_accounts": result.existing_accounts,
        "errors": [{"row": e.row, "name": e.name, "id_number": e.id_number, "message": e.message}
                   for e in result.errors],
    }


def run_bulk_import(job, progress) -> dict:
    params = job.params
    options = {option.key: option for option in imports.import_targets(job.owner)}
    if params["target"] not in options:
        raise ValidationError(_("所选鉴定场次的报名已截止或已不在您的管辖范围内，未导入任何数据。"))
    with job.upload.open("rb") as handle:
        result = imports.import_file(
            File(handle, name=params.get("file_name") or "import.xlsx"), staff=job.owner,
            occupation=Occupation.objects.get(pk=params["occupation"]), level=params["level"],
            target=options[params["target"]].target, only_good_rows=params["only_good_rows"], progress=progress,
        )
    return result_summary(result)


KIND = JobKind(name=BULK_IMPORT, title="批量导入考生", run=run_bulk_import,
               result_template="registration/bulk/_import_result.html", back_url_name="registration:bulk_import")


# --- The exports (REG-3, REG-4): a file to download --------------------------------------------

REGISTRATION_REPORT = "registration.registration_report"
RETAKE_SUMMARY = "registration.retake_summary"


def report_params(kind: str, target, *, origin: dict) -> dict:
    """`origin`: appraisal.services.access_origin() of the request, for the access log."""
    return {"target_kind": kind, "target": target.pk, "origin": origin}


def retake_params(retake_day, *, origin: dict) -> dict:
    return {"retake_day": retake_day.pk, "origin": origin}


def _gone():
    return ValidationError(_("要导出的鉴定场次已不存在，未生成文件。"))


def run_registration_report(job, progress) -> dict:
    """The rows are the owner's scope now (exports.registration_report asks the authority engine), and
    an export of full ID numbers is recorded in the access log for the owner as it runs."""
    params = job.params
    target = selectors.report_target(params["target_kind"], params["target"])
    if target is None:
        raise _gone()
    content = exports.registration_report(job.owner, target, origin=params.get("origin"), progress=progress)
    return {"file": (exports.report_file_name(target), content)}


def run_retake_summary(job, progress) -> dict:
    params = job.params
    retake_day = selectors.retake_days().filter(pk=params["retake_day"]).first()
    if retake_day is None:
        raise _gone()
    content = exports.retake_summary(job.owner, retake_day, origin=params.get("origin"), progress=progress)
    return {"file": (exports.retake_file_name(retake_day), content)}


REPORT_KIND = JobKind(name=REGISTRATION_REPORT, title="导出报名数据上报表", run=run_registration_report,
                      result_template="", back_url_name="registration:bulk_exports")
RETAKE_KIND = JobKind(name=RETAKE_SUMMARY, title="导出补考人员汇总表", run=run_retake_summary,
                      result_template="", back_url_name="registration:bulk_exports")
KINDS = (KIND, REPORT_KIND, RETAKE_KIND)
