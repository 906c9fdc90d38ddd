"""Rules that bear on scores: discipline measures (EXAM-11, EXAM-8) void subjects, outcomes and kept
passes; missing_scores runs in a constant number of queries (EXAM-6)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.demo import DEMO_PASSWORD
from exams import marking, services
from exams.models import (
    DisciplineIncident,
    IncidentMeasure,
    Score,
    SeatAssignment,
    Subject,
)
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
