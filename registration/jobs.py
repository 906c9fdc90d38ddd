"""The bulk import (REG-3) as a background job: the clerk uploads, the page shows the progress,
then the report (appraisal/jobs.py runs it). Every rule is in registration.services.imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from appraisal.extensions import JobKind
from appraisal.models import Occupation
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
