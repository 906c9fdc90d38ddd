"""The national data exchange (CERT-1): what the province accepted, as an incremental, versioned
file (CSV in UTF-8 with a header, and a manifest with its SHA-256) and as a cursor-paginated feed
for the API. The format is documented in docs/national-exchange.md; its version is FORMAT.

The cursor is a PublishedRecord id: records are appended in the order the province accepted them,
so "everything after cursor N" is complete and never changes once read.
"""

from __future__ import annotations

import csv
import hashlib
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.spreadsheets import csv_row
from certificates.models import NationalExport, PublishedRecord

FORMAT = "jl-certificate-exchange/1"
COLUMNS = ("cursor", "record_kind", "number", "holder_name", "gender", "id_number", "occupation_code",
           "occupation", "level", "issued_on", "issuing_authority", "body", "body_code", "state", "revoked_on",
           "replacement_count", "correction_kind", "correction_detail", "published_at")
MAX_PAGE = 1000


def require_province(actor) -> None:
    if not authority.is_province_staff(actor):
        raise PermissionDenied(_("全国数据交换仅限省职业技能鉴定中心。"))


def record_row(record: PublishedRecord) -> dict:
    row = {"cursor": record.pk, "record_kind": record.kind, "published_at": record.published_at.isoformat()}
    row.update({name: record.payload.get(name, "") for name in COLUMNS if name not in row})
    return row


def feed(*, after: int = 0, limit: int = 500) -> dict:
    """One page of the feed: the records after `after`, at most `limit`, and the next cursor."""
    if after < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValidationError(_("游标不能为负数，每页1至%(n)d条。") % {"n": MAX_PAGE})
    records = list(PublishedRecord.objects.filter(pk__gt=after).order_by("pk")[:limit + 1])
    page = records[:limit]
    return {"format": FORMAT, "records": [record_row(r) for r in page],
            "next_after": page[-1].pk if page else after, "has_more": len(records) > limit}


def last_cursor() -> int:
    return NationalExport.objects.aggregate(top=Max("last_cursor"))["top"] or 0


def export_increment(*, actor) -> NationalExport:
    """The next file: every record after the last export's cursor. Refuses when there is none new."""
    require_province(actor)
    with transaction.atomic():
        after = last_cursor()
        records = list(PublishedRecord.objects.filter(pk__gt=after).order_by("pk"))
        if not records:
            raise ValidationError(_("自上次导出以来没有新的省级已接收数据。"), code="nothing_new")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for record in records:
            row = record_row(record)
            writer.writerow(csv_row([row[name] for name in COLUMNS]))  # no cell a spreadsheet evaluates
        content = buffer.getvalue().encode("utf-8")
        stamp = timezone.localtime()
        name = f"certificates-{after + 1:010d}-{records[-1].pk:010d}.csv"
        manifest = {"format": FORMAT, "file": name, "sha256": hashlib.sha256(content).hexdigest(),
                    "bytes": len(content), "rows": len(records), "after_cursor": after,
                    "last_cursor": records[-1].pk, "created_at": stamp.isoformat(), "columns": list(COLUMNS)}
        export = NationalExport(after_cursor=after, last_cursor=records[-1].pk, rows=len(records),
                                manifest=manifest, created_by=actor)
        export.file.save(name, ContentFile(content), save=False)
        try:
            with transaction.atomic():
                export.save()
        except IntegrityError as exc:
            raise ValidationError(_("另一位工作人员刚刚生成了该增量文件，请刷新。"), code="exported_meanwhile") from exc
    return export
