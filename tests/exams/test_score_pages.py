"""Score pages (EXAM-6..EXAM-8, ORG-8): the grid per session, publication, corrections approved by the
upper level, overdue alerts, and the candidate's own tickets and scores."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from appraisal.models import Role, User
from exams import services
from exams.models import DeclaredRelation, Score, ScoreChange, ScoreCorrectionRequest, SeatAssignment, Subject


@pytest.fixture
def seated(seated_session):
    session = seated_session
    return list(SeatAssignment.objects.filter(session=session).select_related("application__candidate")
                .order_by("pk"))


def sheet_url(session):
    return reverse("exams:score_sheet", args=[session.pk])


def cell(seat, subject):
    return f"s_{seat.application.pk}_{subject}"


def post_grid(client, session, values, reason=""):
    data = {"reason": reason}
    for (seat, subject), value in values.items():
        data[cell(seat, subject)] = value
    return client.post(sheet_url(session), data)


def score_all(client, session, seats, theory="70", skill="80"):
    values = {}
    for seat in seats:
        values[(seat, Subject.THEORY)] = theory
        values[(seat, Subject.SKILL)] = skill
    response = post_grid(client, session, values)
    assert response.status_code == 302, response.content.decode()[:2000]


# --- Access (EXAM-6, ORG-8) -------------------------------------------------------------------


def test_exam6_assigned_examiner_sees_the_grid_of_seated_candidates(client, seated, session, examiner):
    client.force_login(examiner)
    response = client.get(sheet_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    for seat in seated:
        assert seat.ticket_number in html and seat.application.name in html
        assert f'name="{cell(seat, Subject.THEORY)}"' in html and f'name="{cell(seat, Subject.SKILL)}"' in html
    assert "综合评审" not in html  # level 5 has no comprehensive review (EXAM-3)


def test_exam6_unassigned_examiner_gets_403(client, seated, session, centers):
    other = User.objects.create(username="examiner_y", role=Role.EXAMINER, center=centers["nongan"])
    client.force_login(other)
    assert client.get(sheet_url(session)).status_code == 403
    assert post_grid(client, session, {(seated[0], Subject.THEORY): "80"}).status_code == 403
    assert client.get(reverse("exams:score_template", args=[session.pk])).status_code == 403
    assert not Score.objects.exists()


def test_org8_other_region_does_not_see_the_session_and_candidates_are_refused(client, seated, session,
                                                                              demo_user):
    client.force_login(demo_user("staff_gongzhuling"))
    assert client.get(sheet_url(session)).status_code == 404
    client.force_login(seated[0].application.candidate)
    assert client.get(sheet_url(session)).status_code == 403


# --- Grid entry (EXAM-6) ------------------------------------------------------------------------


def test_exam6_grid_shows_each_bad_cell_in_chinese_and_saves_nothing(client, seated, session, examiner):
    client.force_login(examiner)
    response = post_grid(client, session, {
        (seated[0], Subject.THEORY): "101",
        (seated[1], Subject.THEORY): "-1",
        (seated[2], Subject.THEORY): "八十",
        (seated[0], Subject.SKILL): "75",  # good, but not saved alone (all or nothing)
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert "0到100" in " ".join(form.errors[cell(seated[0], Subject.THEORY)])
    assert "0到100" in " ".join(form.errors[cell(seated[1], Subject.THEORY)])
    assert "不是数字" in " ".join(form.errors[cell(seated[2], Subject.THEORY)])
    assert cell(seated[0], Subject.SKILL) not in form.errors
    html = response.content.decode()
    assert "未保存任何成绩" in html and "不是数字" in html
    assert 'value="八十"' in html  # what was typed stays in the cell
    assert not Score.objects.exists()


def test_exam3_grid_ignores_a_subject_the_level_does_not_have(client, seated, session, examiner):
    client.force_login(examiner)
    response = post_grid(client, session, {(seated[0], Subject.REVIEW): "80"})
    assert response.status_code == 302
    assert not Score.objects.exists()


def test_exam6_grid_saves_records_who_and_needs_a_reason_to_change(client, seated, session, examiner):
    client.force_login(examiner)
    score_all(client, session, seated)
    assert Score.objects.filter(session=session).count() == 6
    assert set(ScoreChange.objects.values_list("changed_by", flat=True)) == {examiner.pk}
    html = client.get(sheet_url(session)).content.decode()
    assert "录入：吴考评" in html and 'value="70.0"' in html

    response = post_grid(client, session, {(seated[0], Subject.THEORY): "75"})
    assert response.status_code == 400
    assert "原因" in " ".join(response.context["form"].errors[cell(seated[0], Subject.THEORY)])
    assert Score.objects.get(application=seated[0].application, subject=Subject.THEORY).value == Decimal("70")

    response = post_grid(client, session, {(seated[0], Subject.THEORY): "75", (seated[1], Subject.SKILL): "80.0"},
                         reason="复核合分错误")
    assert response.status_code == 302
    score = Score.objects.get(application=seated[0].application, subject=Subject.THEORY)
    assert score.value == Decimal("75")
    assert score.changes.count() == 2  # "80.0" for an 80 was no change
    assert Score.objects.get(application=seated[1].application, subject=Subject.SKILL).changes.count() == 1
    html = client.get(sheet_url(session)).content.decode()
    assert "70.0 → 75.0（复核合分错误）" in html  # the history under the cell

    response = post_grid(client, session, {(seated[0], Subject.THEORY): ""})
    assert response.status_code == 400  # a score is never deleted
    assert "不能清空" in response.content.decode()


def test_exam5_recused_examiner_is_refused_for_the_related_candidate(client, seated, session, examiner):
    relative = seated[1]
    DeclaredRelation.objects.create(examiner=examiner, candidate=relative.application.candidate, relation="配偶")
    client.force_login(examiner)
    html = client.get(sheet_url(session)).content.decode()
    assert f"须回避：考评人员吴考评申报与考生{relative.application.candidate.display_name}有亲属或其他关系" in html
    assert f'name="{cell(relative, Subject.THEORY)}"' not in html  # no input for that row
    response = post_grid(client, session, {(relative, Subject.THEORY): "90", (seated[0], Subject.THEORY): "80"})
    assert response.status_code == 400
    assert "回避" in " ".join(response.context["form"].errors[cell(relative, Subject.THEORY)])
    assert not Score.objects.exists()


def test_exam6_editing_a_published_score_is_refused_with_the_correction_message(client, seated, session,
                                                                               examiner, demo_user):
    client.force_login(examiner)
    score_all(client, session, seated)
    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    response = post_grid(client, session, {(seated[0], Subject.THEORY): "95"}, reason="改分")
    assert response.status_code == 400
    assert "成绩更正申请" in response.content.decode()
    assert Score.objects.get(application=seated[0].application, subject=Subject.THEORY).value == Decimal("70")
    html = client.get(sheet_url(session)).content.decode()
    assert 'class="score-input"' not in html and "成绩（已发布）" in html


# --- Template and import pages ----------------------------------------------------------------


def test_exam6_template_download_and_import_page(client, seated, session, examiner,
                                                 django_capture_on_commit_callbacks):
    client.force_login(examiner)
    response = client.get(reverse("exams:score_template", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].values)
    assert rows[0] == ("准考证号", "姓名", "理论知识", "操作技能")
    out = Workbook()
    for row in rows[:1] + [(r[0], r[1], 66, 77) for r in rows[1:]] + [("123", "外人", 60, 60)]:
        out.active.append(list(row))
    buffer = io.BytesIO()
    out.save(buffer)
    buffer.name = "scores.xlsx"
    buffer.seek(0)
    url = reverse("exams:score_import", args=[session.pk])
    # The rows are checked in a background job (run here at the commit, as the embedded default
    # runs it); the upload redirects to its page, which shows the report.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": buffer})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    html = client.get(response.url).content.decode()
    assert "第5行" in html and "不属于本场次" in html and "未保存任何成绩" in html
    assert not Score.objects.exists()
    response = client.post(url, {"file": io.BytesIO(b"not a workbook")})  # refused at once, no job
    assert response.status_code == 400 and "不是有效的 Excel" in response.content.decode()


# --- Publication (EXAM-7), corrections (EXAM-6), overdue alerts -------------------------------


def test_exam7_publish_button_lists_who_lacks_scores_then_publishes(client, seated, session, examiner, demo_user):
    client.force_login(examiner)
    html = client.get(sheet_url(session)).content.decode()
    assert 'data-testid="publish"' not in html  # examiners mark; the center publishes
    score_all(client, session, seated[:2])
    staff = demo_user("staff_nongan")
    client.force_login(staff)
    assert 'data-testid="publish"' in client.get(sheet_url(session)).content.decode()
    response = client.post(reverse("exams:score_publish", args=[session.pk]), follow=True)
    html = response.content.decode()
    assert "1名考生" in html and seated[2].application.name in html
    session.refresh_from_db()
    assert not session.is_published
    score_all(client, session, seated[2:])
    client.post(reverse("exams:score_publish", args=[session.pk]))
    session.refresh_from_db()
    assert session.is_published and session.published_by == staff


def test_exam7_examiner_cannot_publish(client, seated, session, examiner):
    client.force_login(examiner)
    assert client.post(reverse("exams:score_publish", args=[session.pk])).status_code == 403


def test_exam6_correction_requested_by_the_center_and_decided_by_the_upper_level(client, seated, session,
                                                                                examiner, demo_user):
    client.force_login(examiner)
    score_all(client, session, seated)
    county, city = demo_user("staff_nongan"), demo_user("staff_changchun")
    services.publish_session(session=session, actor=county)
    score = Score.objects.get(application=seated[0].application, subject=Subject.THEORY)

    client.force_login(county)
    assert "成绩更正申请" in client.get(sheet_url(session)).content.decode()
    response = client.post(reverse("exams:score_correction", args=[score.pk]),
                           {"new_value": "76", "reason": "合分错误"}, follow=True)
    assert "等待上级鉴定机构审批" in response.content.decode()
    correction = ScoreCorrectionRequest.objects.get(score=score)
    score.refresh_from_db()
    assert score.value == Decimal("70")  # not before approval
    # The county does not decide its own request.
    assert correction.pk not in [c.pk for c in client.get(reverse("exams:corrections")).context["pending"]]
    assert client.post(reverse("exams:correction_decide", args=[correction.pk]),
                       {"decision": "approve"}).status_code == 404

    client.force_login(city)
    response = client.get(reverse("exams:corrections"))
    assert [c.pk for c in response.context["pending"]] == [correction.pk]
    assert "合分错误" in response.content.decode()
    response = client.post(reverse("exams:correction_decide", args=[correction.pk]),
                           {"decision": "refuse", "reason": ""}, follow=True)
    assert "不予批准须填写理由" in response.content.decode()
    client.post(reverse("exams:correction_decide", args=[correction.pk]), {"decision": "approve", "reason": "同意"})
    score.refresh_from_db()
    assert score.value == Decimal("76")
    assert score.changes.order_by("-id").first().changed_by == city


def test_exam7_overdue_alert_listed_for_the_center_and_upper_level_only(client, session, demo_user):
    import datetime

    assert services.check_publication_deadlines(today=datetime.date(2017, 7, 10)) == 1
    for username in ("staff_nongan", "staff_changchun", "province_admin"):
        client.force_login(demo_user(username))
        html = client.get(reverse("exams:score_index")).content.decode()
        assert "逾期未发布" in html and "2017-07-07" in html, username
    client.force_login(demo_user("staff_gongzhuling"))
    assert "逾期未发布" not in client.get(reverse("exams:score_index")).content.decode()


# --- The candidate's pages (EXAM-7, EXAM-8, ORG-8) ----------------------------------------------


def test_exam7_candidate_sees_no_scores_before_publication_and_them_after(client, seated, session, examiner,
                                                                        demo_user):
    client.force_login(examiner)
    score_all(client, session, seated[:2], theory="88.5", skill="91")
    score_all(client, session, seated[2:], theory="40", skill="91")
    me = seated[0].application.candidate
    client.force_login(me)
    response = client.get(reverse("exams:my_scores"))
    html = response.content.decode()
    assert response.status_code == 200
    # No score cell before publication (a bare "91" could be part of a ticket number).
    assert "成绩尚未发布" in html and "88.5" not in html and ">91<" not in html and "91分" not in html

    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    html = client.get(reverse("exams:my_scores")).content.decode()
    assert "成绩尚未发布" not in html
    assert "88.5" in html and "91.0" in html and "保留期已过" in html  # a 2017 pass, kept one year from its exam day (EXAM-8)
    assert 'data-testid="outcome">合格<' in html

    client.force_login(seated[2].application.candidate)
    html = client.get(reverse("exams:my_scores")).content.decode()
    assert 'data-testid="outcome">不合格<' in html and "只需补考不合格的科目：理论知识" in html  # EXAM-8


def test_org8_a_candidate_never_sees_another_candidates_scores_or_ticket(client, seated, session, examiner,
                                                                        demo_user):
    client.force_login(examiner)
    score_all(client, session, seated[:1], theory="55.5", skill="66.5")
    score_all(client, session, seated[1:], theory="77.5", skill="99.5")
    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    client.force_login(seated[0].application.candidate)
    html = client.get(reverse("exams:my_scores")).content.decode()
    assert "55.5" in html and "77.5" not in html and "99.5" not in html
    html = client.get(reverse("exams:my_tickets")).content.decode()
    assert seated[0].ticket_number in html
    assert seated[1].ticket_number not in html and seated[1].application.name not in html
    client.force_login(demo_user("candidate"))  # the demo candidate has no seat here
    html = client.get(reverse("exams:my_scores")).content.decode()
    assert "55.5" not in html and "您还没有成绩" in html


def test_exam4_candidate_ticket_shows_site_room_seat_and_subject_times(client, seated, session):
    seat = seated[0]
    client.force_login(seat.application.candidate)
    response = client.get(reverse("exams:my_tickets"))
    html = response.content.decode()
    assert seat.ticket_number in html and session.site.name in html and seat.room.name in html
    assert f"{seat.seat_number}号" in html
    assert "理论知识" in html and "操作技能" in html and "6月17日 09:00" in html
    try:
        reverse("exams:ticket_pdf", args=[seat.pk])
    except Exception:
        assert 'data-testid="ticket-pdf"' not in html
    else:
        assert reverse("exams:ticket_pdf", args=[seat.pk]) in html


def test_candidate_pages_are_for_candidates_only(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    assert client.get(reverse("exams:my_scores")).status_code == 403
    assert client.get(reverse("exams:my_tickets")).status_code == 403
