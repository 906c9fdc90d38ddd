"""Exam administration services: subjects (EXAM-1..3), seats (EXAM-4), examiners (EXAM-5),
scores (EXAM-6), publication and its deadline (EXAM-7), retention (EXAM-8), papers (EXAM-9, 10)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from appraisal import extensions
from appraisal.models import Occupation, RetakeDay, ScheduledAppraisalDay, UnifiedAppraisal
from appraisal.workdays import add_years
from exams import selectors, services
from exams.models import (
    AppendOnlyError,
    CustodyAction,
    DeclaredRelation,
    ExaminerQualification,
    OverdueAlert,
    Score,
    ScoreChange,
    SeatAssignment,
    Subject,
)
from registration.models import Application


def test_exam1_exam3_subjects_follow_the_level(session, site, exam_day, centers, demo_user):
    subjects = {s.subject: s for s in session.subjects.all()}
    assert set(subjects) == {Subject.THEORY, Subject.SKILL}
    assert subjects[Subject.THEORY].minutes == 60
    province = demo_user("province_admin")
    prov_site = services.create_site(actor=province, center=centers["province"], name="省考点", address="长春")
    technician = services.schedule_session(
        actor=province, center=centers["province"], site=prov_site, occupation=Occupation.objects.get(name="汽车维修工"),
        level=2, target=UnifiedAppraisal.objects.get(year=2017, half=1), allow_past=True,
    )
    subjects = {s.subject: s for s in technician.subjects.all()}
    assert set(subjects) == {Subject.THEORY, Subject.SKILL, Subject.REVIEW}
    assert subjects[Subject.THEORY].minutes == 90


def test_org2_county_cannot_schedule_level3_session(site, exam_day, centers, demo_user):
    with pytest.raises(ValidationError, match="初级工、中级工"):
        services.schedule_session(actor=demo_user("staff_nongan"), center=centers["nongan"], site=site,
                                  occupation=Occupation.objects.get(name="汽车维修工"), level=3, target=exam_day, allow_past=True)


def test_exam4_automatic_seating_never_exceeds_capacity(session, make_applications, demo_user):
    make_applications(7)
    result = services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))
    assert result.seated == 5  # 3 + 2 seats
    assert len(result.unseated) == 2 and "考位已满" in result.unseated[0][1]
    per_room = {}
    for seat in SeatAssignment.objects.filter(session=session).select_related("room"):
        per_room.setdefault(seat.room, []).append(seat.seat_number)
    for room, seats in per_room.items():
        assert len(seats) <= room.capacity and max(seats) <= room.capacity
    again = services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))
    assert again.seated == 0  # nothing left to seat: idempotent


def test_fee1_unpaid_applications_are_not_seated(session, make_applications, demo_user):
    apps = make_applications(2)
    type(apps[0]).objects.filter(pk=apps[0].pk).update(fee_paid=False)
    result = services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))
    assert result.seated == 1


def test_exam4_manual_seat_beyond_capacity_or_taken_is_refused(session, site, make_applications, demo_user):
    a, b = make_applications(2)
    staff = demo_user("staff_nongan")
    room = site.rooms.get(name="第二考场")
    with pytest.raises(ValidationError, match="1到2之间"):
        services.assign_seat(session=session, application=a, room=room, seat_number=3, actor=staff)
    services.assign_seat(session=session, application=a, room=room, seat_number=2, actor=staff)
    with pytest.raises(ValidationError, match="已有考生"):
        services.assign_seat(session=session, application=b, room=room, seat_number=2, actor=staff)


def test_exam4_database_refuses_two_candidates_in_one_seat(session, site, make_applications, demo_user):
    a, b = make_applications(2)
    room = site.rooms.first()
    staff = demo_user("staff_nongan")
    SeatAssignment.objects.create(session=session, application=a, room=room, seat_number=1, ticket_number="T1",
                                  assigned_by=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatAssignment.objects.create(session=session, application=b, room=room, seat_number=1, ticket_number="T2",
                                      assigned_by=staff)


def test_org8_clerk_of_another_center_cannot_seat(session, demo_user):
    with pytest.raises(PermissionDenied):
        services.assign_seats_automatically(session=session, actor=demo_user("staff_gongzhuling"))


def test_exam5_examiner_needs_valid_qualification(session, demo_user, examiner):
    staff = demo_user("staff_nongan")
    ExaminerQualification.objects.filter(examiner=examiner).update(valid_until=datetime.date(2017, 1, 1))
    with pytest.raises(ValidationError, match="到期"):
        services.assign_examiner(session=session, examiner=examiner, actor=staff)
    ExaminerQualification.objects.filter(examiner=examiner).update(valid_until=datetime.date(2019, 1, 1),
                                                                    highest_level=5)
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    assert session.examiners.filter(examiner=examiner).exists()


def test_exam5_examiner_without_qualification_refused(session, demo_user):
    with pytest.raises(ValidationError, match="没有“汽车维修工”的考评员资格"):
        services.assign_examiner(session=session, examiner=demo_user("examiner"), actor=demo_user("staff_nongan"))


def test_exam5_examiner_recused_for_colleague_and_relative(session, make_applications, demo_user, examiner):
    staff = demo_user("staff_nongan")
    examiner.employer_name = "农安县汽车修理厂"
    examiner.save()
    make_applications(1, employer_name="农安县 汽车修理厂")
    services.assign_seats_automatically(session=session, actor=staff)
    with pytest.raises(ValidationError, match="工作单位相同"):
        services.assign_examiner(session=session, examiner=examiner, actor=staff)
    examiner.employer_name = ""
    examiner.save()
    candidate = SeatAssignment.objects.get(session=session).application.candidate
    DeclaredRelation.objects.create(examiner=examiner, candidate=candidate, relation="表兄弟")
    with pytest.raises(ValidationError, match="回避"):
        services.assign_examiner(session=session, examiner=examiner, actor=staff)


def test_exam5_examiner_rotates_after_consecutive_sessions_at_a_site(site, centers, demo_user, examiner, settings):
    settings.EXAMINER_MAX_CONSECUTIVE_SESSIONS_AT_SITE = 2
    staff = demo_user("staff_nongan")
    occupation = Occupation.objects.get(name="汽车维修工")
    sessions = []
    for month in (2, 4, 6):
        day = ScheduledAppraisalDay.objects.get_or_create(
            center=centers["nongan"], day=datetime.date(2017, month, 18))[0]
        sessions.append(services.schedule_session(actor=staff, center=centers["nongan"], site=site,
                                                  occupation=occupation, level=5, target=day, allow_past=True))
    services.assign_examiner(session=sessions[0], examiner=examiner, actor=staff)
    services.assign_examiner(session=sessions[1], examiner=examiner, actor=staff)
    with pytest.raises(ValidationError, match="连续考评2场"):
        services.assign_examiner(session=sessions[2], examiner=examiner, actor=staff)


@pytest.fixture
def seated(seated_session):
    session = seated_session
    return list(Application.objects.filter(seat__session=session).order_by("pk"))


def test_exam6_score_entry_is_validated_and_audited(seated, examiner):
    application = seated[0]
    for bad, message in (("101", "0到100"), ("-1", "0到100"), ("abc", "不是数字"), ("60.55", "一位小数")):
        with pytest.raises(ValidationError, match=message):
            services.enter_score(application=application, subject=Subject.THEORY, value=bad, actor=examiner)
    with pytest.raises(ValidationError, match="没有“综合评审”"):
        services.enter_score(application=application, subject=Subject.REVIEW, value="80", actor=examiner)
    score = services.enter_score(application=application, subject=Subject.THEORY, value="58", actor=examiner)
    assert not score.passed
    with pytest.raises(ValidationError, match="原因"):
        services.enter_score(application=application, subject=Subject.THEORY, value="62", actor=examiner)
    services.enter_score(application=application, subject=Subject.THEORY, value="62", actor=examiner,
                         reason="复核加分错误")
    changes = list(ScoreChange.objects.filter(score=score).order_by("id"))
    assert [(c.old_value, c.new_value) for c in changes] == [(None, Decimal("58.0")), (Decimal("58.0"), Decimal("62.0"))]
    assert changes[1].changed_by == examiner and changes[1].reason == "复核加分错误"


def test_exam6_unassigned_examiner_cannot_enter_scores(seated, demo_user, db):
    from appraisal.models import Role, User

    other = User.objects.create(username="examiner2", role=Role.EXAMINER, center=demo_user("staff_nongan").center)
    with pytest.raises(PermissionDenied):
        services.enter_score(application=seated[0], subject=Subject.THEORY, value="70", actor=other)


def _score_all(applications, examiner, values=("70", "80")):
    for application in applications:
        services.enter_score(application=application, subject=Subject.THEORY, value=values[0], actor=examiner)
        services.enter_score(application=application, subject=Subject.SKILL, value=values[1], actor=examiner)


def test_exam7_publication_needs_every_score_and_then_locks_them(seated, session, examiner, demo_user):
    staff = demo_user("staff_nongan")
    _score_all(seated[:2], examiner)
    with pytest.raises(ValidationError, match="1名考生"):
        services.publish_session(session=session, actor=staff)
    _score_all(seated[2:], examiner, values=("50", "80"))
    assert not selectors.candidate_scores(seated[0].candidate).exists()  # not before publication
    services.publish_session(session=session, actor=staff)
    assert selectors.candidate_scores(seated[0].candidate).count() == 2
    with pytest.raises(ValidationError, match="更正申请"):
        services.enter_score(application=seated[0], subject=Subject.THEORY, value="90", actor=examiner,
                             reason="改分")
    assert services.application_outcome(seated[0]) == "qualified"
    assert services.application_outcome(seated[2]) == "not_qualified"


def test_exam6_correction_after_publication_needs_the_upper_level(seated, session, examiner, demo_user):
    staff = demo_user("staff_nongan")
    _score_all(seated, examiner)
    services.publish_session(session=session, actor=staff)
    score = Score.objects.get(application=seated[0], subject=Subject.THEORY)
    request = services.request_score_correction(score=score, new_value="75", reason="合分错误", actor=staff)
    with pytest.raises(PermissionDenied):
        services.decide_score_correction(request=request, approve=True, reason="", actor=staff)
    services.decide_score_correction(request=request, approve=True, reason="同意",
                                     actor=demo_user("staff_changchun"))
    score.refresh_from_db()
    assert score.value == Decimal("75.0")
    assert score.changes.last().changed_by == demo_user("staff_changchun")


def test_exam6_score_change_guard_refuses_a_correction_with_its_reason(seated, session, examiner, demo_user,
                                                                       monkeypatch):
    """A later app (certificates) may forbid correcting a published score: both requesting and
    approving a correction are refused with the guard's reason."""
    staff = demo_user("staff_nongan")
    _score_all(seated, examiner)
    services.publish_session(session=session, actor=staff)
    score = Score.objects.get(application=seated[0], subject=Subject.THEORY)
    request = services.request_score_correction(score=score, new_value="75", reason="合分错误", actor=staff)
    guarded = {seated[0].pk}
    monkeypatch.setattr(extensions.SCORE_CHANGE_GUARDS, "_implementations", [
        lambda application: "该考生已领取证书，请先注销证书。" if application.pk in guarded else None,
    ])
    with pytest.raises(ValidationError, match="请先注销证书"):
        services.request_score_correction(score=score, new_value="80", reason="再次更正", actor=staff)
    with pytest.raises(ValidationError, match="请先注销证书"):
        services.decide_score_correction(request=request, approve=True, reason="同意",
                                         actor=demo_user("staff_changchun"))
    score.refresh_from_db()
    assert score.value == Decimal("70.0")
    guarded.clear()  # without the guard's reason the correction goes through
    services.decide_score_correction(request=request, approve=True, reason="同意", actor=demo_user("staff_changchun"))
    score.refresh_from_db()
    assert score.value == Decimal("75.0")


