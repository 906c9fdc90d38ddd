"""Scope decisions only in the authority engine (ORG-8, EXAM-9) and the examiner's eligibility in
the service, so the API enforces it too (EXAM-5)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from appraisal import authority
from appraisal.demo import DEMO_PASSWORD
from appraisal.models import Occupation, Role, ScheduledAppraisalDay, User
from exams import services
from exams.models import (
    ExaminerQualification,
    PaperRequest,
    Subject,
)

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
                                        level=5, target=day, allow_past=True)
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
