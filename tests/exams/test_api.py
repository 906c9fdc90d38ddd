"""Exams API (DRF): every write goes through the services and every read through the scoped
selectors (ORG-8), so bad input is a structured 400 with a Chinese message, a forbidden act a 403,
another center's session a 404; append-only custody has no update or delete endpoint (405)."""

import datetime
import json
from decimal import Decimal

import pytest

from appraisal.models import Center, Occupation, Role, User
from exams.models import (
    CustodyEntry,
    ExaminerQualification,
    ExamSession,
    Paper,
    Score,
    ScoreChange,
    SeatAssignment,
    SessionStatus,
    Subject,
)
from registration.models import Application

pytestmark = pytest.mark.django_db

BASE = "/api/exams"


@pytest.fixture
def api(logged_in_client):
    return logged_in_client


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def errors(response) -> str:
    """The structured error body as one string, to look for the Chinese message in."""
    return json.dumps(response.json(), ensure_ascii=False)


@pytest.fixture
def seated(seated_session):
    session = seated_session
    return list(Application.objects.filter(seat__session=session).select_related("candidate").order_by("pk"))


def enter_all(client, applications, values=("70", "80")):
    for application in applications:
        for subject, value in zip((Subject.THEORY, Subject.SKILL), values, strict=True):
            response = post(client, f"{BASE}/scores/", {"application": application.pk, "subject": subject,
                                                        "value": value})
            assert response.status_code == 201, response.content.decode()


# --- Sites and rooms (EXAM-4) -------------------------------------------------------------------------


def test_exam4_sites_are_created_in_scope_and_listed_by_scope(api, centers):
    client = api("staff_nongan")
    response = post(client, f"{BASE}/sites/", {"center": centers["nongan"].pk, "name": "农安二中考点",
                                               "address": "农安县黄龙路"})
    assert response.status_code == 201
    site_id = response.json()["id"]
    response = post(client, f"{BASE}/sites/{site_id}/rooms/", {"name": "第一考场", "capacity": 30,
                                                                "equipment": "计算机30台"})
    assert response.status_code == 201 and response.json()["capacity"] == 30
    site = client.get(f"{BASE}/sites/{site_id}/").json()
    assert [room["name"] for room in site["rooms"]] == ["第一考场"] and site["capacity"] == 30

    # A capacity of 0 is refused in Chinese, nothing saved.
    response = post(client, f"{BASE}/sites/{site_id}/rooms/", {"name": "第二考场", "capacity": 0})
    assert response.status_code == 400 and "1到1000" in errors(response)
    assert len(client.get(f"{BASE}/sites/{site_id}/").json()["rooms"]) == 1

    # Another county's center: 403 with the reason; the other county does not see this site (404).
    response = post(client, f"{BASE}/sites/", {"center": centers["gongzhuling"].pk, "name": "公主岭考点",
                                               "address": "公主岭"})
    assert response.status_code == 403 and "不在您的管辖范围内" in errors(response)
    other = api("staff_gongzhuling")
    assert other.get(f"{BASE}/sites/{site_id}/").status_code == 404
    assert site_id not in {row["id"] for row in other.get(f"{BASE}/sites/").json()["results"]}
    assert post(other, f"{BASE}/sites/{site_id}/rooms/", {"name": "X", "capacity": 5}).status_code == 404


# --- Sessions (EXAM-1..EXAM-3, ORG-8) -------------------------------------------------------------------


