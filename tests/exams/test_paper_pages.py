"""Pages of papers (EXAM-9), custody of secret material (EXAM-10), supervision and discipline
incidents (EXAM-11): through the services, scoped (ORG-8), refusals in Chinese on the page, and no way
to edit or delete a custody entry."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from appraisal.models import Occupation
from exams import services
from exams.models import (
    CustodyAction,
    CustodyEntry,
    DisciplineIncident,
    Paper,
    PaperRequest,
    PaperRequestStatus,
    SeatAssignment,
    Subject,
    Supervision,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


@pytest.fixture
def as_user(logged_in_client):
    return logged_in_client


@pytest.fixture
def no_sub_bank(centers, session):
    """长春市 stops running its sub-bank: 农安县 must request papers from the province."""
    type(centers["changchun"]).objects.filter(pk=centers["changchun"].pk).update(runs_question_sub_bank=False)
    return session


@pytest.fixture
def paper(session, demo_user):
    return services.compose_paper(session=session, subject=Subject.THEORY, copies=5, code="NA-2017-01",
                                  actor=demo_user("staff_nongan"))


# --- EXAM-9: compose or request ----------------------------------------------------------------


def test_exam9_sub_bank_region_composes_on_the_page(as_user, session):
    client = as_user("staff_nongan")
    page = text(client.get(reverse("exams:session_papers", args=[session.pk])))
    assert "自行抽题组卷" in page and 'data-testid="compose-form"' in page and "request-form" not in page
    response = client.post(reverse("exams:paper_compose", args=[session.pk]),
                           {"paper-subject": "theory", "paper-copies": "5", "paper-code": "NA-2017-01"}, follow=True)
    assert "已组卷：NA-2017-01" in text(response)
    paper = Paper.objects.get(session=session)
    assert paper.copies == 5 and paper.custody.get().action == CustodyAction.COMPOSED


def test_exam9_compose_refused_without_sub_bank_in_chinese(as_user, no_sub_bank):
    session = no_sub_bank
    client = as_user("staff_nongan")
    page = text(client.get(reverse("exams:session_papers", args=[session.pk])))
    assert "须向省职业技能鉴定中心申请试卷" in page and 'data-testid="request-form"' in page
    assert "compose-form" not in page
    response = client.post(reverse("exams:paper_compose", args=[session.pk]),
                           {"paper-subject": "theory", "paper-copies": "5", "paper-code": "NA-2017-01"})
    assert response.status_code == 400
    assert "未运行国家题库地市级分库，须向省鉴定中心申请试题" in text(response)
    assert not Paper.objects.filter(session=session).exists()


def test_exam9_bad_paper_input_gets_chinese_errors(as_user, session):
    client = as_user("staff_nongan")
    url = reverse("exams:paper_compose", args=[session.pk])
    response = client.post(url, {"paper-subject": "review", "paper-copies": "0", "paper-code": ""})
    page = text(response)
    assert response.status_code == 400
    assert "本场次没有该科目" in page and "份数必须是正整数" in page and "请填写试卷编号" in page
    client.post(url, {"paper-subject": "theory", "paper-copies": "5", "paper-code": "NA-1"})
    response = client.post(url, {"paper-subject": "theory", "paper-copies": "5", "paper-code": "NA-2"})
    assert response.status_code == 400 and "该科目已有试卷" in text(response)
    assert Paper.objects.filter(session=session).count() == 1


def test_exam9_request_then_province_fulfils(as_user, no_sub_bank):
    session = no_sub_bank
    client = as_user("staff_nongan")
    response = client.post(reverse("exams:paper_request", args=[session.pk]),
                           {"paper-subject": "skill", "paper-copies": "3"}, follow=True)
    assert "已向省职业技能鉴定中心申请试卷" in text(response)
    request = PaperRequest.objects.get(session=session)
    again = client.post(reverse("exams:paper_request", args=[session.pk]), {"paper-subject": "skill", "paper-copies": "3"})
    assert again.status_code == 400 and "已申请过试卷" in text(again)
    # Only the province center handles requests.
    assert client.get(reverse("exams:paper_requests")).status_code == 403
    assert client.post(reverse("exams:paper_request_fulfil", args=[request.pk]), {f"req{request.pk}-code": "X"}
                       ).status_code == 403

    client = as_user("province_admin")
    page = text(client.get(reverse("exams:paper_requests")))
    assert "农安县" in page and "操作技能" in page
    url = reverse("exams:paper_request_fulfil", args=[request.pk])
    assert client.post(url, {f"req{request.pk}-code": ""}).status_code == 400
    response = client.post(url, {f"req{request.pk}-code": "JL-2017-0617-S"}, follow=True)
    assert "已为" in text(response) and "JL-2017-0617-S" in text(response)
    assert "没有待提供的试卷申请" in text(response)
    request.refresh_from_db()
    assert request.status == PaperRequestStatus.FULFILLED
    paper = Paper.objects.get(request=request)
    assert paper.source == "province" and paper.copies == 3
    assert client.post(url, {f"req{request.pk}-code": "AGAIN"}).status_code == 404  # no longer pending


def test_org8_paper_pages_scoped(as_user, session, paper):
    other = as_user("staff_gongzhuling")
    for url in (reverse("exams:session_papers", args=[session.pk]), reverse("exams:paper_custody", args=[paper.pk]),
                reverse("exams:paper_trace", args=[paper.pk])):
        assert other.get(url).status_code == 404
    assert other.post(reverse("exams:paper_compose", args=[session.pk]),
                      {"paper-subject": "skill", "paper-copies": "1", "paper-code": "X"}).status_code == 404
    assert other.post(reverse("exams:paper_custody", args=[paper.pk]), {}).status_code == 404
    assert as_user("candidate").get(reverse("exams:session_papers", args=[session.pk])).status_code == 403
    hr = as_user("hr_official")
    page = text(hr.get(reverse("exams:session_papers", args=[session.pk])))
    assert "NA-2017-01" in page and "compose-form" not in page  # reads, never writes


# --- EXAM-10: custody log, append-only ----------------------------------------------------------


def test_exam10_custody_entries_listed_in_order_and_trace_prints(as_user, paper):
    client = as_user("staff_nongan")
    url = reverse("exams:paper_custody", args=[paper.pk])
    steps = [
        ("transferred", "长春市鉴定中心 张三", "农安县鉴定中心 孙县员", "1"),
        ("received", "农安县鉴定中心 孙县员", "考点主考 王五", "1"),
        ("opened", "考点主考 王五", "第一考场监考 赵六", "0"),
    ]
    for action, giver, taker, sealed in steps:
        response = client.post(url, {"action": action, "from_person": giver, "to_person": taker, "copies": "5",
                                     "sealed": sealed, "note": ""})
        assert response.status_code == 302
    page = text(client.get(url))
    assert page.count('data-testid="custody-entry"') == 4
    log = page[page.index('data-testid="custody-log"'):page.index("</table>")]
    order = [log.index(f"<td data-label=\"环节\">{word}</td>") for word in ("组卷封存", "密封移交", "接收", "启封")]
    assert order == sorted(order)
    assert "已启封" in page and "密封完好" in page
    assert [e.action for e in CustodyEntry.objects.filter(paper=paper).order_by("at", "id")] == [
        "composed", "transferred", "received", "opened"]

    trace = client.get(reverse("exams:paper_trace", args=[paper.pk]))
    page = text(trace)
    assert trace.status_code == 200 and "试卷交接追溯单" in page and "@media print" in page
    assert page.count('data-testid="trace-entry"') == 4
    assert page.index("长春市鉴定中心 张三") < page.index("考点主考 王五") < page.index("第一考场监考 赵六")
    assert "共 4 次交接" in page and "孙县员" in page


def test_exam10_custody_refuses_bad_input_in_chinese(as_user, paper):
    client = as_user("staff_nongan")
    url = reverse("exams:paper_custody", args=[paper.pk])
    response = client.post(url, {"action": "stolen", "from_person": " ", "to_person": "", "copies": "6"})
    page = text(response)
    assert response.status_code == 400
    assert "未知的交接环节" in page and "请填写交出人" in page and "请选择密封情况" in page
    response = client.post(url, {"action": "transferred", "from_person": "甲", "to_person": "乙", "copies": "6",
                                 "sealed": "1"})
    assert response.status_code == 400 and "份数必须在1到5之间" in text(response)
    assert CustodyEntry.objects.filter(paper=paper).count() == 1


def test_exam10_no_way_to_edit_or_delete_custody(as_user, paper, demo_user):
    """No URL of the exams app edits or deletes a custody entry; the log URL accepts GET and POST
    (append) only; the admin has no change or delete permission."""
    entry = paper.custody.get()
    _prefix, exams_urls = get_resolver().namespace_dict["exams"]
    names = [name for name in exams_urls.reverse_dict if isinstance(name, str)]
    assert "paper_custody" in names and "paper_trace" in names
    assert not [n for n in names if any(w in n for w in ("edit", "delete", "update", "change", "remove"))]
    client = as_user("staff_nongan")
    url = reverse("exams:paper_custody", args=[paper.pk])
    for method in (client.put, client.patch, client.delete):
        assert method(url).status_code == 405
    for suffix in (f"{entry.pk}/edit/", f"{entry.pk}/delete/", f"{entry.pk}/"):
        assert client.post(url + suffix, {"note": "篡改"}).status_code == 404
    entry.refresh_from_db()
    assert entry.note == "" and CustodyEntry.objects.filter(paper=paper).count() == 1
    model_admin = admin.site._registry.get(CustodyEntry)
    if model_admin is not None:
        request = RequestFactory().get("/")
        request.user = demo_user("province_admin")
        assert not model_admin.has_change_permission(request, entry)
        assert not model_admin.has_delete_permission(request, entry)


# --- EXAM-11: supervision and incidents ----------------------------------------------------------


@pytest.fixture
def two_sessions(session, site, exam_day, centers, make_applications, demo_user):
    """Two 农安 sessions of the same trade and day at two sites, one candidate seated in each."""
    staff = demo_user("staff_nongan")
    other_site = services.create_site(actor=staff, center=centers["nongan"], name="农安县第二考点", address="农安县")
    room = services.add_room(actor=staff, site=other_site, name="甲考场", capacity=5)
    other = services.schedule_session(actor=staff, center=centers["nongan"], site=other_site,
                                      occupation=Occupation.objects.get(name="汽车维修工"), level=5, target=exam_day, allow_past=True)
    mine, theirs = make_applications(2)
    services.assign_seat(session=session, application=mine, room=site.rooms.get(name="第一考场"), seat_number=1,
                         actor=staff)
    services.assign_seat(session=other, application=theirs, room=room, seat_number=1, actor=staff)
    return session, other, mine.seat, SeatAssignment.objects.get(application=theirs)


def test_exam11_supervision_recorded_and_listed(as_user, session):
    client = as_user("staff_nongan")
    url = reverse("exams:supervision_add", args=[session.pk])
    response = client.post(url, {"sup-kind": "on_site", "sup-supervisor": "省人社厅 督导员刘", "sup-notes": "考场秩序良好"},
                           follow=True)
    client.post(url, {"sup-kind": "video", "sup-supervisor": "省鉴定中心监控室", "sup-notes": ""})
    page = text(client.get(reverse("exams:session_papers", args=[session.pk])))
    assert "现场督导" in page and "省人社厅 督导员刘" in page and "远程视频监控" in page and "考场秩序良好" in page
    assert "已记录督导情况" in text(response)
    bad = client.post(url, {"sup-kind": "drone", "sup-supervisor": ""})
    assert bad.status_code == 400 and "请选择督导方式" in text(bad) and "请填写督导人员" in text(bad)
    assert Supervision.objects.filter(session=session).count() == 2


def test_exam11_incident_for_candidate_not_in_session_refused_in_chinese(as_user, two_sessions):
    session, other, mine, theirs = two_sessions
    client = as_user("staff_nongan")
    url = reverse("exams:incident_add", args=[session.pk])
    data = {"inc-kind": "device", "inc-measure": "subject_void", "inc-subject": "theory", "inc-description": "考试中使用手机"}
    response = client.post(url, {**data, "inc-ticket_number": theirs.ticket_number})
    assert response.status_code == 400 and "该考生不在本场次" in text(response)
    response = client.post(url, {**data, "inc-ticket_number": "00000000000"})
    assert response.status_code == 400 and "不存在" in text(response)
    response = client.post(url, {**data, "inc-subject": "", "inc-ticket_number": mine.ticket_number})
    assert response.status_code == 400 and "请选择成绩无效的科目" in text(response)
    assert not DisciplineIncident.objects.exists()
    response = client.post(url, {**data, "inc-ticket_number": f" {mine.ticket_number} "}, follow=True)
    page = text(response)
    assert "违纪情况" in page and "使用通讯工具" in page and "该科目成绩无效" in page and mine.ticket_number in page
    assert '<td data-label="涉及科目">理论知识</td>' in page
    incident = DisciplineIncident.objects.get()
    assert incident.application_id == mine.application_id and incident.session_id == session.pk


def test_exam11_incident_form_errors_and_scope(as_user, two_sessions, examiner, demo_user):
    session, _other, mine, _theirs = two_sessions
    client = as_user("staff_nongan")
    url = reverse("exams:incident_add", args=[session.pk])
    bad = client.post(url, {"inc-ticket_number": "", "inc-kind": "x", "inc-measure": "", "inc-description": ""})
    page = text(bad)
    assert bad.status_code == 400 and "请填写违纪考生的准考证号" in page and "请选择违纪类型" in page
    assert "请填写情况说明" in page
    # An examiner not assigned to the session is refused by the service; once assigned, records incidents.
    data = {"inc-ticket_number": mine.ticket_number, "inc-kind": "copying", "inc-measure": "warning",
            "inc-description": "偷看邻座"}
    assert as_user("examiner").post(url, data).status_code == 403
    services.assign_examiner(session=session, examiner=examiner, actor=demo_user("staff_nongan"))
    response = as_user("examiner").post(url, data)
    assert response.status_code == 302
    assert DisciplineIncident.objects.get().recorded_by == examiner
