"""The print batch's PDF as a background job (CERT-2): the clerk's page shows the progress, then
the file to download (appraisal/jobs.py runs it; the rules are in certificates.services.printing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appraisal.extensions import JobKind
from appraisal.models import PersonalDataKind
from appraisal.services import record_personal_data_access
from certificates import documents
from certificates.models import BatchStatus, Certificate, PrintBatch
from certificates.services.printing import PRINT_JOB, require_printer


def run_print_batch(job, progress) -> dict:
    batch = PrintBatch.objects.select_related("printing_center").filter(pk=job.params.get("batch")).first()
    if batch is None or batch.status == BatchStatus.CANCELLED:
        raise ValidationError(_("该打印批次已取消，无需再生成。"))
    require_printer(job.owner, batch.printing_center)  # the owner may have moved center since
    certificates = list(Certificate.objects.filter(print_items__batch=batch)
                        .select_related("occupation", "body", "application").order_by("print_items__position"))
    if not certificates:
        raise ValidationError(_("该批次中没有证书。"))
    content = documents.render_certificates(certificates, progress=progress)
    # The sheets print full ID numbers: the access log records who made them, and whose.
    record_personal_data_access(user=job.owner, kind=PersonalDataKind.CERTIFICATE_PRINT,
                                application_ids=[c.application_id for c in certificates],
                                origin=job.params.get("origin"))
    return {"batch": batch.pk, "count": len(certificates),
            "file": (f"证书打印批次{batch.pk}_{len(certificates)}张.pdf", content)}


KIND = JobKind(name=PRINT_JOB, title="证书打印批次", run=run_print_batch,
               result_template="certificates/_print_job_result.html", back_url_name="certificates:print_queue")
