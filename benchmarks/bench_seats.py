"""Benchmark of automatic seating (EXAM-4): services.assign_seats_automatically for N approved and
paid applications, as a ratio against a floor measured in the same run — a plain bulk_create of the
same N SeatAssignment rows — never as absolute seconds.

    .venv/bin/python benchmarks/bench_seats.py [--candidates 2000] [--runs 5]

Runs in a throw-away test database (SQLite in memory, or `test_<name>` on PostgreSQL when
DATABASE_URL points there). The session's site has rooms totalling at least N seats; the candidates
and applications are made with bulk_create. Every measured run is rolled back, so each starts from
the same state. Prints the median times, their ratio (goal: within 3x) and the service's number of
queries (which must not grow with N). Exit status 0 whatever the outcome: it reports, it does not gate.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.common import id_number  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

GOAL_RATIO = 3.0
ROOM_CAPACITY = 700




def prepare(candidates: int):
    """A 农安 session with rooms for every candidate, and `candidates` approved, paid applications."""
    from appraisal.models import Occupation, Role, ScheduledAppraisalDay, User
    from exams import services
    from registration.models import Application, Status

    staff = User.objects.select_related("center").get(username="staff_nongan")
    center = staff.center
    occupation = Occupation.objects.get(name="汽车维修工")
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=center, day=datetime.date(2017, 6, 17))
    site = services.create_site(actor=staff, center=center, name="基准考点", address="农安县")
    rooms = -(-candidates // ROOM_CAPACITY)
    for index in range(rooms):
        services.add_room(actor=staff, site=site, name=f"第{index + 1:02d}考场", capacity=ROOM_CAPACITY)
    session = services.schedule_session(actor=staff, center=center, site=site, occupation=occupation, level=5,
                                        target=day, allow_past=True)
    users = User.objects.bulk_create([
        User(username=f"bench{n:06d}", role=Role.CANDIDATE, full_name=f"考生{n:05d}", id_number=id_number(n),
             region=center, password="!")
        for n in range(candidates)
    ], batch_size=1000)
    now = timezone.now()
    Application.objects.bulk_create([
        Application(
            candidate=user, center=center, occupation=occupation, level=5, scheduled_day=day, status=Status.APPROVED,
            name=user.full_name, gender="M", birth_month=datetime.date(1990, 3, 1), education="senior",
            id_number=user.id_number, phone="13800000000", years_in_occupation=5, work_history="从事本职业五年",
            fee_paid=True, submitted_at=now,
        )
        for user in users
    ], batch_size=1000)
    return staff, session


def rolled_back(function):
    """Run `function` in a transaction that is rolled back; return (seconds, result)."""
    with transaction.atomic():
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from appraisal.demo import load_demo
    from exams import services
    from exams.models import Room, SeatAssignment

    config = setup_databases(verbosity=0, interactive=False)
    try:
        load_demo(years=(2017,))
        staff, session = prepare(args.candidates)
        applications = list(services.eligible_applications(session))
        rooms = list(Room.objects.filter(site_id=session.site_id).order_by("name", "pk"))
        assert len(applications) == args.candidates and sum(r.capacity for r in rooms) >= args.candidates

        def service():
            result = services.assign_seats_automatically(session=session, actor=staff)
            assert result.seated == args.candidates and not result.unseated, (result.seated, result.unseated[:1])
            return result

        def floor():
            seats, free = [], ((i, room, seat) for i, room in enumerate(rooms, 1)
                               for seat in range(1, room.capacity + 1))
            for application, (index, room, seat) in zip(applications, free, strict=False):
                seats.append(SeatAssignment(session=session, application=application, room=room, day=session.day,
                                            seat_number=seat,
                                            ticket_number=services.ticket_number(session, index, seat),
                                            assigned_by=staff))
            SeatAssignment.objects.bulk_create(seats, batch_size=1000)
            return seats

        rolled_back(service)  # warm-up
        rolled_back(floor)
        service_times, floor_times = [], []
        for run in range(args.runs):  # interleaved (order alternating), so a busy machine slows both alike
            for name in (("floor", "service") if run % 2 else ("service", "floor")):
                if name == "floor":
                    floor_times.append(rolled_back(floor)[0])
                else:
                    service_times.append(rolled_back(service)[0])
        with transaction.atomic():
            with CaptureQueriesContext(connection) as service_queries:
                service()
            transaction.set_rollback(True)
        with transaction.atomic():
            with CaptureQueriesContext(connection) as floor_queries:
                floor()
            transaction.set_rollback(True)

        floor_s, service_s = statistics.median(floor_times), statistics.median(service_times)
        ratio = service_s / floor_s
        print(f"automatic seating benchmark — database: {connection.vendor}, {args.candidates} applications, "
              f"{len(rooms)} rooms x {ROOM_CAPACITY} seats, median of {args.runs} runs")
        print(f"  floor   bulk_create of {args.candidates} SeatAssignment rows  {floor_s * 1000:8.1f} ms  "
              f"queries {len(floor_queries)}")
        print(f"  service assign_seats_automatically                 {service_s * 1000:8.1f} ms  "
              f"queries {len(service_queries)}")
        print(f"  ratio {ratio:.2f}x the floor (goal within {GOAL_RATIO:g}x) -> "
              f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}")
    finally:
        teardown_databases(config, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
