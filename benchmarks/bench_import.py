"""Benchmark of the bulk import (REG-3): checking and importing N rows, as a ratio against a floor
measured in the same run (reading the same file with openpyxl alone), never as absolute seconds.

    .venv/bin/python benchmarks/bench_import.py [rows ...]      # default: 500 2000 5000

Runs in a throw-away test database (SQLite in memory, or `test_<name>` on PostgreSQL when
DATABASE_URL points there); everything imported is rolled back. Prints one line per size: the floor,
the check, the full import, their ratios to the floor, and the number of queries.
"""

from __future__ import annotations

import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402
from stdnum.cn import ric  # noqa: E402


def make_file(rows: int) -> bytes:
    from registration.import_sheet import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("报名信息")
    sheet.append(list(HEADERS))
    born = datetime.date(1985, 1, 1)
    for n in range(rows):
        day = born + datetime.timedelta(days=n // 400)
        body = f"220122{day:%Y%m%d}{(n % 400) * 2 + 1:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        sheet.append([f"考生{n}", "男", f"{day:%Y-%m}", id_number, "高中/中专/技校", "13900000000", "某单位",
                      "汽车修理", 3, "从事汽车维修。", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main(sizes):
    from appraisal.demo import load_demo
    from appraisal.models import Occupation, ScheduledAppraisalDay, User, WorkdayOverride
    from appraisal.workdays import library_knows
    from registration.services import imports as importing

    config = setup_databases(verbosity=0, interactive=False)
    try:
        load_demo(years=(2017,))
        staff = User.objects.select_related("center").get(username="staff_nongan")
        day_date = timezone.localdate() + datetime.timedelta(days=45)
        for year in {timezone.localdate().year, day_date.year}:
            if not library_knows(year):
                WorkdayOverride.objects.get_or_create(day=datetime.date(year, 1, 1),
                                                      defaults={"is_working_day": False})
        day, _created = ScheduledAppraisalDay.objects.get_or_create(center=staff.center, day=day_date)
        occupation = Occupation.objects.get(name="汽车维修工")
        print(f"database: {connection.vendor}")
        for rows in sizes:
            content = make_file(rows)
            floor, _wb = timed(lambda c=content: list(load_workbook(io.BytesIO(c), read_only=True).active.values))
            check, _rows = timed(lambda c=content: importing.check_rows(
                importing.read_rows(SimpleUploadedFile("b.xlsx", c)), staff=staff, occupation=occupation, level=5,
                target=day))
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    full, result = timed(lambda c=content: importing.import_file(
                        SimpleUploadedFile("b.xlsx", c), staff=staff, occupation=occupation, level=5, target=day))
                transaction.set_rollback(True)
            assert result.imported == rows, result.errors[:3]
            print(f"{rows:>6} rows  floor {floor:6.2f}s  check {check:6.2f}s (x{check / floor:4.1f})  "
                  f"import {full:6.2f}s (x{full / floor:4.1f})  queries {len(queries)}")
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [500, 2000, 5000])
