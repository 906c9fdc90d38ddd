"""The center staff's pages: review queue (REG-5, ORG-8), review detail and decisions with their
audit, the permission-checked file viewer, fee payment (FEE-1), entry on a candidate's behalf
(REG-3, ORG-7), and the Django admin of registration."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient
from stdnum.cn import ric

from appraisal.demo import DEMO_PASSWORD
from appraisal.models import AppendOnlyError, Role, User
from registration import services
from registration.models import (
    Application,
    ApplicationTransition,
    FeeSchedule,
    Material,
    MaterialKind,
    PaymentRecord,
    Status,
)
from tests.registration.conftest import good_file, image_bytes

QUEUE = reverse("registration:review_queue")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_id(seq, birth="19880512", place="220122"):
    """A valid ID number: men have an odd 17th digit."""
    body = f"{place}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_candidate(region, seq, name, **extra):
    id_number = make_id(seq)
    return User.objects.create(
        username=id_number, id_number=id_number, full_name=name, role=Role.CANDIDATE, region=region,
        phone="13900000000", **extra,
    )


def fields_for(user, **overrides):
    born = ric.get_birth_date(user.id_number)
    return {
        "name": user.full_name, "gender": "M" if int(user.id_number[16]) % 2 else "F",
        "birth_month": born.replace(day=1), "education": "senior", "id_number": user.id_number,
        "phone": user.phone, "years_in_occupation": 3, "work_history": "2014年至今从事本职业工作。", **overrides,
    }


def make_application(user, day, occupation, level=5, submit=True):
    application = services.create_application(
        candidate=user, actor=user, occupation=occupation, level=level, target=day, **fields_for(user)
    )
    if submit:
        for kind in services.required_materials(application):
            services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=user)
        services.submit_application(application, actor=user)
    return application


@pytest.fixture
def client_for(logged_in_client):
    return logged_in_client


@pytest.fixture
def three_counties(centers, occupation, open_day, submitted):
    """Submitted applications at 农安 (the demo candidate), 榆树市 (also 长春's region) and 永吉 (吉林's)."""
    repair = occupation("汽车维修工")
    yushu = make_application(make_candidate(centers["yushu"], 11, "榆树考生"), open_day(centers["yushu"]), repair)
    yongji = make_application(make_candidate(centers["yongji"], 13, "永吉考生"), open_day(centers["yongji"]), repair)
    return {"nongan": submitted, "yushu": yushu, "yongji": yongji}


def names_in(response):
    return {a.name for a in response.context["page"].object_list}


# --- The queue: scope, filters, search, masking ---------------------------------------------


def test_org8_county_queue_shows_only_its_county(client_for, three_counties):
    response = client_for("staff_nongan").get(QUEUE)
    assert response.status_code == 200
    assert names_in(response) == {"王考生"}


def test_org8_city_queue_shows_its_region_and_province_everything(client_for, three_counties):
    assert names_in(client_for("staff_changchun").get(QUEUE)) == {"王考生", "榆树考生"}
    assert names_in(client_for("province_admin").get(QUEUE)) == {"王考生", "榆树考生", "永吉考生"}


def test_reg5_examiner_and_hr_read_the_queue_but_candidates_get_403(client_for, three_counties):
    assert client_for("examiner").get(QUEUE).status_code == 200
    assert client_for("hr_official").get(QUEUE).status_code == 200
    assert client_for("candidate").get(QUEUE).status_code == 403


def test_queue_requires_login(client, three_counties):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_reg5_queue_defaults_to_waiting_for_review(client_for, three_counties, demo_user):
    services.approve_application(three_counties["yushu"], actor=demo_user("staff_changchun"))
    client = client_for("staff_changchun")
    assert names_in(client.get(QUEUE)) == {"王考生"}
    assert names_in(client.get(QUEUE, {"status": "approved"})) == {"榆树考生"}
    assert names_in(client.get(QUEUE, {"status": "all"})) == {"王考生", "榆树考生"}


def test_reg5_queue_filters_occupation_level_appraisal_and_center(client_for, three_counties, centers, occupation,
                                                                  open_day):
    cook = occupation("中式烹调师")
    other = make_application(make_candidate(centers["yushu"], 15, "厨师考生"), open_day(centers["yushu"], 60), cook)
    client = client_for("staff_changchun")
    assert names_in(client.get(QUEUE, {"occupation": cook.pk})) == {"厨师考生"}
    assert names_in(client.get(QUEUE, {"level": 4})) == set()
    assert names_in(client.get(QUEUE, {"level": 5})) == {"王考生", "榆树考生", "厨师考生"}
    assert names_in(client.get(QUEUE, {"appraisal": f"day:{other.scheduled_day_id}"})) == {"厨师考生"}
    assert names_in(client.get(QUEUE, {"center": centers["nongan"].pk})) == {"王考生"}
    # The appraisal filter offers the days of the user's scope only.
    choices = dict(client.get(QUEUE).context["form"].fields["appraisal"].choices)
    assert f"day:{three_counties['yongji'].scheduled_day_id}" not in choices
    assert f"day:{three_counties['yushu'].scheduled_day_id}" in choices


def test_reg5_queue_search_by_name_or_full_id_number(client_for, three_counties):
    client = client_for("staff_changchun")
    assert names_in(client.get(QUEUE, {"q": "榆树"})) == {"榆树考生"}
    assert names_in(client.get(QUEUE, {"q": three_counties["nongan"].id_number.lower()})) == {"王考生"}
    assert names_in(client.get(QUEUE, {"q": "查无此人"})) == set()
    # Staff who read full numbers find by a fragment (the last four, as callers quote them) or by the
    # masked form the list shows; readers of masked numbers (examiners, HR) cannot probe the hidden digits.
    number = three_counties["nongan"].id_number
    assert names_in(client.get(QUEUE, {"q": number[-4:]})) >= {"王考生"}
    assert names_in(client.get(QUEUE, {"q": number[:6] + "*" * 8 + number[-4:]})) >= {"王考生"}
    examiner = client_for("examiner")
    assert names_in(examiner.get(QUEUE, {"q": number[6:14], "status": "all"})) == set()
    # Not even the whole number: guessing the hidden birth date one search at a time confirms nothing.
    assert names_in(examiner.get(QUEUE, {"q": number, "status": "all"})) == set()
    assert "王考生" in names_in(examiner.get(QUEUE, {"q": number[:6] + "*" * 8 + number[-4:], "status": "all"}))


def test_queue_masks_id_numbers_and_shows_the_row_facts(client_for, three_counties):
    response = client_for("staff_nongan").get(QUEUE)
    html = response.content.decode()
    full = three_counties["nongan"].id_number
    assert full not in html
    assert full[:6] + "********" + full[-4:] in html
    row = re.search(r'<tr data-testid="queue-row">(.*?)</tr>', html, re.S).group(1)
    for text in ("王考生", "汽车维修工", "五级/初级工", "农安县职业技能鉴定中心", "待审核", "4/4", "未缴费",
                 f"{three_counties['nongan'].scheduled_day.day:%Y-%m-%d}"):
        assert text in row, text


def test_queue_paginates_fifty_a_page_keeping_the_filters(client_for, three_counties, monkeypatch):
    from registration.views import review

    assert review.PAGE_SIZE == 50
    monkeypatch.setattr(review, "PAGE_SIZE", 1)
    client = client_for("province_admin")
    first = client.get(QUEUE, {"level": 5})
    assert first.context["page"].paginator.num_pages == 3
    assert "level=5&amp;status=submitted&amp;page=2" in first.content.decode() or \
        "status=submitted&amp;level=5&amp;page=2" in first.content.decode() or \
        "level=5&amp;page=2" in first.content.decode()
    seen = set()
    for number in (1, 2, 3):
        seen |= names_in(client.get(QUEUE, {"level": 5, "page": number}))
    assert seen == {"王考生", "榆树考生", "永吉考生"}


def test_queue_bad_filter_shows_a_chinese_error(client_for, three_counties):
    response = client_for("staff_nongan").get(QUEUE, {"level": "9"})
    assert response.status_code == 200
    assert names_in(response) == set()
    assert "选择一个有效的选项" in response.content.decode()


# --- Detail, decisions and the audit --------------------------------------------------------


def detail_url(application):
    return reverse("registration:review_detail", args=[application.pk])


def decide(client, application, action, **data):
    return client.post(reverse("registration:review_decide", args=[application.pk]), {"action": action, **data})


def test_reg1_detail_shows_every_field_full_id_checks_materials_and_audit(client_for, submitted):
    response = client_for("staff_nongan").get(detail_url(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("王考生", "男", "1990年3月", "高中/中专/技校", submitted.id_number, "农安县某汽车维修有限公司",
                 "汽车修理", "13800000000", "汽车维修工", "五级/初级工", "4 年", "从事汽车维修工作",
                 "身份证号校验通过", "材料齐全", "提交时的核验记录", "草稿", "待审核", "审核通过", "退回修改",
                 "审核不通过", "登记缴费"):
        assert text in html, text
    for material in submitted.materials.all():
        assert reverse("registration:material_file", args=[material.pk]) in html
    assert response.context["live_ok"] is True


def test_reg5_approve_without_opinion_audits_actor(client_for, submitted, demo_user):
    response = decide(client_for("staff_nongan"), submitted, "approve")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.center_opinion == "经审核，符合申报条件。"
    last = submitted.transitions.last()
    assert (last.from_status, last.to_status, last.actor) == (Status.SUBMITTED, Status.APPROVED,
                                                               demo_user("staff_nongan"))


def test_reg5_approve_with_opinion(client_for, submitted):
    decide(client_for("staff_nongan"), submitted, "approve", opinion="材料齐全，同意申报。")
    submitted.refresh_from_db()
    assert submitted.center_opinion == "材料齐全，同意申报。"
    assert submitted.transitions.last().reason == "材料齐全，同意申报。"


@pytest.mark.parametrize("action", ["reject", "return"])
def test_reg5_reject_or_return_without_reason_changes_nothing(client_for, submitted, action):
    before = submitted.transitions.count()
    response = decide(client_for("staff_nongan"), submitted, action, **{f"{action}-reason": "   "})
    assert response.status_code == 200
    assert "请填写原因，考生将看到这段说明。" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert submitted.transitions.count() == before


@pytest.mark.parametrize(("action", "status"), [("reject", Status.REJECTED), ("return", Status.RETURNED)])
def test_reg5_reject_or_return_with_reason_is_audited(client_for, submitted, demo_user, action, status):
    response = decide(client_for("staff_nongan"), submitted, action, **{f"{action}-reason": "身份证复印件不清晰"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == status
    last = submitted.transitions.last()
    assert (last.to_status, last.actor, last.reason) == (status, demo_user("staff_nongan"), "身份证复印件不清晰")
    # The audit trail on the page shows it.
    html = client_for("staff_nongan").get(detail_url(submitted)).content.decode()
    assert "身份证复印件不清晰" in html and "孙县员" in html


def test_reg5_deciding_twice_shows_the_state_error(client_for, submitted):
    client = client_for("staff_nongan")
    decide(client, submitted, "approve")
    response = decide(client, submitted, "reject", **{"reject-reason": "重复"})
    assert response.status_code == 200
    assert "不能变更为" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED


def test_unknown_action_changes_nothing(client_for, submitted):
    decide(client_for("staff_nongan"), submitted, "delete")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_org8_examiner_and_hr_cannot_decide(client_for, submitted):
    for username in ("examiner", "hr_official"):
        client = client_for(username)
        assert client.get(detail_url(submitted)).status_code == 200
        assert "data-testid=\"decisions\"" not in client.get(detail_url(submitted)).content.decode()
        assert decide(client, submitted, "approve").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_org8_other_county_gets_404_for_detail_decision_and_file(client_for, three_counties, demo_user):
    yushu = three_counties["yushu"]
    client = client_for("staff_nongan")
    assert client.get(detail_url(yushu)).status_code == 404
    assert decide(client, yushu, "approve").status_code == 404
    photo = yushu.materials.get(kind=MaterialKind.PHOTO)
    assert client.get(reverse("registration:material_file", args=[photo.pk])).status_code == 404
    assert client.post(reverse("registration:record_payment", args=[yushu.pk]), {"paid": "1"}).status_code == 404
    yushu.refresh_from_db()
    assert yushu.status == Status.SUBMITTED and not yushu.fee_paid


def test_candidate_gets_403_on_staff_detail(client_for, submitted):
    assert client_for("candidate").get(detail_url(submitted)).status_code == 403


# --- The file viewer ------------------------------------------------------------------------


def test_reg2_material_viewer_headers_and_content(client_for, submitted):
    photo = submitted.materials.get(kind=MaterialKind.PHOTO)
    response = client_for("staff_nongan").get(reverse("registration:material_file", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == image_bytes()


def test_reg2_candidate_sees_own_file_not_anothers(client_for, three_counties):
    own = three_counties["nongan"].materials.get(kind=MaterialKind.ID_CARD)
    other = three_counties["yushu"].materials.get(kind=MaterialKind.ID_CARD)
    client = client_for("candidate")
    response = client.get(reverse("registration:material_file", args=[own.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("registration:material_file", args=[other.pk])).status_code == 404
    assert client.get(reverse("registration:material_file", args=[999999])).status_code == 404


# --- Payment (FEE-1) ------------------------------------------------------------------------


def test_fee1_fee_due_shown_and_payment_recorded(client_for, complete_draft, candidate, occupation):
    FeeSchedule.objects.create(occupation=occupation("汽车维修工"), level=5, amount=Decimal("120.00"),
                               effective_from=datetime.date(2001, 1, 1))
    application = services.submit_application(complete_draft, actor=candidate)
    client = client_for("staff_nongan")
    assert "120.00 元" in client.get(detail_url(application)).content.decode()
    url = reverse("registration:record_payment", args=[application.pk])
    assert client.post(url, {"paid": "1"}).status_code == 302
    application.refresh_from_db()
    assert application.fee_paid and application.fee_paid_at is not None
    assert "已缴费" in client.get(QUEUE).content.decode()
    client.post(url, {"paid": "0"})
    application.refresh_from_db()
    assert not application.fee_paid and application.fee_paid_at is None


def test_fee1_every_payment_record_is_kept_with_who_when_and_how_much(client_for, complete_draft, candidate,
                                                                       occupation, demo_user):
    FeeSchedule.objects.create(occupation=occupation("汽车维修工"), level=5, amount=Decimal("120.00"),
                               effective_from=datetime.date(2001, 1, 1))
    application = services.submit_application(complete_draft, actor=candidate)
    client = client_for("staff_nongan")
    url = reverse("registration:record_payment", args=[application.pk])
    client.post(url, {"paid": "1"})
    first_time = Application.objects.get(pk=application.pk).fee_paid_at
    client.post(url, {"paid": "1"})  # a second click changes nothing: the first record and its time stand
    assert Application.objects.get(pk=application.pk).fee_paid_at == first_time
    client.post(url, {"paid": "0"})
    records = list(PaymentRecord.objects.filter(application=application))
    clerk = demo_user("staff_nongan")
    assert [(r.paid, r.amount, r.actor) for r in records] == [(True, Decimal("120.00"), clerk),
                                                              (False, Decimal("120.00"), clerk)]
    page = client.get(detail_url(application)).content.decode()
    # After the withdrawal the button reads 登记缴费 again: 撤销缴费登记 is the record's line.
    assert "缴费登记记录" in page and "登记缴费 120.00 元" in page and "撤销缴费登记" in page
    assert page.count(clerk.display_name) >= 2
    with pytest.raises(AppendOnlyError):
        records[0].save()
    with pytest.raises(AppendOnlyError):
        records[0].delete()
    api_client = APIClient()
    api_client.force_authenticate(clerk)
    detail = api_client.get(f"/api/registration/applications/{application.pk}/").json()
    assert [(p["paid"], p["amount"]) for p in detail["payments"]] == [(True, "120.00"), (False, "120.00")]


def test_fee1_examiner_cannot_record_payment(client_for, submitted):
    response = client_for("examiner").post(reverse("registration:record_payment", args=[submitted.pk]), {"paid": "1"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert not submitted.fee_paid


# --- Entry on a candidate's behalf (REG-3, ORG-7) -------------------------------------------

ENTER = reverse("registration:enter_for_candidate")


def entry_post(user_id_number, target_key, occupation, **overrides):
    born = ric.get_birth_date(user_id_number)
    data = {
        "occupation": occupation.pk, "level": 5, "target": target_key, "name": "新考生", "gender": "M",
        "birth_month": f"{born:%Y-%m}", "education": "junior", "id_number": user_id_number,
        "phone": "13700000000", "years_in_occupation": 2, "work_history": "2015年起在农安从事汽车维修。",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def found_by_id_number(client, candidate):
    """Step two's address and its signed token after the clerk looked the candidate up (ORG-8)."""
    url = urlsplit(client.get(ENTER, {"id_number": candidate.id_number}).context["found_url"])
    return url.path, {"t": parse_qs(url.query)["t"][0]}


