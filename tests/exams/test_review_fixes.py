"""Fixes from the exams code review: discipline measures bear on scores (EXAM-11, EXAM-8), a room's
seat is used once a day across the site's sessions (EXAM-4), missing_scores in constant queries,
scope decisions only in the authority engine (ORG-8, EXAM-5, EXAM-9)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal import authority
from appraisal.demo import DEMO_PASSWORD, load_demo
from appraisal.models import Center, Occupation, Role, ScheduledAppraisalDay, User
from exams import marking, services
from exams.models import (
    DisciplineIncident,
    ExaminerQualification,
    IncidentMeasure,
    PaperRequest,
    Score,
    SeatAssignment,
    Subject,
)
from registration.models import Application, Status
from tests.exams.conftest import make_id_number
from tests.exams.test_score_import import xlsx

# --- EXAM-11 / EXAM-8: discipline measures ------------------------------------------------------


@pytest.fixture
def seated(session, make_applications, demo_user):
    make_applications(3)
    services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))
    return [s.application for s in SeatAssignment.objects.filter(session=session).order_by("pk")]


def incident(session, application, measure, subject="", actor=None):
    return services.record_incident(session=session, application=application, kind="device", measure=measure,
                                    subject=subject, description="考试中使用手机", actor=actor)


def enter_all(applications, value, staff, subjects=(Subject.THEORY, Subject.SKILL)):
    for application in applications:
        for subject in subjects:
            services.enter_score(application=application, subject=subject, value=value, actor=staff)


def test_exam11_subject_void_needs_a_subject_of_the_level(session, seated, demo_user):
    staff = demo_user("staff_nongan")
    with pytest.raises(ValidationError) as exc:
        incident(session, seated[0], IncidentMeasure.SUBJECT_VOID, actor=staff)
    assert "请选择成绩无效的科目" in exc.value.message_dict["subject"][0]
    with pytest.raises(ValidationError) as exc:  # level 5 has no comprehensive review
        incident(session, seated[0], IncidentMeasure.SUBJECT_VOID, subject=Subject.REVIEW, actor=staff)
    assert "本场次没有该科目" in exc.value.message_dict["subject"][0]
    assert not DisciplineIncident.objects.exists()
    recorded = incident(session, seated[0], IncidentMeasure.SUBJECT_VOID, subject=Subject.THEORY, actor=staff)
    assert recorded.subject == Subject.THEORY
    # The database refuses a void measure without its subject too.
    with pytest.raises(IntegrityError), transaction.atomic():
        DisciplineIncident.objects.create(session=session, application=seated[1], kind="device",
                                          measure=IncidentMeasure.SUBJECT_VOID, description="x", recorded_by=staff)


def test_exam11_disqualified_candidate_gets_no_score_by_hand_or_import(session, seated, demo_user, examiner):
    staff = demo_user("staff_nongan")
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    incident(session, seated[0], IncidentMeasure.DISQUALIFIED, actor=staff)
    with pytest.raises(ValidationError, match="已被取消本次鉴定资格，不能录入成绩"):
        services.enter_score(application=seated[0], subject=Subject.THEORY, value=80, actor=staff)
    seats = {s.application_id: s for s in SeatAssignment.objects.filter(session=session)}
    rows = [(seats[a.pk].ticket_number, a.name, 80, 80) for a in seated]
    report = services.import_scores(session, xlsx(rows), examiner)
    assert not report.saved and [p.row for p in report.errors] == [2]
    assert "取消本次鉴定资格" in report.errors[0].message
    assert not Score.objects.exists()
    # Without the disqualified candidate's scores the file goes in; nothing is missing for them.
    rows[0] = (rows[0][0], rows[0][1], None, None)
    assert services.import_scores(session, xlsx(rows), examiner).saved
    assert services.missing_scores(session) == []


def test_exam11_void_subject_refused_and_not_required(session, seated, demo_user):
    staff = demo_user("staff_nongan")
    incident(session, seated[0], IncidentMeasure.SUBJECT_VOID, subject=Subject.THEORY, actor=staff)
    with pytest.raises(ValidationError, match="“理论知识”科目因违纪成绩无效"):
        services.enter_score(application=seated[0], subject=Subject.THEORY, value=90, actor=staff)
    services.enter_score(application=seated[0], subject=Subject.SKILL, value=90, actor=staff)
    enter_all(seated[1:], 90, staff)
    assert services.missing_scores(session) == []  # the void subject needs no score
    services.publish_session(session=session, actor=staff)
    assert services.application_outcome(seated[0]) == "not_qualified"
    assert services.application_outcome(seated[1]) == "qualified"


def test_exam11_measures_after_scoring_void_the_outcome_and_the_kept_passes(session, seated, demo_user):
    """Scores entered before the measure stay on record but count as failed; none is kept (EXAM-8)."""
    staff = demo_user("staff_nongan")
    enter_all(seated, 95, staff)
    incident(session, seated[0], IncidentMeasure.SUBJECT_VOID, subject=Subject.SKILL, actor=staff)
    incident(session, seated[1], IncidentMeasure.DISQUALIFIED, actor=staff)
    incident(session, seated[2], IncidentMeasure.WARNING, actor=staff)
    services.publish_session(session=session, actor=staff)
    later = session.day + datetime.timedelta(days=30)
    occupation, level = session.occupation_id, session.level

    def kept(application):
        return services.retained_passes(application.candidate_id, occupation, level, later)

    assert services.application_outcome(seated[0]) == "not_qualified"
    assert kept(seated[0]) == {Subject.THEORY}  # the void skill pass is not kept
    assert services.application_outcome(seated[1]) == "not_qualified"
    assert kept(seated[1]) == set()  # a disqualified appraisal keeps no pass
    assert services.application_outcome(seated[2]) == "qualified"  # a warning voids nothing
    assert kept(seated[2]) == {Subject.THEORY, Subject.SKILL}
    batched = marking.retained_passes_by_candidate([a.candidate_id for a in seated], occupation, level, later)
    assert batched == {seated[0].candidate_id: {Subject.THEORY},
                       seated[2].candidate_id: {Subject.THEORY, Subject.SKILL}}


def test_exam11_incident_form_asks_for_the_void_subject(client, session, seated, demo_user):
    client.login(username="staff_nongan", password=DEMO_PASSWORD)
    ticket = SeatAssignment.objects.get(application=seated[0]).ticket_number
    url = reverse("exams:incident_add", args=[session.pk])
    data = {"inc-ticket_number": ticket, "inc-kind": "device", "inc-measure": "subject_void",
            "inc-description": "考试中使用手机"}
    response = client.post(url, data)
    assert response.status_code == 400 and "请选择成绩无效的科目" in response.content.decode()
    assert not DisciplineIncident.objects.exists()
    response = client.post(url, {**data, "inc-subject": "skill"})
    assert response.status_code == 302
    assert DisciplineIncident.objects.get().subject == Subject.SKILL


# --- EXAM-4: one candidate per room seat and day, across sessions -----------------------------------


@pytest.fixture
def second_session(session, centers, demo_user):
    """Another session (level 4) at the same site on the same day."""
    return services.schedule_session(
        actor=demo_user("staff_nongan"), center=centers["nongan"], site=session.site,
        occupation=session.occupation, level=4, target=session.scheduled_day,
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
                                      occupation=session.occupation, level=4, target=other_day)
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
                                          level=level, target=day) for level in (5, 4)]
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


# --- missing_scores in a constant number of queries -------------------------------------------------


def test_exam6_missing_scores_queries_do_not_grow(session, site, make_applications, demo_user):
    staff = demo_user("staff_nongan")
    services.add_room(actor=staff, site=site, name="第三考场", capacity=40)
    make_applications(2)
    services.assign_seats_automatically(session=session, actor=staff)
    with CaptureQueriesContext(connection) as two:
        lacking = services.missing_scores(session)
    assert len(lacking) == 2 and all(subjects == [Subject.THEORY, Subject.SKILL] for _a, subjects in lacking)
    make_applications(8, start=2)
    services.assign_seats_automatically(session=session, actor=staff)
    first = SeatAssignment.objects.filter(session=session).order_by("pk").first().application
    services.enter_score(application=first, subject=Subject.THEORY, value=70, actor=staff)
    with CaptureQueriesContext(connection) as ten:
        lacking = services.missing_scores(session)
    assert len(lacking) == 10
    assert {a.pk: s for a, s in lacking}[first.pk] == [Subject.SKILL]
    assert len(ten) == len(two)


# --- ORG-8: the authority engine decides scope ----------------------------------------------------------


def test_org8_is_province_staff(demo_user):
    assert authority.is_province_staff(demo_user("province_admin"))
    for username in ("staff_changchun", "staff_nongan", "examiner", "hr_official", "candidate"):
        assert not authority.is_province_staff(demo_user(username)), username


def test_org8_province_center_staff_count_as_province(centers):
    staff = User.objects.create(username="prov_clerk", role=Role.CENTER_STAFF, center=centers["province"])
    examiner = User.objects.create(username="prov_examiner", role=Role.EXAMINER, center=centers["province"])
    assert authority.is_province_staff(staff)
    assert not authority.is_province_staff(examiner)


def test_org8_can_decide_for_is_the_upper_level_only(demo_user, centers):
    city, county, province = demo_user("staff_changchun"), demo_user("staff_nongan"), demo_user("province_admin")
    assert authority.can_decide_for(city, centers["nongan"])
    assert authority.can_decide_for(province, centers["nongan"])
    assert authority.can_decide_for(province, centers["changchun"])
    assert not authority.can_decide_for(city, centers["changchun"])  # its own center
    assert not authority.can_decide_for(county, centers["nongan"])
    assert not authority.can_decide_for(county, centers["gongzhuling"])
    assert not authority.can_decide_for(demo_user("examiner"), centers["nongan"])  # examiners only read
    assert not authority.can_decide_for(province, centers["province"])  # nobody above the province


def test_exam9_only_the_province_fulfils_paper_requests(centers, demo_user, session):
    """The province check is the authority engine's (is_province_staff), on the page and in the service."""
    PaperRequest.objects.create(center=centers["nongan"], session=session, subject=Subject.THEORY, copies=3,
                                requested_by=demo_user("staff_nongan"))
    request = PaperRequest.objects.get()
    with pytest.raises(PermissionDenied, match="只有省鉴定中心可以提供试卷"):
        services.fulfil_paper_request(request=request, code="JL-1", actor=demo_user("staff_changchun"))
    paper = services.fulfil_paper_request(request=request, code="JL-1", actor=demo_user("province_admin"))
    assert paper.request_id == request.pk