def test_exam7_overdue_alert_raised_once_after_15_working_days(session, demo_user):
    # 2017-06-17 (Saturday) + 15 working days = 2017-07-07.
    assert services.publication_deadline(session) == datetime.date(2017, 7, 7)
    assert services.check_publication_deadlines(today=datetime.date(2017, 7, 7)) == 0
    assert services.check_publication_deadlines(today=datetime.date(2017, 7, 8)) == 1
    assert services.check_publication_deadlines(today=datetime.date(2017, 7, 9)) == 0
    alert = OverdueAlert.objects.get(session=session)
    assert {c.name for c in alert.notified_centers.all()} == {"农安县职业技能鉴定中心", "长春市职业技能鉴定中心"}


def test_exam8_passed_subject_kept_one_year_then_expires(seated, session, examiner, demo_user):
    staff = demo_user("staff_nongan")
    _score_all(seated, examiner, values=("75", "40"))
    services.publish_session(session=session, actor=staff)
    application = seated[0]
    kept_until = Score.objects.get(application=application, subject=Subject.THEORY).pass_valid_until
    assert services.retained_passes(application.candidate_id, application.occupation_id, 5,
                                    kept_until) == {Subject.THEORY}
    assert services.expire_retained_passes(today=kept_until) == 0
    assert services.expire_retained_passes(today=kept_until + datetime.timedelta(days=1)) == 3
    assert services.retained_passes(application.candidate_id, application.occupation_id, 5,
                                    kept_until + datetime.timedelta(days=1)) == set()