def test_reg3_staff_register_candidate_enter_capture_photo_and_submit(client_for, centers, occupation, open_day,
                                                                      demo_user):
    staff = demo_user("staff_nongan")
    day = open_day(centers["nongan"])
    repair = occupation("汽车维修工")
    id_number = make_id(21)
    client = client_for("staff_nongan")

    # Not registered yet: the registration form, its region defaulting to the staff's center.
    response = client.get(ENTER, {"id_number": id_number})
    assert response.context["found"] is None
    assert response.context["new_form"].initial["region"] == centers["nongan"].pk
    response = client.post(ENTER, {"id_number": id_number, "full_name": "新考生", "phone": "13700000000",
                                   "region": centers["nongan"].pk})
    assert response.status_code == 200
    password = response.context["password"]
    candidate = User.objects.get(id_number=id_number)
    assert candidate.role == Role.CANDIDATE and candidate.region == centers["nongan"]
    assert candidate.check_password(password) and len(password) >= 10
    assert password in response.content.decode()
    # Found next time, and the password is never shown again.
    response = client.get(ENTER, {"id_number": id_number})
    assert response.context["found"] == candidate and password not in response.content.decode()

    step = reverse("registration:enter_application", args=[candidate.pk])
    response = client.get(step, {"occupation": repair.pk, "level": 5})
    form = response.context["form"]
    key = f"ScheduledAppraisalDay:{day.pk}"
    assert key in dict(form.fields["target"].choices)
    assert form.initial["gender"] == "M" and form.initial["birth_month"] == datetime.date(1988, 5, 1)

    response = client.post(step, entry_post(id_number, key, repair))
    application = Application.objects.get(candidate=candidate)
    assert response.status_code == 302 and response["Location"] == detail_url(application)
    assert (application.center, application.entered_by, application.status) == (centers["nongan"], staff,
                                                                                 Status.DRAFT)
    assert application.transitions.get().reason == "由鉴定机构代为录入"

    upload = reverse("registration:staff_material_upload", args=[application.pk])
    photo = good_file(MaterialKind.PHOTO)
    assert client.post(upload, {"photo-kind": "photo", "photo-file": photo}).status_code == 302
    assert application.materials.get(kind=MaterialKind.PHOTO).uploaded_by == staff
    html = client.get(detail_url(application)).content.decode()
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    for kind in (MaterialKind.ID_CARD, MaterialKind.EDUCATION, MaterialKind.WORK_PROOF):
        client.post(upload, {"kind": kind, "file": good_file(kind)})
    assert client.post(reverse("registration:staff_submit", args=[application.pk])).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.transitions.last().actor == staff


