"""EXAM-4 under concurrency (PostgreSQL): two clerks seating the same session at the same moment,
each on their own database connection, never exceed capacity nor put two candidates in one seat."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from appraisal.demo import load_demo
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from exams import services
from exams.models import SeatAssignment
from registration.models import Application, Status
from tests.exams.conftest import make_id_number

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(on_postgres, transactional_db):
    """Demo data, a 农安 site with 3 + 2 seats, a 2017 session and 8 approved, paid applications."""
    load_demo(years=(2017,))
    nongan = Center.objects.get(division_code="220122")
    nongan_staff = User.objects.get(username="staff_nongan")
    city_staff = User.objects.get(username="staff_changchun")  # 长春 may act for its county 农安
    site = services.create_site(actor=nongan_staff, center=nongan, name="农安县考点", address="农安县")
    services.add_room(actor=nongan_staff, site=site, name="第一考场", capacity=3)
    services.add_room(actor=nongan_staff, site=site, name="第二考场", capacity=2)
    day = ScheduledAppraisalDay.objects.get(center=nongan, day=datetime.date(2017, 6, 17))
    occupation = Occupation.objects.get(name="汽车维修工")
    session = services.schedule_session(actor=nongan_staff, center=nongan, site=site, occupation=occupation,
                                        level=5, target=day, allow_past=True)
    applications = []
    for i in range(8):
        id_number = make_id_number(i, birth=datetime.date(1985, 1, 1 + i))
        user = User.objects.create(username=f"cc{i}", role=Role.CANDIDATE, full_name=f"并发考生{i}",
                                   id_number=id_number, region=nongan)
        applications.append(Application.objects.create(
            candidate=user, center=nongan, occupation=occupation, level=5, scheduled_day=day,
            status=Status.APPROVED, name=user.full_name, gender="M", birth_month=datetime.date(1985, 1, 1),
            education="senior", id_number=id_number, phone="13800000000", years_in_occupation=5,
            work_history="从事本职业五年", fee_paid=True, submitted_at=timezone.now(),
        ))
    return {"session": session, "site": site, "clerks": [nongan_staff, city_staff], "applications": applications}


def run_together(*jobs):
    """Run each job in its own thread (its own connection), released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", job())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each clerk got
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_exam4_two_clerks_auto_assign_at_once_never_exceed_capacity(world):
    session = world["session"]
    results = run_together(*[
        (lambda clerk=clerk: services.assign_seats_automatically(session=session, actor=clerk))
        for clerk in world["clerks"]
    ])
    assert all(kind == "ok" for kind, _value in results), results
    assert sum(value.seated for _kind, value in results) == 5
    seats = list(SeatAssignment.objects.filter(session=session).values_list("room_id", "seat_number"))
    assert len(seats) == 5  # total seats == capacity (3 + 2)
    assert len(set(seats)) == len(seats)  # no seat used twice
    assert SeatAssignment.objects.values("application").distinct().count() == 5
    unseated = [a for _kind, value in results for a, reason in value.unseated if "考位已满" in reason]
    assert len({a.pk for a in unseated}) == 3


def test_exam4_two_clerks_manually_assign_the_same_seat_at_once(world):
    session, site = world["session"], world["site"]
    room = site.rooms.get(name="第一考场")
    first, second = world["applications"][:2]
    results = run_together(*[
        (lambda clerk=clerk, application=application: services.assign_seat(
            session=session, application=application, room=room, seat_number=1, actor=clerk))
        for clerk, application in zip(world["clerks"], (first, second), strict=True)
    ])
    kinds = sorted(kind for kind, _value in results)
    assert kinds == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ValidationError)
    assert "第一考场的1号座位已有考生。" in error.messages
    assert SeatAssignment.objects.filter(session=session, room=room, seat_number=1).count() == 1
    assert SeatAssignment.objects.filter(session=session).count() == 1