def test_exam9_sub_bank_region_composes_its_own_papers(session, demo_user):
    staff = demo_user("staff_nongan")  # 农安县 is under 长春市, which runs a sub-bank (demo)
    with pytest.raises(ValidationError, match="无需"):
        services.request_papers(session=session, subject=Subject.THEORY, copies=5, actor=staff)
    paper = services.compose_paper(session=session, subject=Subject.THEORY, copies=5, code="NA-2017-01", actor=staff)
    assert paper.source == "sub_bank"
    assert paper.custody.get().action == CustodyAction.COMPOSED


def test_exam10_custody_log_is_append_only(session, demo_user, centers):
    staff = demo_user("staff_nongan")
    type(centers["changchun"]).objects.filter(pk=centers["changchun"].pk).update(runs_question_sub_bank=False)
    session = type(session).objects.select_related("center__parent").get(pk=session.pk)
    with pytest.raises(ValidationError, match="申请试题"):
        services.compose_paper(session=session, subject=Subject.THEORY, copies=5, code="NA-2017-01", actor=staff)
    request = services.request_papers(session=session, subject=Subject.THEORY, copies=5, actor=staff)
    paper = services.fulfil_paper_request(request=request, code="JL-2017-0617-T", actor=demo_user("province_admin"))
    entry = services.record_custody(paper=paper, action=CustodyAction.TRANSFERRED, from_person="省中心 张三",
                                    to_person="农安 孙县员", copies=5, sealed=True, actor=staff)
    entry.note = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert [e.action for e in selectors.custody_log(paper)] == [CustodyAction.COMPOSED, CustodyAction.TRANSFERRED]