def test_exam9_requests_page_for_province_staff_only(client, db):
    client.login(username="staff_changchun", password=DEMO_PASSWORD)
    assert client.get(reverse("exams:paper_requests")).status_code == 403
    client.login(username="province_admin", password=DEMO_PASSWORD)
    assert client.get(reverse("exams:paper_requests")).status_code == 200


# --- EXAM-5: examiner eligibility in the service (so the API enforces it too) -----------------------


def qualified_examiner(username, center, occupation):
    user = User.objects.create(username=username, role=Role.EXAMINER, full_name=f"考评员{username}", center=center)
    ExaminerQualification.objects.create(examiner=user, occupation=occupation, highest_level=3,
                                         certificate_number=f"KP-{username}", valid_until=datetime.date(2019, 12, 31))
    return user


def test_exam5_examiner_must_come_from_the_center_or_above(session, centers, demo_user, examiner):
    staff = demo_user("staff_nongan")
    outsider = qualified_examiner("kp_gzl", centers["gongzhuling"], session.occupation)
    with pytest.raises(ValidationError, match="考评人员须属于本机构或其上级鉴定机构"):
        services.assign_examiner(session=session, examiner=outsider, actor=staff)
    own = qualified_examiner("kp_na", centers["nongan"], session.occupation)
    assert services.assign_examiner(session=session, examiner=own, actor=staff).examiner == own
    assert services.assign_examiner(session=session, examiner=examiner, actor=staff).examiner == examiner  # city
    province = qualified_examiner("kp_prov", centers["province"], session.occupation)
    assert services.assign_examiner(session=session, examiner=province, actor=staff).examiner == province


