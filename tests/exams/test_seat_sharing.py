"""EXAM-4: a room's seat is used once a day across all the sessions of the site."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from appraisal.demo import load_demo
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from exams import services
from exams.models import SeatAssignment
from registration.models import Application, Status
from tests.exams.conftest import make_id_number

# --- EXAM-4: one candidate per room seat and day, across sessions -----------------------------------


@pytest.fixture
def second_session(session, centers, demo_user):
    """Another session (level 4) at the same site on the same day."""
    return services.schedule_session(
        actor=demo_user("staff_nongan"), center=centers["nongan"], site=session.site,
        occupation=session.occupation, level=4, target=session.scheduled_day, allow_past=True,
    )


def test_exam4_two_sessions_same_site_and_day_share_the_rooms(session, second_session, site, make_applications,
                                                              demo_user):
    staff = demo_user("staff_nongan")
    make_applications(2)
    level4 = make_applications(3, level=4, start=100)
    room_a = site.rooms.get(name="第一考场")
    result = services.assign_seats_automatically(session=session, actor=staff)
    assert result.seated == 2
    assert set(SeatAssignment.objects.filter(session=session).values_list("room__name", "seat_number")) == {
        ("第一考场", 1), ("第一考场", 2)}
    # The second session gets the next free seats, never seat 1 or 2 of room A again.
    with pytest.raises(ValidationError) as exc:
        services.assign_seat(session=second_session, application=level4[0], room=room_a, seat_number=1, actor=staff)
    assert "第一考场的1号座位已有考生。" in exc.value.messages
    result = services.assign_seats_automatically(session=second_session, actor=staff)
    assert result.seated == 3
    second = set(SeatAssignment.objects.filter(session=second_session).values_list("room__name", "seat_number"))
    assert second == {("第一考场", 3), ("第二考场", 1), ("第二考场", 2)}
    assert SeatAssignment.objects.filter(day=session.day).count() == 5
    tickets = SeatAssignment.objects.values_list("ticket_number", flat=True)
    assert len(set(tickets)) == 5
    # The site is full that day: a further candidate is told so.
    make_applications(1, level=4, start=200)
    result = services.assign_seats_automatically(session=second_session, actor=staff)
    assert result.seated == 0 and "考位已满" in result.unseated[0][1]


def test_exam4_database_refuses_one_seat_twice_a_day_across_sessions(session, second_session, site,
                                                                     make_applications, demo_user):
    staff = demo_user("staff_nongan")
    (a,) = make_applications(1)
    (b,) = make_applications(1, level=4, start=100)
    room = site.rooms.first()
    seat = SeatAssignment.objects.create(session=session, application=a, room=room, seat_number=1,
                                         ticket_number="T1", assigned_by=staff)
    assert seat.day == session.day  # taken from the session when not given
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatAssignment.objects.create(session=second_session, application=b, room=room, day=second_session.day,
                                      seat_number=1, ticket_number="T2", assigned_by=staff)


def test_exam4_another_day_may_use_the_same_seat(session, site, centers, make_applications, demo_user):
    staff = demo_user("staff_nongan")
    make_applications(1)
    services.assign_seats_automatically(session=session, actor=staff)
    other_day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["nongan"],
                                                                       day=datetime.date(2017, 7, 15))
    later = services.schedule_session(actor=staff, center=centers["nongan"], site=site,
                                      occupation=session.occupation, level=4, target=other_day, allow_past=True)
    (application,) = make_applications(1, level=4, start=100)
    application.scheduled_day = other_day
    application.save(update_fields=["scheduled_day"])
    room_a = site.rooms.get(name="第一考场")
    seat = services.assign_seat(session=later, application=application, room=room_a, seat_number=1, actor=staff)
    assert (seat.day, seat.seat_number) == (datetime.date(2017, 7, 15), 1)


@pytest.mark.postgres
def test_exam4_two_sessions_seating_at_once_never_exceed_a_room(on_postgres, transactional_db):
    """Two clerks seat two sessions of one site and day at the same moment (own connections): the
    rooms' 3 + 2 seats are shared, never exceeded, never given twice."""
    load_demo(years=(2017,))
    nongan = Center.objects.get(division_code="220122")
    clerks = [User.objects.get(username="staff_nongan"), User.objects.get(username="staff_changchun")]
    site = services.create_site(actor=clerks[0], center=nongan, name="农安县考点", address="农安县")
    services.add_room(actor=clerks[0], site=site, name="第一考场", capacity=3)
    services.add_room(actor=clerks[0], site=site, name="第二考场", capacity=2)
    day = ScheduledAppraisalDay.objects.get(center=nongan, day=datetime.date(2017, 6, 17))
    occupation = Occupation.objects.get(name="汽车维修工")
    sessions = [services.schedule_session(actor=clerks[0], center=nongan, site=site, occupation=occupation,
                                          level=level, target=day, allow_past=True) for level in (5, 4)]
    for i in range(8):
        id_number = make_id_number(i, birth=datetime.date(1985, 1, 1 + i))
        user = User.objects.create(username=f"two{i}", role=Role.CANDIDATE, full_name=f"并发考生{i}",
                                   id_number=id_number, region=nongan)
        Application.objects.create(
            candidate=user, center=nongan, occupation=occupation, level=5 if i % 2 else 4, scheduled_day=day,
            status=Status.APPROVED, name=user.full_name, gender="M", birth_month=datetime.date(1985, 1, 1),
            education="senior", id_number=id_number, phone="13800000000", years_in_occupation=5,
            work_history="从事本职业五年", fee_paid=True, submitted_at=timezone.now(),
        )
    for _attempt in range(2):
        SeatAssignment.objects.all().delete()
        barrier = threading.Barrier(2)
        results = [None, None]

        def seat(index, barrier=barrier, results=results):
            try:
                barrier.wait(timeout=10)
                results[index] = services.assign_seats_automatically(session=sessions[index], actor=clerks[index])
            except Exception as exc:  # noqa: BLE001 - inspected below
                results[index] = exc
            finally:
                connection.close()

        threads = [threading.Thread(target=seat, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert all(isinstance(r, services.SeatingResult) for r in results), results
        assert sum(r.seated for r in results) == 5
        seats = list(SeatAssignment.objects.filter(day=day.day).values_list("room_id", "seat_number"))
        assert len(seats) == 5 and len(set(seats)) == 5
        full = [a for r in results for a, reason in r.unseated if "考位已满" in reason]
        assert len(full) == 3