def test_exam10_database_refuses_rewriting_custody_on_postgres(session, demo_user, on_postgres):
    from django.db import DatabaseError, connection

    staff = demo_user("staff_nongan")
    paper = services.compose_paper(session=session, subject=Subject.THEORY, copies=5, code="NA-PG-01", actor=staff)
    entry = paper.custody.get()
    for statement in ("UPDATE exams_custodyentry SET note = 'x' WHERE id = %s",
                      "DELETE FROM exams_custodyentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.note == ""


def test_exam6_correction_is_never_approved_by_its_requester(seated, session, examiner, demo_user):
    _score_all(seated, examiner)
    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    city = demo_user("staff_changchun")  # the upper level may also request, but not approve its own request
    score = Score.objects.get(application=seated[0], subject=Subject.THEORY)
    request = services.request_score_correction(score=score, new_value="90", reason="合分错误", actor=city)
    with pytest.raises(PermissionDenied, match="申请人本人"):
        services.decide_score_correction(request=request, approve=True, reason="", actor=city)
    score.refresh_from_db()
    assert score.value == Decimal("70.0")


def test_exam8_pass_kept_one_year_from_the_exam_day(seated, session, examiner, demo_user):
    _score_all(seated, examiner)
    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    score = Score.objects.get(application=seated[0], subject=Subject.THEORY)
    assert score.pass_valid_until == add_years(session.day, 1)


def test_cal5_retake_session_can_be_planned_for_a_cancelled_occupation(centers, demo_user):
    province = demo_user("province_admin")
    site = services.create_site(actor=province, center=centers["province"], name="省补考考点", address="长春")
    retake_day = RetakeDay.objects.get(year=2017, kind="unified")
    session = services.schedule_session(actor=province, center=centers["province"], site=site,
                                        occupation=Occupation.objects.get(name="物流师"), level=4, target=retake_day, allow_past=True)
    assert session.retake_day == retake_day and session.is_unified


def test_fee1_seated_candidate_cannot_be_marked_unpaid(session, make_applications, demo_user):
    from registration import services as registration_services

    staff = demo_user("staff_nongan")
    (application,) = make_applications(1)
    services.assign_seats_automatically(session=session, actor=staff)
    with pytest.raises(ValidationError, match="已编排考位"):
        registration_services.record_payment(application, actor=staff, paid=False)
    application.refresh_from_db()
    assert application.fee_paid


def test_exam6_no_scores_and_no_publication_before_the_exam(site, centers, demo_user, make_applications, examiner):
    from django.utils import timezone

    from tests.registration.conftest import ensure_calendar_known

    staff = demo_user("staff_nongan")
    future = timezone.localdate() + datetime.timedelta(days=30)
    ensure_calendar_known(future.year)
    day = ScheduledAppraisalDay.objects.create(center=centers["nongan"], day=future)
    session = services.schedule_session(actor=staff, center=centers["nongan"], site=site,
                                        occupation=Occupation.objects.get(name="汽车维修工"), level=5, target=day)
    (application,) = make_applications(1)
    Application.objects.filter(pk=application.pk).update(scheduled_day=day)
    ExaminerQualification.objects.filter(examiner=examiner).update(valid_until=future + datetime.timedelta(days=365))
    services.assign_seats_automatically(session=session, actor=staff)
    services.assign_examiner(session=session, examiner=examiner, actor=staff)
    with pytest.raises(ValidationError, match="考试尚未举行"):
        services.enter_score(application=application, subject=Subject.THEORY, value="80", actor=examiner)
    with pytest.raises(ValidationError, match="考试尚未举行"):
        services.publish_session(session=session, actor=staff)
    assert not Score.objects.filter(application=application).exists()


def test_reg1_published_scores_are_printed_on_the_application_form(seated, session, examiner, demo_user):
    import subprocess

    from registration.pdf import pdf_name, render_application_pdf

    application = seated[0]
    before = pdf_name(application, None)
    _score_all(seated, examiner, values=("66.5", "88"))
    assert pdf_name(application, None) == before  # not printed before publication
    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    assert pdf_name(application, None) != before  # the stored form is out of date now
    text = subprocess.run(["pdftotext", "-", "-"], input=render_application_pdf(application),
                          capture_output=True, check=True).stdout.decode()
    assert "66.5" in text and "88.0" in text