def test_reg2_bad_photo_upload_shows_error_and_saves_nothing(client_for, draft):
    client = client_for("staff_nongan")
    upload = reverse("registration:staff_material_upload", args=[draft.pk])
    from tests.registration.conftest import upload as make_upload

    response = client.post(upload, {"photo-kind": "photo", "photo-file": make_upload("x.jpg", b"not an image")},
                           follow=True)
    assert not Material.objects.filter(application=draft).exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_reg3_submit_incomplete_shows_reason(client_for, draft):
    response = client_for("staff_nongan").post(reverse("registration:staff_submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "缺少材料" in response.content.decode()


def test_reg3_new_candidate_bad_input_creates_nothing(client_for):
    id_number = make_id(23)
    response = client_for("staff_nongan").post(ENTER, {"id_number": id_number, "full_name": "", "phone": "abc"})
    assert response.status_code == 200
    assert not User.objects.filter(id_number=id_number).exists()
    html = response.content.decode()
    assert "请输入正确的联系电话。" in html


def test_reg5_lookup_with_bad_checksum_is_refused(client_for):
    response = client_for("staff_nongan").get(ENTER, {"id_number": make_id(25)[:-1] + "0"})
    assert "身份证号校验位错误" in response.content.decode()
    assert response.context["new_form"] is None


def test_org8_staff_refused_when_another_center_is_responsible(client_for, centers, occupation, open_day):
    yushu_candidate = make_candidate(centers["yushu"], 31, "榆树新考生")
    open_day(centers["yushu"])
    repair = occupation("汽车维修工")
    client = client_for("staff_nongan")
    # Out of nongan's scope: reachable only after looking the candidate up by full ID number.
    step, token = found_by_id_number(client, yushu_candidate)
    response = client.get(step, {"occupation": repair.pk, "level": 5, **token})
    refusal = response.context["refusal"]
    assert "农安县职业技能鉴定中心只负责本县（市）考生" in refusal
    assert "该考生应由榆树市职业技能鉴定中心受理" in refusal
    assert response.context["form"] is None
    client.post(step, {**entry_post(yushu_candidate.id_number, "ScheduledAppraisalDay:1", repair, name="榆树新考生"),
                       **token})
    assert not Application.objects.filter(candidate=yushu_candidate).exists()


def test_org3_city_staff_may_enter_for_a_county_of_its_region(client_for, centers, occupation, open_day, candidate,
                                                              form_data):
    day = open_day(centers["nongan"])
    repair = occupation("汽车维修工")
    client = client_for("staff_changchun")
    step = reverse("registration:enter_application", args=[candidate.pk])
    key = f"ScheduledAppraisalDay:{day.pk}"
    data = {**form_data, "occupation": repair.pk, "level": 5, "target": key, "birth_month": "1990-03"}
    response = client.post(step, data)
    assert response.status_code == 302
    assert Application.objects.get(candidate=candidate).center == centers["nongan"]


def test_org7_school_body_refuses_a_candidate_who_is_not_its_student(client_for, candidate, centers, occupation,
                                                                     open_day):
    open_day(centers["nongan"])
    repair = occupation("汽车维修工")
    client = client_for("staff_school")
    # Not the school's student: reachable only after looking the candidate up by full ID number.
    step, token = found_by_id_number(client, candidate)
    response = client.get(step, {"occupation": repair.pk, "level": 5, **token})
    assert "长春职业技术学院职业技能鉴定所仅受理本校学生报名。" in response.context["refusal"]
    assert "长春职业技术学院职业技能鉴定所仅受理本校学生报名。" in response.content.decode()
    assert not Application.objects.filter(candidate=candidate).exists()


def test_org7_school_body_enters_for_its_own_student(client_for, centers, occupation, open_day):
    student = make_candidate(centers["changchun"], 33, "在校学生", school=centers["school"])
    day = open_day(centers["school"])
    repair = occupation("汽车维修工")
    client = client_for("staff_school")
    step = reverse("registration:enter_application", args=[student.pk])
    key = f"ScheduledAppraisalDay:{day.pk}"
    assert key in dict(client.get(step, {"occupation": repair.pk, "level": 5}).context["form"].fields["target"].choices)
    response = client.post(step, entry_post(student.id_number, key, repair, name="在校学生"))
    assert response.status_code == 302
    assert Application.objects.get(candidate=student).center == centers["school"]


def test_reg3_entry_form_errors_in_chinese_nothing_saved(client_for, centers, occupation, open_day, candidate):
    day = open_day(centers["nongan"])
    repair = occupation("汽车维修工")
    step = reverse("registration:enter_application", args=[candidate.pk])
    data = entry_post(candidate.id_number, f"ScheduledAppraisalDay:{day.pk}", repair, birth_month="1991-03")
    response = client_for("staff_nongan").post(step, data)
    assert response.status_code == 200
    assert "与身份证号中的出生日期" in response.content.decode()
    assert not Application.objects.filter(candidate=candidate).exists()


def test_reg3_entry_pages_are_for_clerks_only(client_for, candidate):
    assert client_for("examiner").get(ENTER).status_code == 403
    assert client_for("candidate").get(ENTER).status_code == 403
    step = reverse("registration:enter_application", args=[candidate.pk])
    assert client_for("hr_official").get(step).status_code == 403


# --- Admin ----------------------------------------------------------------------------------


def test_admin_pages_of_registration_models_open_for_province_admin(client_for, submitted, occupation):
    FeeSchedule.objects.create(occupation=occupation("汽车维修工"), level=5, amount=Decimal("80"),
                               effective_from=datetime.date(2017, 1, 1))
    client = client_for("province_admin")
    transition = submitted.transitions.last()
    material = submitted.materials.first()
    for url in (
        "/admin/registration/",
        "/admin/registration/application/",
        "/admin/registration/application/?q=王考生&status__exact=submitted",
        f"/admin/registration/application/{submitted.pk}/change/",
        "/admin/registration/material/",
        f"/admin/registration/material/{material.pk}/change/",
        "/admin/registration/applicationtransition/",
        f"/admin/registration/applicationtransition/{transition.pk}/change/",
        "/admin/registration/feeschedule/",
        "/admin/registration/feeschedule/add/",
        "/admin/registration/extrasessionrequest/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    listing = client.get("/admin/registration/application/").content.decode()
    assert "鉴定申报" in listing and submitted.id_number not in listing


def test_admin_audit_cannot_be_changed_or_deleted(client_for, submitted):
    client = client_for("province_admin")
    transition = submitted.transitions.last()
    assert client.get(f"/admin/registration/applicationtransition/{transition.pk}/delete/").status_code == 403
    client.post(f"/admin/registration/applicationtransition/{transition.pk}/change/", {"reason": "改写"})
    transition.refresh_from_db()
    assert transition.reason == ""
    assert ApplicationTransition.objects.filter(application=submitted).count() == 2
    assert client.get("/admin/registration/applicationtransition/add/").status_code == 403


def test_admin_is_scoped_by_the_engine(client, submitted, centers):
    clerk = User.objects.create_user(
        "yushu_admin_clerk", password=DEMO_PASSWORD, role=Role.CENTER_STAFF, center=centers["yushu"], is_staff=True,
    )
    clerk.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(clerk)
    response = client.get("/admin/registration/application/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert client.get(f"/admin/registration/application/{submitted.pk}/change/").status_code == 302
