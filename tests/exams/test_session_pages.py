"""Staff pages of exam administration: sites and rooms (EXAM-4), sessions and their subjects
(EXAM-1..EXAM-3), seats and the seat chart (EXAM-4), examiners (EXAM-5), all scoped (ORG-8);
and the exams admin."""

import datetime

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.idnumbers import mask_id_number
from appraisal.models import Occupation, Role, ScheduledAppraisalDay, User
from exams import services
from exams.models import (
    CustodyEntry,
    ExaminerAssignment,
    ExaminerQualification,
    ExamSession,
    Room,
    ScoreChange,
    SeatAssignment,
    Site,
)

pytestmark = pytest.mark.django_db

CAR = "汽车维修工"


@pytest.fixture
def as_user(logged_in_client):
    return logged_in_client


@pytest.fixture
def gongzhuling_session(centers, demo_user):
    staff = demo_user("staff_gongzhuling")
    site = services.create_site(actor=staff, center=centers["gongzhuling"], name="公主岭市鉴定考点", address="公主岭市")
    services.add_room(actor=staff, site=site, name="一号考场", capacity=10)
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["gongzhuling"],
                                                                day=datetime.date(2017, 6, 17))
    return services.schedule_session(actor=staff, center=centers["gongzhuling"], site=site,
                                     occupation=Occupation.objects.get(name=CAR), level=5, target=day, allow_past=True)


def text(response):
    return response.content.decode()


# --- Scope (ORG-8) ---------------------------------------------------------------------------


def test_org8_session_list_is_scoped(as_user, session, gongzhuling_session):
    page = text(as_user("staff_nongan").get(reverse("exams:session_list")))
    assert "农安县职业技能鉴定考点" in page and "公主岭市鉴定考点" not in page
    page = text(as_user("staff_changchun").get(reverse("exams:session_list")))
    assert "农安县职业技能鉴定考点" in page  # a city sees its region's counties
    assert "公主岭市鉴定考点" not in page  # 公主岭 belongs to 四平 in 2017
    page = text(as_user("province_admin").get(reverse("exams:session_list")))
    assert "农安县职业技能鉴定考点" in page and "公主岭市鉴定考点" in page


