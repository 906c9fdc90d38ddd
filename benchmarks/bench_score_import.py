"""Benchmark of the Excel score import (EXAM-6): one session with N seated candidates (default 5,000),
an .xlsx of N rows with two subjects each, timed through exams.services.import_scores, beside a floor
measured in the same run: bulk_create of the same 2×N Score rows alone (no file, no checks, no audit).

    .venv/bin/python benchmarks/bench_score_import.py [--rows 5000] [--runs 3] [--json PATH]

Runs in a throw-away test database (SQLite in memory, or `test_<name>` on PostgreSQL when
DATABASE_URL points there). Every import and floor run is rolled back, so each run starts from the
same state. Prints seconds, rows per second, the query count and the ratio to the floor.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
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
from openpyxl import Workbook  # noqa: E402
from stdnum.cn import ric  # noqa: E402

ROOM_SIZE = 1000


def build_session(rows: int):
    """A 汽车维修工 level-5 session of 农安县 on 2017-06-17 with `rows` seated candidates."""
    from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
    from exams import services
    from exams.models import ExaminerQualification, SeatAssignment
    from registration.models import Application, Status

    nongan = Center.objects.get(division_code="220122")
    staff = User.objects.get(username="staff_nongan")
    examiner = User.objects.get(username="examiner")
    occupation = Occupation.objects.get(name="汽车维修工")
    ExaminerQualification.objects.get_or_create(
        examiner=examiner, occupation=occupation,
        defaults={"highest_level": 3, "certificate_number": "KP-BENCH", "valid_until": datetime.date(2019, 12, 31)})
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=nongan, day=datetime.date(2017, 6, 17))
    users, applications = [], []
    born = datetime.date(1980, 1, 1)
    for n in range(rows):
        birth = born + datetime.timedelta(days=n // 400)
        body = f"220122{birth:%Y%m%d}{(n % 400) * 2 + 1:03d}"
        users.append(User(username=f"bench{n:06d}", role=Role.CANDIDATE, full_name=f"考生{n:05d}",
                          id_number=body + ric.calc_check_digit(body + "0"), region=nongan))
    users = User.objects.bulk_create(users, batch_size=1000)
    for user in users:
        applications.append(Application(
            candidate=user, center=nongan, occupation=occupation, level=5, scheduled_day=day,
            status=Status.APPROVED, name=user.full_name, gender="M", birth_month=datetime.date(1990, 3, 1),
            education="senior", id_number=user.id_number, phone="13800000000", years_in_occupation=5,
            work_history="从事本职业五年", fee_paid=True, submitted_at=timezone.now()))
    Application.objects.bulk_create(applications, batch_size=1000)
    site = services.create_site(actor=staff, center=nongan, name="基准测试考点", address="农安县")
    for index in range((rows + ROOM_SIZE - 1) // ROOM_SIZE):
        services.add_room(actor=staff, site=site, name=f"第{index + 1:02d}考场", capacity=ROOM_SIZE)
    session = services.schedule_session(actor=staff, center=nongan, site=site, occupation=occupation, level=5,
                                        target=day, allow_past=True)
    assert services.assign_seats_automatically(session=session, actor=staff).seated == rows
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    seats = list(SeatAssignment.objects.filter(session=session).select_related("application"))
    return session, examiner, seats


def make_file(seats) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成绩")
    sheet.append(["准考证号", "姓名", "理论知识", "操作技能"])
    for n, seat in enumerate(seats):
        sheet.append([seat.ticket_number, seat.application.name, 40 + n % 61, 60 + (n % 81) / 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed_rolled_back(function):
    """Seconds and query count of `function` in a transaction that is rolled back afterwards."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            result = function()
            seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds, len(queries), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from appraisal.demo import load_demo
    from exams import services
    from exams.models import Score
    from exams.services import score_import

    config = setup_databases(verbosity=0, interactive=False)
    try:
        load_demo(years=(2017,))
        session, examiner, seats = build_session(args.rows)
        content = make_file(seats)
        print(f"database: {connection.vendor}; {args.rows} rows, {2 * args.rows} scores; "
              f"file {len(content) / 1024:.0f} KiB; median of {args.runs} runs")

        def floor():
            scores = [Score(application=seat.application, session=session, subject=subject, value=70,
                            passed=True, entered_by=examiner)
                      for seat in seats for subject in ("theory", "skill")]
            Score.objects.bulk_create(scores, batch_size=score_import.BATCH)

        def run_import():
            report = services.import_scores(session, SimpleUploadedFile("scores.xlsx", content), examiner)
            assert report.saved and report.created == 2 * args.rows, report.errors[:3]
            return report

        floors, imports, floor_queries, import_queries = [], [], 0, 0
        for _run in range(args.runs):
            seconds, floor_queries, _ = timed_rolled_back(floor)
            floors.append(seconds)
            seconds, import_queries, _ = timed_rolled_back(run_import)
            imports.append(seconds)
        floor_s, import_s = statistics.median(floors), statistics.median(imports)
        print(f"floor  bulk_create {2 * args.rows} Score rows: {floor_s:6.2f}s  queries {floor_queries}")
        print(f"import {args.rows} rows: {import_s:6.2f}s  {args.rows / import_s:8.0f} rows/s  "
              f"queries {import_queries}  x{import_s / floor_s:.1f} the floor")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({
                "database": connection.vendor, "rows": args.rows, "floor_seconds": floor_s,
                "import_seconds": import_s, "rows_per_second": args.rows / import_s,
                "import_queries": import_queries, "floor_queries": floor_queries, "ratio": import_s / floor_s,
            }, indent=2))
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()