def test_exam5_county_examiner_not_for_the_city_session(centers, demo_user, exam_day):
    city = demo_user("staff_changchun")
    site = services.create_site(actor=city, center=centers["changchun"], name="长春市考点", address="长春市")
    services.add_room(actor=city, site=site, name="一号考场", capacity=5)
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["changchun"],
                                                                 day=datetime.date(2017, 6, 17))
    occupation = Occupation.objects.get(name="汽车维修工")
    session = services.schedule_session(actor=city, center=centers["changchun"], site=site, occupation=occupation,
                                        level=5, target=day)
    county = qualified_examiner("kp_na", centers["nongan"], occupation)
    with pytest.raises(ValidationError, match="农安"):
        services.assign_examiner(session=session, examiner=county, actor=city)


def test_exam5_api_refuses_an_examiner_of_another_county(client, session, centers):
    outsider = qualified_examiner("kp_gzl", centers["gongzhuling"], session.occupation)
    client.login(username="staff_nongan", password=DEMO_PASSWORD)
    response = client.post(f"/api/exams/sessions/{session.pk}/examiners/", {"examiner": outsider.pk},
                           content_type="application/json")
    assert response.status_code == 400
    assert "考评人员须属于本机构或其上级鉴定机构" in response.content.decode()
    assert not session.examiners.exists()


def test_exam5_form_offers_only_examiners_of_the_center_or_above(session, centers, demo_user, examiner):
    from exams.selectors import examiners_for_session

    outsider = qualified_examiner("kp_gzl", centers["gongzhuling"], session.occupation)
    own = qualified_examiner("kp_na", centers["nongan"], session.occupation)
    offered = set(examiners_for_session(demo_user("staff_changchun"), session))
    assert own in offered and examiner in offered and outsider not in offered