def test_org8_other_county_gets_404_on_a_session(as_user, session):
    client = as_user("staff_gongzhuling")
    for name in ("exams:session_detail", "exams:seat_chart"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 404
    assert client.post(reverse("exams:seats_auto", args=[session.pk])).status_code == 404
    assert not SeatAssignment.objects.filter(session=session).exists()


def test_org8_sites_list_is_scoped(as_user, site, gongzhuling_session):
    page = text(as_user("staff_nongan").get(reverse("exams:site_list")))
    assert "农安县职业技能鉴定考点" in page and "第一考场" in page and "汽车维修实训台3套" in page
    assert "公主岭市鉴定考点" not in page


@pytest.mark.parametrize("name", ["exams:session_list", "exams:site_list", "exams:qualification_list",
                                  "exams:session_create"])
def test_candidate_gets_403_on_staff_pages(as_user, name):
    assert as_user("candidate").get(reverse(name)).status_code == 403


def test_candidate_gets_403_on_a_session(as_user, session):
    client = as_user("candidate")
    assert client.get(reverse("exams:session_detail", args=[session.pk])).status_code == 403
    assert client.get(reverse("exams:seat_chart", args=[session.pk])).status_code == 403
    assert client.post(reverse("exams:seats_auto", args=[session.pk])).status_code == 403


def test_hr_official_reads_but_does_not_act(as_user, session, make_applications):
    make_applications(2)
    client = as_user("hr_official")
    response = client.get(reverse("exams:session_detail", args=[session.pk]))
    assert response.status_code == 200
    assert "自动编排考位" not in text(response) and "理论知识" in text(response)
    assert client.post(reverse("exams:seats_auto", args=[session.pk])).status_code == 403
    assert client.get(reverse("exams:session_create")).status_code == 403
    assert not SeatAssignment.objects.filter(session=session).exists()


def test_unauthenticated_is_sent_to_login(client):
    response = client.get(reverse("exams:session_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- Sites and rooms (EXAM-4) ----------------------------------------------------------------


def test_exam4_create_site_and_room(as_user, centers):
    client = as_user("staff_nongan")
    response = client.post(reverse("exams:site_list"), {"name": "农安县第二考点", "address": "农安县黄龙路1号"})
    assert response.status_code == 302
    site = Site.objects.get(name="农安县第二考点")
    assert site.center == centers["nongan"]
    response = client.post(reverse("exams:room_add", args=[site.pk]), {
        f"room{site.pk}-name": "一号考场", f"room{site.pk}-capacity": "30", f"room{site.pk}-equipment": "计算机30台"})
    assert response.status_code == 302
    assert Room.objects.get(site=site).capacity == 30
    page = text(client.get(reverse("exams:site_list")))
    assert "一号考场" in page and "计算机30台" in page and "30 个考位" in page


@pytest.mark.parametrize("capacity", ["0", "-3", "1001", "abc", "2.5"])
def test_exam4_bad_room_capacity_gets_a_chinese_error(as_user, site, capacity):
    prefix = f"room{site.pk}"
    response = as_user("staff_nongan").post(reverse("exams:room_add", args=[site.pk]), {
        f"{prefix}-name": "第三考场", f"{prefix}-capacity": capacity})
    assert response.status_code == 400
    assert "考位数必须是1到1000之间的整数。" in text(response)
    assert not Room.objects.filter(site=site, name="第三考场").exists()


def test_exam4_duplicate_site_name_is_refused(as_user, site):
    response = as_user("staff_nongan").post(reverse("exams:site_list"), {"name": site.name, "address": "农安县"})
    assert response.status_code == 400
    assert Site.objects.filter(name=site.name).count() == 1
    assert 'class="error"' in text(response)


def test_exam4_room_on_a_site_out_of_scope_is_404(as_user, gongzhuling_session):
    site = gongzhuling_session.site
    response = as_user("staff_nongan").post(reverse("exams:room_add", args=[site.pk]), {
        f"room{site.pk}-name": "偷加考场", f"room{site.pk}-capacity": "5"})
    assert response.status_code == 404
    assert not Room.objects.filter(name="偷加考场").exists()


def test_exam4_examiner_cannot_create_a_site(as_user):
    response = as_user("examiner").post(reverse("exams:site_list"), {"name": "考评员考点", "address": "长春"})
    assert response.status_code == 403
    assert not Site.objects.filter(name="考评员考点").exists()


# --- Sessions (EXAM-1..EXAM-3, ORG-2, EXAM-7) ------------------------------------------------


def _session_post(site, day, level=5, occupation=CAR, **extra):
    return {"site": site.pk, "occupation": Occupation.objects.get(name=occupation).pk, "level": level,
            "appraisal": f"day:{day.pk}" if day else "", "day": "", "start": "09:00", "pass_mark": "60", "past": "1", **extra}


def test_exam1_create_session_happy_path(as_user, site, exam_day, centers):
    client = as_user("staff_nongan")
    form = text(client.get(reverse("exams:session_create") + "?past=1"))  # 2017 is past: asked for
    assert "2017-06-17 定期鉴定日" in form
    assert "全国、全省统一鉴定" not in form and "统一鉴定职业补考" not in form  # unified appraisals: province only
    response = client.post(reverse("exams:session_create"), _session_post(site, exam_day))
    session = ExamSession.objects.get(site=site)
    assert response.status_code == 302 and response["Location"] == reverse("exams:session_detail", args=[session.pk])
    assert session.center == centers["nongan"] and session.day == datetime.date(2017, 6, 17)
    page = text(client.get(response["Location"]))
    assert "理论知识" in page and "操作技能" in page and "综合评审" not in page
    assert "60 分钟" in page and "2017-06-17 09:00" in page
    assert services.publication_deadline(session).isoformat() in page  # EXAM-7
    assert "日常鉴定后15个工作日" in page


def test_org6_province_creates_a_unified_appraisal_session_on_the_second_day(as_user, centers, demo_user):
    from appraisal.models import UnifiedAppraisal

    site = services.create_site(actor=demo_user("province_admin"), center=centers["province"], name="省鉴定中心考点",
                                address="长春市")
    unified = UnifiedAppraisal.objects.get(year=2017, half=1)
    client = as_user("province_admin")
    assert "全国、全省统一鉴定" in text(client.get(reverse("exams:session_create") + "?past=1"))
    occupation = Occupation.objects.get(name="企业人力资源管理师")
    level = occupation.levels.order_by("level").first().level
    response = client.post(reverse("exams:session_create"), {
        **_session_post(site, None, level=level, occupation=occupation.name),
        "appraisal": f"unified:{unified.pk}", "day": unified.second_day.isoformat()})
    assert response.status_code == 302
    session = ExamSession.objects.get(site=site)
    assert session.unified_appraisal == unified and session.day == unified.second_day
    assert "统一鉴定后20个工作日" in text(client.get(response["Location"]))  # EXAM-7


def test_org6_county_cannot_schedule_a_unified_occupation(as_user, site, exam_day):
    response = as_user("staff_nongan").post(reverse("exams:session_create"),
                                            _session_post(site, exam_day, level=4, occupation="企业人力资源管理师"))
    assert response.status_code == 400
    assert "只能由省职业技能鉴定中心组织实施" in text(response)
    assert not ExamSession.objects.exists()


def test_org2_county_cannot_create_a_level3_session(as_user, site, exam_day):
    response = as_user("staff_nongan").post(reverse("exams:session_create"), _session_post(site, exam_day, level=3))
    assert response.status_code == 400
    assert "县级鉴定中心只负责初级工、中级工鉴定" in text(response)
    assert not ExamSession.objects.exists()


def test_session_on_a_site_of_another_center_is_refused(as_user, site, centers):
    changchun_day = ScheduledAppraisalDay.objects.filter(center=centers["changchun"], day__year=2017).first()
    response = as_user("staff_changchun").post(reverse("exams:session_create"), _session_post(site, changchun_day))
    assert response.status_code == 400
    assert "考点不属于长春市" in text(response)
    assert not ExamSession.objects.exists()


def test_session_on_a_site_out_of_scope_is_not_offered(as_user, gongzhuling_session, exam_day):
    site = gongzhuling_session.site
    response = as_user("staff_nongan").post(reverse("exams:session_create"), _session_post(site, exam_day))
    assert response.status_code == 400
    assert ExamSession.objects.count() == 1  # only the fixture's
    assert "公主岭市鉴定考点" not in text(response)


def test_session_on_another_centers_day_is_not_offered(as_user, site, centers):
    other_day = ScheduledAppraisalDay.objects.filter(center=centers["changchun"], day__year=2017).first()
    response = as_user("staff_nongan").post(reverse("exams:session_create"), _session_post(site, other_day))
    assert response.status_code == 400
    assert "选择一个有效的选项" in text(response)
    assert not ExamSession.objects.exists()


def test_session_bad_pass_mark_and_missing_appraisal(as_user, site, exam_day):
    client = as_user("staff_nongan")
    response = client.post(reverse("exams:session_create"), _session_post(site, exam_day, pass_mark="120"))
    assert response.status_code == 400 and "合格分数线必须在0到100之间。" in text(response)
    response = client.post(reverse("exams:session_create"), _session_post(site, exam_day, appraisal="day:999999"))
    assert response.status_code == 400 and "选择" in text(response)
    assert not ExamSession.objects.exists()


def test_session_list_filters(as_user, session, gongzhuling_session):
    client = as_user("province_admin")
    url = reverse("exams:session_list")
    page = text(client.get(url, {"day_from": "2017-06-18"}))
    assert "没有符合条件的场次" in page
    page = text(client.get(url, {"day_from": "2017-06-17", "day_to": "2017-06-17", "level": "5"}))
    assert page.count('data-testid="session-row"') == 2
    assert "没有符合条件的场次" in text(client.get(url, {"status": "published"}))
    assert "没有符合条件的场次" in text(client.get(url, {"level": "4"}))
    page = text(client.get(url, {"day_from": "2017-07-01", "day_to": "2017-06-01"}))
    assert "开始日期不能晚于结束日期。" in page and 'data-testid="session-row"' not in page


def test_session_list_queries_do_not_grow(as_user, session, gongzhuling_session):
    client = as_user("province_admin")
    client.get(reverse("exams:session_list"))  # warm-up: cached per-site values (hotlines) load once
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("exams:session_list"))
    services.schedule_session(actor=User.objects.get(username="staff_nongan"), center=session.center,
                              site=session.site, occupation=session.occupation, level=4, target=session.scheduled_day, allow_past=True)
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("exams:session_list"))
    assert len(three) == len(two)


# --- Seats (EXAM-4) --------------------------------------------------------------------------


def test_exam4_automatic_seating_page_shows_seated_and_unseated(as_user, session, make_applications):
    make_applications(7)
    client = as_user("staff_nongan")
    detail = text(client.get(reverse("exams:session_detail", args=[session.pk])))
    assert "自动编排考位" in detail and "7 人" in detail  # eligible applications
    response = client.post(reverse("exams:seats_auto", args=[session.pk]))
    page = text(response)
    assert response.status_code == 200
    assert 'data-testid="seated-count">本次编排 <span class="count">5</span>' in page
    assert page.count('data-testid="unseated-row"') == 2 and "考位已满" in page
    assert SeatAssignment.objects.filter(session=session).count() == 5
    detail = text(client.get(reverse("exams:session_detail", args=[session.pk])))
    assert '<span class="count">5</span> / 5 个考位' in detail


def test_exam4_manual_seat_beyond_capacity_gets_a_chinese_error(as_user, session, site, make_applications):
    a, b = make_applications(2)
    room = site.rooms.get(name="第二考场")
    client = as_user("staff_nongan")
    url = reverse("exams:seat_assign", args=[session.pk])
    response = client.post(url, {"application": a.pk, "room": room.pk, "seat_number": "3"})
    assert response.status_code == 400
    assert "座位号必须在1到2之间（第二考场共2个考位）。" in text(response)
    assert not SeatAssignment.objects.exists()
    response = client.post(url, {"application": a.pk, "room": room.pk, "seat_number": "2"})
    assert response.status_code == 302
    assert SeatAssignment.objects.get(application=a).seat_number == 2
    response = client.post(url, {"application": b.pk, "room": room.pk, "seat_number": "2"})
    assert response.status_code == 400 and "第二考场的2号座位已有考生。" in text(response)
    assert not SeatAssignment.objects.filter(application=b).exists()


def test_exam4_manual_seat_only_for_eligible_applications(as_user, session, site, make_applications):
    (a,) = make_applications(1)
    type(a).objects.filter(pk=a.pk).update(fee_paid=False)
    response = as_user("staff_nongan").post(reverse("exams:seat_assign", args=[session.pk]), {
        "application": a.pk, "room": site.rooms.first().pk, "seat_number": "1"})
    assert response.status_code == 400
    assert not SeatAssignment.objects.exists()


def _seat_all(session, staff):
    return services.assign_seats_automatically(session=session, actor=staff)


def test_exam4_seat_chart_shows_names_tickets_masked_ids(as_user, session, make_applications, demo_user):
    apps = make_applications(3)
    _seat_all(session, demo_user("staff_nongan"))
    page = text(as_user("staff_nongan").get(reverse("exams:seat_chart", args=[session.pk])))
    seat = SeatAssignment.objects.select_related("application").get(application=apps[0])
    assert seat.application.name in page and seat.ticket_number in page
    assert mask_id_number(seat.application.id_number) in page
    assert all(a.id_number not in page for a in apps)  # never the full ID number
    assert "@media print" in page and "size: A4" in page
    assert page.count('data-testid="seat-chart-room"') == 2 and page.count('data-testid="seat"') == 3
    assert page.count("（空）") == 2  # 5 seats, 3 taken


def test_seat_chart_queries_are_constant(as_user, session, site, make_applications, demo_user):
    staff = demo_user("staff_nongan")
    services.add_room(actor=staff, site=site, name="第三考场", capacity=40)
    make_applications(5)
    _seat_all(session, staff)
    client = as_user("staff_nongan")
    url = reverse("exams:seat_chart", args=[session.pk])
    client.get(url)  # warm-up: cached per-site values (hotlines) load once
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert text(response).count('data-testid="seat"') == 5
    make_applications(35, start=5)
    _seat_all(session, staff)
    with CaptureQueriesContext(connection) as forty:
        response = client.get(url)
    assert text(response).count('data-testid="seat"') == 40
    assert len(forty) == len(five)


def test_examiner_assigned_to_session_reads_seat_chart(as_user, session, examiner, demo_user):
    """The demo examiner belongs to 长春; once assigned to a 农安 session they can read it."""
    services.assign_examiner(session=session, examiner=examiner, actor=demo_user("staff_nongan"))
    client = as_user("examiner")
    assert client.get(reverse("exams:seat_chart", args=[session.pk])).status_code == 200
    assert client.post(reverse("exams:seats_auto", args=[session.pk])).status_code == 403


# --- Examiners (EXAM-5) ----------------------------------------------------------------------


def test_exam5_assign_examiner_happy_path(as_user, session, examiner):
    client = as_user("staff_nongan")
    detail = text(client.get(reverse("exams:session_detail", args=[session.pk])))
    assert "吴考评（长春市" in detail  # the city's examiners are offered to its county
    response = client.post(reverse("exams:examiner_assign", args=[session.pk]), {"examiner": examiner.pk})
    assert response.status_code == 302
    assert ExaminerAssignment.objects.filter(session=session, examiner=examiner).exists()
    assert "吴考评" in text(client.get(reverse("exams:session_detail", args=[session.pk])))


def test_exam5_unqualified_examiner_is_refused_with_the_reason(as_user, session, centers):
    other = User.objects.create(username="examiner2", role=Role.EXAMINER, full_name="冯考评", center=centers["nongan"])
    response = as_user("staff_nongan").post(reverse("exams:examiner_assign", args=[session.pk]), {"examiner": other.pk})
    assert response.status_code == 400
    assert "冯考评没有“汽车维修工”的考评员资格。" in text(response)
    assert not ExaminerAssignment.objects.exists()


def test_exam5_expired_or_too_low_qualification_is_refused(as_user, session, examiner):
    client = as_user("staff_nongan")
    url = reverse("exams:examiner_assign", args=[session.pk])
    ExaminerQualification.objects.filter(examiner=examiner).update(valid_until=datetime.date(2017, 6, 1))
    assert "吴考评的考评员资格已于2017-06-01到期。" in text(client.post(url, {"examiner": examiner.pk}))
    assert not ExaminerAssignment.objects.exists()


def test_exam5_recusal_is_refused_with_the_reason(as_user, session, examiner, make_applications, demo_user):
    examiner.employer_name = "农安县某汽车维修有限公司"
    examiner.save(update_fields=["employer_name"])
    make_applications(1, employer_name="农安县某汽车维修有限公司")
    _seat_all(session, demo_user("staff_nongan"))
    response = as_user("staff_nongan").post(reverse("exams:examiner_assign", args=[session.pk]),
                                            {"examiner": examiner.pk})
    assert response.status_code == 400
    assert "工作单位相同（农安县某汽车维修有限公司），须回避。" in text(response)
    assert not ExaminerAssignment.objects.exists()


def test_exam5_rotation_is_refused_with_the_reason(as_user, session, site, examiner, demo_user, settings, centers):
    settings.EXAMINER_MAX_CONSECUTIVE_SESSIONS_AT_SITE = 2
    staff = demo_user("staff_nongan")
    for day in (datetime.date(2017, 2, 18), datetime.date(2017, 4, 15)):
        earlier = services.schedule_session(
            actor=staff, center=centers["nongan"], site=site, occupation=session.occupation, level=5,
            target=ScheduledAppraisalDay.objects.get(center=centers["nongan"], day=day), allow_past=True)
        services.assign_examiner(session=earlier, examiner=examiner, actor=staff)
    response = as_user("staff_nongan").post(reverse("exams:examiner_assign", args=[session.pk]),
                                            {"examiner": examiner.pk})
    assert response.status_code == 400
    assert "按轮换制度本场须更换考评人员" in text(response)
    assert not ExaminerAssignment.objects.filter(session=session).exists()


def test_exam5_qualifications_are_scoped_and_can_be_added(as_user, examiner):
    page = text(as_user("staff_nongan").get(reverse("exams:qualification_list")))
    assert "KP2015-0001" not in page  # the examiner belongs to 长春, outside 农安's scope
    client = as_user("staff_changchun")
    assert "KP2015-0001" in text(client.get(reverse("exams:qualification_list")))
    occupation = Occupation.objects.exclude(name=CAR).filter(levels__level=4).first()
    data = {"examiner": examiner.pk, "occupation": occupation.pk, "highest_level": "4",
            "certificate_number": "KP2017-0099", "valid_until": "2020-12-31"}
    response = client.post(reverse("exams:qualification_list"), data)
    assert response.status_code == 302
    assert ExaminerQualification.objects.get(examiner=examiner, occupation=occupation).highest_level == 4
    response = client.post(reverse("exams:qualification_list"), {**data, "certificate_number": "KP2017-0100"})
    assert response.status_code == 400
    assert f"吴考评已有“{occupation.name}”的考评员资格。" in text(response)
    assert ExaminerQualification.objects.filter(certificate_number="KP2017-0100").count() == 0


def test_exam5_qualification_outside_scope_cannot_be_added(as_user, examiner):
    response = as_user("staff_nongan").post(reverse("exams:qualification_list"), {
        "examiner": examiner.pk, "occupation": Occupation.objects.exclude(name=CAR).first().pk,
        "highest_level": "5", "certificate_number": "X1", "valid_until": "2020-01-01"})
    assert response.status_code == 400
    assert not ExaminerQualification.objects.filter(certificate_number="X1").exists()
    assert as_user("examiner").post(reverse("exams:qualification_list"), {}).status_code == 403


def test_add_examiner_qualification_service_refuses_non_examiners(demo_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不是考评人员"):
        services.add_examiner_qualification(
            actor=demo_user("staff_changchun"), examiner=demo_user("hr_official"),
            occupation=Occupation.objects.get(name=CAR), highest_level=5, certificate_number="X",
            valid_until=datetime.date(2020, 1, 1))


# --- Admin -----------------------------------------------------------------------------------


def test_admin_custody_and_score_changes_are_read_only(rf):
    request = rf.get("/admin/")
    request.user = User.objects.get(username="province_admin")
    for model in (CustodyEntry, ScoreChange):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_admin_every_exams_model_is_registered():
    from django.apps import apps

    models = set(apps.get_app_config("exams").get_models())
    assert models <= set(admin.site._registry)


def test_admin_is_scoped(session, gongzhuling_session, rf):
    request = rf.get("/admin/")
    request.user = User.objects.get(username="staff_nongan")
    for model in (Site, ExamSession, Room):
        names = {str(obj) for obj in admin.site._registry[model].get_queryset(request)}
        assert names and not any("公主岭" in name for name in names)


def test_admin_changelists_open_for_province_admin(client, session, make_applications, demo_user):
    make_applications(2)
    _seat_all(session, demo_user("staff_nongan"))
    client.force_login(demo_user("province_admin"))
    for model in (Site, Room, ExamSession, SeatAssignment, ExaminerQualification, CustodyEntry, ScoreChange):
        url = reverse(f"admin:exams_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
    seat = SeatAssignment.objects.first()
    page = text(client.get(reverse("admin:exams_seatassignment_change", args=[seat.pk])))
    assert mask_id_number(seat.application.id_number) in page