def test_exam1_exam2_schedule_session_with_subjects_of_the_level(api, site, exam_day, centers):
    client = api("staff_nongan")
    occupation = Occupation.objects.get(name="汽车维修工")
    data = {"center": centers["nongan"].pk, "site": site.pk, "occupation": occupation.pk, "level": 5,
            "scheduled_day": exam_day.pk, "past": True}  # the 2017 day is past: asked for explicitly
    response = post(client, f"{BASE}/sessions/", data)
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["day"] == "2017-06-17" and body["status"] == SessionStatus.PLANNED
    assert {s["subject"]: s["minutes"] for s in body["subjects"]}[Subject.THEORY] == 60
    assert {s["subject"] for s in body["subjects"]} == {Subject.THEORY, Subject.SKILL}

    # ORG-2: a county may not hold level 3; no session is created.
    before = ExamSession.objects.count()
    response = post(client, f"{BASE}/sessions/", {**data, "level": 3})
    assert response.status_code == 400 and "初级工、中级工" in errors(response)
    # No appraisal batch chosen: a structured 400.
    response = post(client, f"{BASE}/sessions/", {k: v for k, v in data.items() if k != "scheduled_day"})
    assert response.status_code == 400 and "鉴定批次" in errors(response)
    assert ExamSession.objects.count() == before


def test_org8_another_centers_session_is_404(api, session):
    other = api("staff_gongzhuling")
    response = other.get(f"{BASE}/sessions/{session.pk}/")
    assert response.status_code == 404 and response.json()["detail"] == "场次不存在或您无权查看。"
    assert session.pk not in {row["id"] for row in other.get(f"{BASE}/sessions/").json()["results"]}
    for url in ("assign-seats/", "publish/", "seats/", "papers/"):
        response = post(other, f"{BASE}/sessions/{session.pk}/{url}")
        assert response.status_code == 404, url
    assert "无权查看" in errors(other.get(f"{BASE}/sessions/{session.pk}/seats/"))
    assert not SeatAssignment.objects.filter(session=session).exists()
    # The city above sees its county's session.
    assert api("staff_changchun").get(f"{BASE}/sessions/{session.pk}/").status_code == 200
    # A candidate sees no session at all.
    assert api("candidate").get(f"{BASE}/sessions/{session.pk}/").status_code == 404


# --- Seats (EXAM-4) -----------------------------------------------------------------------------------


def test_exam4_automatic_seating_reports_the_unseated_and_masks_the_plan(api, session, make_applications):
    applications = make_applications(7)
    client = api("staff_nongan")
    response = post(client, f"{BASE}/sessions/{session.pk}/assign-seats/")
    assert response.status_code == 200
    body = response.json()
    assert body["seated"] == 5  # rooms of 3 and 2 seats
    assert len(body["unseated"]) == 2 and all("考位已满" in row["reason"] for row in body["unseated"])
    plan = client.get(f"{BASE}/sessions/{session.pk}/seats/").json()
    assert len(plan) == 5
    full_numbers = {a.id_number for a in applications}
    assert all("*" in row["id_number"] and row["id_number"] not in full_numbers for row in plan)
    assert client.get(f"{BASE}/sessions/{session.pk}/").json()["seat_count"] == 5


def test_exam4_manual_seat_beyond_capacity_or_taken_is_refused(api, session, site, make_applications):
    a, b = make_applications(2)
    client = api("staff_nongan")
    room = site.rooms.get(name="第二考场")
    url = f"{BASE}/sessions/{session.pk}/seats/"
    response = post(client, url, {"application": a.pk, "room": room.pk, "seat_number": 3})
    assert response.status_code == 400
    assert "1到2之间" in " ".join(response.json()["seat_number"])
    assert not SeatAssignment.objects.filter(session=session).exists()
    response = post(client, url, {"application": a.pk, "room": room.pk, "seat_number": 2})
    assert response.status_code == 201 and response.json()["seat_number"] == 2
    response = post(client, url, {"application": b.pk, "room": room.pk, "seat_number": 2})
    assert response.status_code == 400 and "已有考生" in errors(response)
    assert SeatAssignment.objects.filter(session=session).count() == 1


# --- Examiners (EXAM-5) -------------------------------------------------------------------------------


