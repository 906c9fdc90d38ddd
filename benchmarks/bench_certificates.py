"""Benchmark of certificates (CERT-2, CERT-4), as ratios against floors measured in the same run:

1. issuing: services.issue_for_session for N qualified applications (approved, paid, both opinions,
   published, all subjects passed) beside a plain bulk_create of the same N Certificate rows
   (goal: within 3x), and the service's number of queries at N/10 and at N (goal: it grows with the
   number of batches, not of rows);
2. printing: documents.render_certificates for P certificates as ONE PDF, each with its own photo
   (a 31 KB JPEG read from storage, as the print job does) and its QR code (goal: at least 20 pages
   a second), in wall and CPU time of this process.

    .venv/bin/python benchmarks/bench_certificates.py [--issue 10000] [--runs 3] [--print 1000] [--profile]

Runs in a throw-away test database (`test_<name>` on PostgreSQL when DATABASE_URL points there; the
issue's figure is for PostgreSQL) with MEDIA_ROOT in a temporary directory. Every measured issuing
run is rolled back, so each starts from the same state. `--print 0` skips printing; `--print` may
not exceed `--issue` (the whole session is issued). `--profile` adds a cProfile of one issuing run
and of 200 certificates printed. Exit status 0 whatever the outcome: it reports, it does not gate.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import id_number  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402

GOAL_RATIO = 3.0
GOAL_PAGES_PER_SECOND = 20.0
ROOM_CAPACITY = 1000
PUBLISHED_ON = datetime.date(2017, 7, 3)


def photo_bytes(n: int = 0) -> bytes:
    """A 330×480 JPEG of about 31 KB (noise keeps it near an ID photo's size), different for each n."""
    from PIL import Image

    base = Image.new("RGB", (330, 480), (200, 215, 235 - n % 40))
    buffer = io.BytesIO()
    Image.blend(base, Image.effect_noise((330, 480), 24).convert("RGB"), 0.25).save(buffer, format="JPEG",
                                                                                     quality=85)
    return buffer.getvalue()


def prepare(count: int, distinct_photos: int = 0):
    """A published 农安 session of `count` qualified candidates, each with a photo on file: its own
    for the first `distinct_photos` (those printed), one shared file for the rest (issuing reads none)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from appraisal.models import Occupation, Role, ScheduledAppraisalDay, User
    from exams.models import ExamSession, Room, Score, SeatAssignment, SessionStatus, Site, Subject
    from registration.models import Application, Material, MaterialKind, Status

    staff = User.objects.select_related("center").get(username="staff_nongan")
    hr = User.objects.get(username="hr_official")
    center = staff.center
    occupation = Occupation.objects.get(name="汽车维修工")
    day = datetime.date(2017, 6, 17)
    scheduled, _created = ScheduledAppraisalDay.objects.get_or_create(center=center, day=day)
    site = Site.objects.create(center=center, name="基准考点", address="农安县")
    rooms = [Room.objects.create(site=site, name=f"第{i + 1:02d}考场", capacity=ROOM_CAPACITY)
             for i in range(-(-count // ROOM_CAPACITY))]
    published_at = timezone.make_aware(datetime.datetime.combine(PUBLISHED_ON, datetime.time(10)))
    session = ExamSession.objects.create(center=center, site=site, occupation=occupation, level=5,
                                         scheduled_day=scheduled, day=day, created_by=staff,
                                         status=SessionStatus.PUBLISHED, published_at=published_at,
                                         published_by=staff)
    users = User.objects.bulk_create([
        User(username=f"bench{n:06d}", role=Role.CANDIDATE, full_name=f"考生{n:05d}", id_number=id_number(n),
             region=center, password="!") for n in range(count)], batch_size=2000)
    applications = Application.objects.bulk_create([
        Application(candidate=user, center=center, occupation=occupation, level=5, scheduled_day=scheduled,
                    status=Status.APPROVED, name=user.full_name, gender="M", birth_month=datetime.date(1990, 3, 1),
                    education="senior", id_number=user.id_number, phone="13800000000", years_in_occupation=5,
                    work_history="从事本职业五年", fee_due=Decimal("120.00"), fee_paid=True, fee_paid_at=published_at,
                    submitted_at=published_at, center_opinion="同意", center_opinion_date=day,
                    hr_opinion="同意发证", hr_opinion_date=PUBLISHED_ON, hr_opinion_by=hr)
        for user in users], batch_size=2000)
    SeatAssignment.objects.bulk_create([
        SeatAssignment(session=session, application=a, room=rooms[i // ROOM_CAPACITY], day=day,
                       seat_number=i % ROOM_CAPACITY + 1, ticket_number=f"B{i:011d}", assigned_by=staff)
        for i, a in enumerate(applications)], batch_size=2000)
    Score.objects.bulk_create([
        Score(application=a, session=session, subject=subject, value=80, passed=True,
              pass_valid_until=day + datetime.timedelta(days=365), entered_by=staff)
        for a in applications for subject in (Subject.THEORY, Subject.SKILL)], batch_size=2000)
    import hashlib

    shared = photo_bytes()
    shared_name = default_storage.save("bench/photo.jpg", ContentFile(shared))
    materials = []
    for n, a in enumerate(applications):
        photo = photo_bytes(n) if n < distinct_photos else shared
        name = default_storage.save(f"bench/photo-{n}.jpg", ContentFile(photo)) if n < distinct_photos else shared_name
        materials.append(Material(application=a, kind=MaterialKind.PHOTO, file=name, content_type="image/jpeg",
                                  size=len(photo), width=330, height=480, sha256=hashlib.sha256(photo).hexdigest(),
                                  uploaded_by=a.candidate))
    Material.objects.bulk_create(materials, batch_size=2000)
    return staff, session, applications


def rolled_back(function):
    """Run `function` in a transaction that is rolled back; return (seconds, result)."""
    with transaction.atomic():
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed, result


def profile(function, top: int = 25) -> None:
    """cProfile of one rolled-back run of `function`: where the time goes (--profile)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    rolled_back(lambda: profiler.runcall(function))
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def bench_issue(staff, session, applications, runs: int, *, profiled: bool = False) -> dict:
    from django.conf import settings

    from appraisal import authority
    from certificates import numbering, services
    from certificates.models import Certificate

    count = len(applications)
    today = timezone.localdate()
    printer = authority.printing_center(staff.center, unified=False)
    number_prefix = numbering.prefix(staff.center, today.year, 5)

    def service():
        result = services.issue_for_session(session, actor=staff)
        assert len(result.issued) == count and not result.refused, (len(result.issued), result.refused[:1])
        return result

    def floor():  # the same rows, already decided: only the insert
        return Certificate.objects.bulk_create([
            Certificate(application=a, number=numbering.format_number(number_prefix, n), body=staff.center,
                        year=today.year, level=5, running_number=n, printing_center=printer,
                        issuing_authority=settings.CERTIFICATE_ISSUING_AUTHORITY, holder_name=a.name,
                        holder_gender=a.gender, holder_id_number=a.id_number, occupation_id=a.occupation_id,
                        issued_on=today, issued_by=staff, published_on=PUBLISHED_ON,
                        due_on=datetime.date(2017, 7, 24))
            for n, a in enumerate(applications, start=1)])

    rolled_back(service)  # warm-up
    rolled_back(floor)
    if profiled:
        profile(service)
    service_times, floor_times = [], []
    for run in range(runs):  # interleaved (order alternating), so a busy machine slows both alike
        for name in (("floor", "service") if run % 2 else ("service", "floor")):
            if name == "floor":
                floor_times.append(rolled_back(floor)[0])
            else:
                service_times.append(rolled_back(service)[0])
    queries = {}
    for size in (count // 10, count):
        ids = [a.pk for a in applications[:size]]
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                assert len(services.issue_certificates(ids, actor=staff).issued) == size
            transaction.set_rollback(True)
        queries[size] = len(captured)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as floor_queries:
            floor()
        transaction.set_rollback(True)
    return {"floor_s": statistics.median(floor_times), "service_s": statistics.median(service_times),
            "floor_queries": len(floor_queries), "queries": queries}


def bench_print(staff, session, pages: int, *, profiled: bool = False) -> dict:
    """`pages` issued certificates laid out as one PDF, as the print job does (photos from storage)."""
    from pypdf import PdfReader

    from certificates import documents, services
    from certificates.models import Certificate
    from registration.models import Application

    ids = list(Application.objects.filter(seat__session=session).order_by("pk").values_list("pk", flat=True)[:pages])
    services.issue_certificates(ids, actor=staff)
    certificates = list(Certificate.objects.filter(application_id__in=ids)
                        .select_related("occupation", "body", "application").order_by("number"))
    documents.render_certificates(certificates[:5])  # warm-up: fonts, stylesheets
    if profiled:
        profile(lambda: documents.render_certificates(certificates[:200]))
    wall, cpu = time.perf_counter(), time.process_time()
    content = documents.render_certificates(certificates)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert len(PdfReader(io.BytesIO(content)).pages) == len(certificates)
    return {"pages": len(certificates), "wall_s": wall, "cpu_s": cpu, "bytes": len(content)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", type=int, default=10_000, help="applications to issue (default 10000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one issuing run and of 200 certificates printed")
    parser.add_argument("--print", dest="pages", type=int, default=1000, help="certificates in the PDF (0: skip)")
    args = parser.parse_args()

    from appraisal.demo import load_demo

    config = setup_databases(verbosity=0, interactive=False)
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            load_demo(years=(2017, timezone.localdate().year))
            staff, session, applications = prepare(max(args.issue, args.pages), distinct_photos=args.pages)
            issue = bench_issue(staff, session, applications[:args.issue], args.runs, profiled=args.profile)
            ratio = issue["service_s"] / issue["floor_s"]
            print(f"certificates benchmark — database: {connection.vendor}, load {os.getloadavg()[0]:.2f}")
            print(f"issuing {args.issue} certificates, median of {args.runs} runs")
            print(f"  floor   bulk_create of {args.issue} Certificate rows   {issue['floor_s'] * 1000:9.1f} ms  "
                  f"queries {issue['floor_queries']}")
            print(f"  service issue_for_session                    {issue['service_s'] * 1000:9.1f} ms")
            print(f"  ratio {ratio:.2f}x the floor (goal within {GOAL_RATIO:g}x) -> "
                  f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}")
            print("  queries of issue_certificates: " + ", ".join(
                f"{n} rows -> {q}" for n, q in issue["queries"].items()))
            if args.pages:
                printed = bench_print(staff, session, args.pages, profiled=args.profile)
                rate, cpu_rate = printed["pages"] / printed["wall_s"], printed["pages"] / printed["cpu_s"]
                print(f"printing {printed['pages']} certificates as one PDF ({printed['bytes'] / 1e6:.1f} MB), "
                      f"photos and QR codes: {printed['wall_s']:.1f} s wall, {printed['cpu_s']:.1f} s CPU")
                print(f"  {rate:.1f} pages/s wall, {cpu_rate:.1f} pages/s CPU (goal >= {GOAL_PAGES_PER_SECOND:g}) -> "
                      f"{'met' if rate >= GOAL_PAGES_PER_SECOND else 'NOT met'}")
    finally:
        teardown_databases(config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
