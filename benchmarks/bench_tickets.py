"""Benchmark of the admission ticket PDF (准考证, EXAM-4): N tickets rendered as ONE PDF (the batch
path, exams.tickets.render_tickets) -> pages per second, beside a floor measured in the same run: a
minimal one-page WeasyPrint document in a Latin font.

    .venv/bin/python benchmarks/bench_tickets.py [--tickets 500] [--runs 3]

Runs in a throw-away test database (SQLite in memory, or `test_<name>` on PostgreSQL when
DATABASE_URL points there): N candidates are seated by services.assign_seats_automatically, every
one with a photo (the same JPEG, passed in memory so no disk read is timed). Each figure is the
median of --runs runs after one warm-up, wall and CPU time of this process. Goal: >= 20 pages/s.
Needs the pre-subset font (python manage.py build_pdf_font). Exit status 0 whatever the outcome.
"""

from __future__ import annotations

import argparse
import datetime
import io
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import floor_pdf, id_number, measure  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

GOAL_PAGES_PER_SECOND = 20.0
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def photo_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (330, 480), (200, 215, 235)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()




def seat_candidates(n: int):
    """A 农安 session with n seated candidates; returns the seats as the batch path loads them."""
    from appraisal.models import Occupation, Role, ScheduledAppraisalDay, User
    from exams import services, tickets
    from registration.models import Application, Status

    staff = User.objects.select_related("center").get(username="staff_nongan")
    center = staff.center
    occupation = Occupation.objects.get(name="汽车维修工")
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=center, day=datetime.date(2017, 6, 17))
    site = services.create_site(actor=staff, center=center, name="农安县职业技能鉴定考点", address="农安县黄龙路1号")
    for index in range(-(-n // 30)):
        services.add_room(actor=staff, site=site, name=f"第{index + 1:02d}考场", capacity=30)
    session = services.schedule_session(actor=staff, center=center, site=site, occupation=occupation, level=4,
                                        target=day, allow_past=True)
    users = User.objects.bulk_create([
        User(username=f"bench{i:06d}", role=Role.CANDIDATE, full_name=SURNAMES[i % len(SURNAMES)] + "建国",
             id_number=id_number(i), region=center, password="!")
        for i in range(n)
    ], batch_size=1000)
    now = timezone.now()
    Application.objects.bulk_create([
        Application(candidate=u, center=center, occupation=occupation, level=4, scheduled_day=day,
                    status=Status.APPROVED, name=u.full_name, gender="M", birth_month=datetime.date(1990, 3, 1),
                    education="senior", id_number=u.id_number, phone="13800000000", years_in_occupation=6,
                    work_history="从事本职业六年", fee_paid=True, submitted_at=now)
        for u in users
    ], batch_size=1000)
    result = services.assign_seats_automatically(session=session, actor=staff)
    assert result.seated == n, result.unseated[:1]
    return list(tickets.session_ticket_seats(session))






def page_count(content: bytes) -> int | None:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        try:
            info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("appraisal.pdf").setLevel(logging.ERROR)

    from appraisal import pdf as appraisal_pdf
    from appraisal.demo import load_demo
    from exams.tickets import render_tickets

    if not appraisal_pdf.subset_font_path().exists():
        print("subset font missing: run `python manage.py build_pdf_font` first", file=sys.stderr)
        return 1
    config = setup_databases(verbosity=0, interactive=False)
    try:
        load_demo(years=(2017,))
        seats = seat_candidates(args.tickets)
        photo = photo_bytes()
        photos = {seat.application_id: photo for seat in seats}
        content = render_tickets(seats, photos=photos)
        pages = page_count(content)
        with CaptureQueriesContext(connection) as queries:
            render_tickets(seats, photos=photos)

        floor = measure(floor_pdf, max(args.runs, 5))
        one = measure(lambda: render_tickets(seats[:1], photos=photos), max(args.runs, 5))
        batch = measure(lambda: render_tickets(seats, photos=photos), args.runs)
        no_photo = measure(lambda: render_tickets(seats, photos={}), args.runs)
    finally:
        teardown_databases(config, verbosity=0)

    n = args.tickets
    print(f"admission ticket PDF benchmark — WeasyPrint, {os.cpu_count()} CPU(s), database {connection.vendor}, "
          f"median of {args.runs} runs\n")
    print(f"{'case':<46}{'wall ms':>10}{'cpu ms':>10}   pages/s (wall / cpu)")
    rows = [
        ("floor: 1 page, DejaVu Sans", floor, 1),
        ("1 ticket with photo", one, 1),
        (f"{n} tickets with photos as one PDF", batch, n),
        (f"{n} tickets without photos as one PDF", no_photo, n),
    ]
    for label, (wall, cpu), count in rows:
        print(f"{label:<46}{wall * 1000:>10.1f}{cpu * 1000:>10.1f}   {count / wall:7.1f} / {count / cpu:7.1f}")
    pages_wall, pages_cpu = n / batch[0], n / batch[1]
    print()
    print(f"pages in the {n}-ticket PDF: {pages if pages is not None else '? (pdfinfo missing)'}; "
          f"queries per batch render: {len(queries)}")
    print(f"batch vs floor: {batch[0] / n / floor[0]:.2f}x the floor's time per page (wall)")
    print(f"goal: >= {GOAL_PAGES_PER_SECOND:g} pages/s batched: {pages_wall:.1f} wall ({pages_cpu:.1f} cpu) -> "
          f"{'met' if pages_wall >= GOAL_PAGES_PER_SECOND else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