def test_exam5_examiner_assignment_through_the_api(api, session, demo_user):
    client = api("staff_nongan")
    url = f"{BASE}/sessions/{session.pk}/examiners/"
    examiner = demo_user("examiner")
    response = post(client, url, {"examiner": examiner.pk})
    assert response.status_code == 400 and "没有“汽车维修工”的考评员资格" in errors(response)
    ExaminerQualification.objects.create(
        examiner=examiner, occupation=session.occupation, highest_level=3, certificate_number="KP-1",
        valid_until=datetime.date(2019, 12, 31))
    response = post(client, url, {"examiner": examiner.pk})
    assert response.status_code == 201 and response.json()["examiner_name"]
    assert [row["examiner"] for row in client.get(url).json()] == [examiner.pk]


# --- Scores (EXAM-6) ----------------------------------------------------------------------------------


def test_exam6_bad_scores_are_refused_with_chinese_messages(api, seated, examiner):
    client = api(examiner)
    application = seated[0]
    for value, message in (("101", "0到100"), ("-1", "0到100"), ("abc", "不是数字"), ("60.55", "一位小数")):
        response = post(client, f"{BASE}/scores/", {"application": application.pk, "subject": Subject.THEORY,
                                                    "value": value})
        assert response.status_code == 400 and message in errors(response), value
    # Level 5 has no comprehensive review (EXAM-3).
    response = post(client, f"{BASE}/scores/", {"application": application.pk, "subject": Subject.REVIEW,
                                                "value": "80"})
    assert response.status_code == 400 and "没有“综合评审”科目" in errors(response)
    assert not Score.objects.filter(application=application).exists()

    response = post(client, f"{BASE}/scores/", {"application": application.pk, "subject": Subject.THEORY,
                                                "value": "58"})
    assert response.status_code == 201
    score = response.json()
    assert score["value"] == "58.0" and score["passed"] is False and len(score["changes"]) == 1
    # Changing it needs a reason; with one, the change is recorded (who, when, why).
    response = client.patch(f"{BASE}/scores/{score['id']}/", {"value": "62"}, content_type="application/json")
    assert response.status_code == 400 and "原因" in errors(response)
    response = client.patch(f"{BASE}/scores/{score['id']}/", {"value": "62", "reason": "复核加分错误"},
                            content_type="application/json")
    assert response.status_code == 200
    assert [(c["old_value"], c["new_value"], c["reason"]) for c in response.json()["changes"]][-1] == (
        "58.0", "62.0", "复核加分错误")


def test_exam6_examiner_not_assigned_cannot_enter_scores(api, seated, centers):
    other = User.objects.create(username="examiner_other", role=Role.EXAMINER, full_name="冯考评",
                                center=centers["nongan"])
    response = post(api(other), f"{BASE}/scores/", {"application": seated[0].pk, "subject": Subject.THEORY,
                                                    "value": "70"})
    assert response.status_code == 403 and "指派的考评人员" in errors(response)
    assert not Score.objects.exists()
    # Another county's clerk cannot even name the application.
    response = post(api("staff_gongzhuling"), f"{BASE}/scores/", {"application": seated[0].pk,
                                                                   "subject": Subject.THEORY, "value": "70"})
    assert response.status_code == 400 and "application" in response.json()
    assert not Score.objects.exists()


def test_exam6_score_lists_are_scoped(api, seated, examiner):
    enter_all(api(examiner), seated[:1])
    assert api(examiner).get(f"{BASE}/scores/").json()["count"] == 2
    assert api("staff_nongan").get(f"{BASE}/scores/").json()["count"] == 2
    assert api("staff_gongzhuling").get(f"{BASE}/scores/").json()["count"] == 0
    assert api(seated[0].candidate).get(f"{BASE}/scores/").json()["count"] == 0  # not published yet


# --- Publication (EXAM-7) and the candidate's view --------------------------------------------------------


def test_exam7_publish_then_candidate_sees_own_scores_only(api, seated, session, examiner):
    marker = api(examiner)
    enter_all(marker, seated[:2])
    staff = api("staff_nongan")
    missing = staff.get(f"{BASE}/sessions/{session.pk}/missing-scores/").json()
    assert [row["application"] for row in missing] == [seated[2].pk]
    assert set(missing[0]["subjects"]) == {Subject.THEORY, Subject.SKILL}
    response = post(staff, f"{BASE}/sessions/{session.pk}/publish/")
    assert response.status_code == 400 and "1名考生的成绩未录入完整" in errors(response)
    enter_all(api(examiner), seated[2:], values=("50", "80"))

    candidate = api(seated[0].candidate)
    assert candidate.get(f"{BASE}/my-scores/").json() == []  # nothing before publication
    tickets = candidate.get(f"{BASE}/my-tickets/").json()
    assert len(tickets) == 1 and tickets[0]["application"] == seated[0].pk and tickets[0]["ticket_number"]

    response = post(api("staff_nongan"), f"{BASE}/sessions/{session.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == SessionStatus.PUBLISHED

    candidate = api(seated[0].candidate)
    results = candidate.get(f"{BASE}/my-scores/").json()
    assert len(results) == 1 and results[0]["application"] == seated[0].pk
    assert results[0]["outcome"] == "qualified" and results[0]["outcome_display"] == "合格"
    assert {s["subject"]: s["value"] for s in results[0]["scores"]} == {"theory": "70.0", "skill": "80.0"}
    listed = candidate.get(f"{BASE}/scores/").json()["results"]
    assert {row["application"] for row in listed} == {seated[0].pk}  # never another candidate's
    assert api(seated[2].candidate).get(f"{BASE}/my-scores/").json()[0]["outcome"] == "not_qualified"
    # A candidate cannot write scores.
    response = post(api(seated[0].candidate), f"{BASE}/scores/", {"application": seated[0].pk,
                                                                  "subject": Subject.THEORY, "value": "100"})
    assert response.status_code in (400, 403)
    assert Score.objects.get(application=seated[0], subject=Subject.THEORY).value == Decimal("70")


def test_exam6_published_score_is_not_edited_but_corrected_by_the_upper_level(api, seated, session, examiner):
    enter_all(api(examiner), seated)
    assert post(api("staff_nongan"), f"{BASE}/sessions/{session.pk}/publish/").status_code == 200
    score = Score.objects.get(application=seated[0], subject=Subject.THEORY)
    changes = ScoreChange.objects.filter(score=score).count()

    client = api(examiner)
    response = post(client, f"{BASE}/scores/", {"application": seated[0].pk, "subject": Subject.THEORY,
                                                "value": "90", "reason": "改分"})
    assert response.status_code == 400 and "更正申请" in errors(response)
    response = client.patch(f"{BASE}/scores/{score.pk}/", {"value": "90", "reason": "改分"},
                            content_type="application/json")
    assert response.status_code == 400 and "更正申请" in errors(response)
    assert api(examiner).put(f"{BASE}/scores/{score.pk}/", {}, content_type="application/json").status_code == 405
    assert api(examiner).delete(f"{BASE}/scores/{score.pk}/").status_code == 405
    score.refresh_from_db()
    assert score.value == Decimal("70") and ScoreChange.objects.filter(score=score).count() == changes

    staff = api("staff_nongan")
    response = post(staff, f"{BASE}/scores/{score.pk}/corrections/", {"new_value": "150", "reason": "合分错误"})
    assert response.status_code == 400 and "0到100" in errors(response)
    response = post(staff, f"{BASE}/scores/{score.pk}/corrections/", {"new_value": "75", "reason": "合分错误"})
    assert response.status_code == 201
    correction = response.json()["id"]
    response = post(staff, f"{BASE}/corrections/{correction}/decide/", {"approve": True, "reason": "同意"})
    assert response.status_code == 403 and "上级" in errors(response)
    city = api("staff_changchun")
    response = post(city, f"{BASE}/corrections/{correction}/decide/", {"approve": True, "reason": "同意"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    score.refresh_from_db()
    assert score.value == Decimal("75")
    assert post(city, f"{BASE}/corrections/{correction}/decide/", {"approve": True}).status_code == 400


def test_exam7_publication_deadline(api, session):
    body = api("staff_nongan").get(f"{BASE}/sessions/{session.pk}/deadline/").json()
    # 2017-06-17 (a daily appraisal) + 15 working days.
    assert body["deadline"] == "2017-07-07" and body["working_days"] == 15
    assert body["published"] is False and body["overdue"] is True


# --- Papers and custody (EXAM-9, EXAM-10) ----------------------------------------------------------------


def test_exam10_custody_is_append_only_through_the_api(api, session):
    client = api("staff_nongan")
    response = post(client, f"{BASE}/sessions/{session.pk}/papers/", {"subject": Subject.THEORY, "copies": 5,
                                                                      "code": "NA-2017-0617-T"})
    assert response.status_code == 201 and response.json()["source"] == "sub_bank"
    paper = response.json()["id"]
    url = f"{BASE}/papers/{paper}/custody/"
    response = post(client, url, {"action": "transferred", "from_person": "孙县员", "to_person": "考场主考 李四",
                                  "copies": 6, "sealed": True})
    assert response.status_code == 400 and "1到5之间" in errors(response)
    response = post(client, url, {"action": "transferred", "from_person": "孙县员", "to_person": "考场主考 李四",
                                  "copies": 5, "sealed": True})
    assert response.status_code == 201
    entry = response.json()
    log = client.get(url).json()
    assert [row["action"] for row in log] == ["composed", "transferred"]

    detail = f"{BASE}/custody/{entry['id']}/"
    assert client.get(detail).json()["to_person"] == "考场主考 李四"
    assert client.put(detail, {"to_person": "篡改"}, content_type="application/json").status_code == 405
    assert client.patch(detail, {"to_person": "篡改"}, content_type="application/json").status_code == 405
    assert client.delete(detail).status_code == 405
    assert client.put(url, {"to_person": "篡改"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    stored = CustodyEntry.objects.get(pk=entry["id"])
    assert stored.to_person == "考场主考 李四" and CustodyEntry.objects.filter(paper_id=paper).count() == 2
    # Another county sees neither the paper nor its log.
    assert api("staff_gongzhuling").get(url).status_code == 404


def test_exam9_paper_request_fulfilled_by_the_province_only(api, session, centers):
    Center.objects.filter(pk=centers["changchun"].pk).update(runs_question_sub_bank=False)
    client = api("staff_nongan")
    response = post(client, f"{BASE}/sessions/{session.pk}/papers/", {"subject": Subject.THEORY, "copies": 5,
                                                                      "code": "NA-1"})
    assert response.status_code == 400 and "申请试题" in errors(response)
    response = post(client, f"{BASE}/sessions/{session.pk}/paper-requests/", {"subject": Subject.THEORY,
                                                                              "copies": 5})
    assert response.status_code == 201
    request_id = response.json()["id"]
    response = post(client, f"{BASE}/paper-requests/{request_id}/fulfil/", {"code": "JL-1"})
    assert response.status_code == 403
    response = post(api("province_admin"), f"{BASE}/paper-requests/{request_id}/fulfil/", {"code": "JL-1"})
    assert response.status_code == 201 and response.json()["source"] == "province"
    assert Paper.objects.filter(session=session).count() == 1


# --- Supervision and incidents (EXAM-11) ----------------------------------------------------------------


def test_exam11_supervision_and_incidents(api, seated, session, make_applications):
    client = api("staff_nongan")
    response = post(client, f"{BASE}/sessions/{session.pk}/supervisions/", {"kind": "video", "supervisor": "省中心 周督导",
                                                                            "notes": "远程视频巡查正常"})
    assert response.status_code == 201 and response.json()["kind_display"] == "远程视频监控"
    url = f"{BASE}/sessions/{session.pk}/incidents/"
    response = post(client, url, {"application": seated[0].pk, "kind": "nonsense", "measure": "warning",
                                  "description": "x"})
    assert response.status_code == 400 and "kind" in response.json()
    response = post(client, url, {"application": seated[0].pk, "kind": "device", "measure": "subject_void",
                                  "description": "理论考试中使用手机"})
    assert response.status_code == 400 and "subject" in response.json()  # EXAM-11: the void subject is named
    response = post(client, url, {"application": seated[0].pk, "kind": "device", "measure": "subject_void",
                                  "subject": "theory", "description": "理论考试中使用手机"})
    assert response.status_code == 201 and response.json()["measure_display"] == "该科目成绩无效"
    assert response.json()["subject_display"] == "理论知识"
    assert [row["application"] for row in client.get(url).json()] == [seated[0].pk]


# --- OpenAPI ---------------------------------------------------------------------------------------------


def test_api_schema_lists_the_exams_paths(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/exams/sites/", "/api/exams/sites/{id}/rooms/", "/api/exams/sessions/",
        "/api/exams/sessions/{id}/assign-seats/", "/api/exams/sessions/{id}/seats/",
        "/api/exams/sessions/{id}/examiners/", "/api/exams/sessions/{id}/missing-scores/",
        "/api/exams/sessions/{id}/publish/", "/api/exams/sessions/{id}/deadline/",
        "/api/exams/sessions/{id}/papers/", "/api/exams/sessions/{id}/paper-requests/",
        "/api/exams/paper-requests/{id}/fulfil/", "/api/exams/papers/{id}/custody/",
        "/api/exams/sessions/{id}/supervisions/", "/api/exams/sessions/{id}/incidents/",
        "/api/exams/scores/", "/api/exams/scores/{id}/corrections/", "/api/exams/corrections/{id}/decide/",
        "/api/exams/my-tickets/", "/api/exams/my-scores/",
    ):
        assert path in paths, path
    custody = paths["/api/exams/custody/{id}/"]
    assert "get" in custody and not {"put", "patch", "delete"} & set(custody)
    assert set(paths["/api/exams/papers/{id}/custody/"]) >= {"get", "post"}
    assert not {"put", "patch", "delete"} & set(paths["/api/exams/papers/{id}/custody/"])
    assert paths["/api/exams/scores/"]["post"]["summary"].startswith("录入")


# --- Every number bounded: past a column's range is a 400 in Chinese, never a 500 ---------------------

TOO_BIG = 3355179755  # past a PostgreSQL integer column, as a fuzzer sent it


def test_exam9_exam10_copies_past_the_column_range_are_refused_in_chinese(api, session, site):
    client = api("staff_nongan")
    for url, body in (
        (f"{BASE}/sessions/{session.pk}/papers/", {"subject": Subject.THEORY, "copies": TOO_BIG, "code": "X-1"}),
        (f"{BASE}/sessions/{session.pk}/paper-requests/", {"subject": Subject.THEORY, "copies": TOO_BIG}),
        (f"{BASE}/sites/{site.pk}/rooms/", {"name": "大考场", "capacity": TOO_BIG}),
        (f"{BASE}/sessions/{session.pk}/papers/", {"subject": Subject.THEORY, "copies": 10001, "code": "X-2"}),
    ):
        response = post(client, url, body)
        assert response.status_code == 400, (url, response.content)
        assert "份数" in errors(response) or "考位数" in errors(response)
    assert not session.papers.exists() and not site.rooms.filter(name="大考场").exists()
    response = post(client, f"{BASE}/sessions/{session.pk}/papers/",
                    {"subject": Subject.THEORY, "copies": 10000, "code": "X-3"})
    assert response.status_code == 201  # the bound itself is allowed


def test_exam4_a_seat_number_past_any_room_is_refused(api, session, make_applications):
    client = api("staff_nongan")
    application = make_applications(1)[0]
    room = session.site.rooms.first()
    response = post(client, f"{BASE}/sessions/{session.pk}/seats/",
                    {"application": application.pk, "room": room.pk, "seat_number": TOO_BIG})
    assert response.status_code == 400 and "座位号" in errors(response)
