"""The candidate's pages through the test client: sign-up (REG-5), choosing what to apply for and
who appraises it (ORG via the authority engine, CAL-3, CAL-5), the REG-1 form, materials (REG-2),
eligibility (REG-5, REG-6), submit, edit, withdraw, and who may see what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD
from appraisal.models import RetakeDay, RetakeKind, User
from registration import services
from registration.models import Application, ApplicationTransition, Material, MaterialKind, Status
from tests.registration.conftest import (
    good_file,
    image_bytes,
    open_registration_date,
    pdf_bytes,
    upload,
)


def valid_id(first17):
    return first17 + ric.calc_check_digit(first17 + "0")


NEW_ID = valid_id("22012219950101002")  # 农安县, born 1995-01-01, female


@pytest.fixture(autouse=True)
def media(tmp_media):
    return tmp_media


def stored_files(media):
    folder = media / "materials"
    return list(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def as_candidate(client, candidate):
    client.force_login(candidate)
    return client


def signup_data(centers, **overrides):
    data = {
        "full_name": "李新生", "id_number": NEW_ID, "phone": "13900000001", "password1": "Changbai-2017",
        "password2": "Changbai-2017", "region": centers["nongan"].pk, "school": "", "graduation_date": "",
        "employer_body": "", "employer_name": "农安县某饭店",
    }
    data.update(overrides)
    return data


def reg1_post(day, **overrides):
    """What the browser posts on step two for 汽车维修工 level 5 (the demo candidate, born 1990-03, male)."""
    data = {
        "occupation": "", "level": "5", "target": f"day-{day.pk}",
        "name": DEMO_CANDIDATE["full_name"], "gender": "M", "birth_month": "1990-03", "education": "senior",
        "employer_name": DEMO_CANDIDATE["employer_name"], "current_occupation": "汽车修理",
        "phone": DEMO_CANDIDATE["phone"], "held_certificate": "", "held_certificate_level": "",
        "held_certificate_issuer": "", "held_certificate_date": "", "professional_title": "",
        "years_in_occupation": "4", "work_history": "2012年至今在农安县某汽车维修有限公司从事汽车维修工作。",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Sign-up (REG-5) ---------------------------------------------------------------------------


def test_reg5_signup_creates_candidate_logs_in_and_lands_on_my_applications(client, centers):
    response = client.post(reverse("registration:signup"), signup_data(centers), follow=True)

    assert response.redirect_chain[-1][0] == reverse("registration:my_applications")
    user = User.objects.get(username=NEW_ID)
    assert user.role == "candidate" and user.id_number == NEW_ID and user.region == centers["nongan"]
    assert user.check_password("Changbai-2017")
    assert response.context["user"] == user  # logged in
    assert "我的申报" in response.content.decode()


def test_reg5_signup_id_number_is_the_login_name(client, centers):
    client.post(reverse("registration:signup"), signup_data(centers))
    client.logout()
    assert client.login(username=NEW_ID, password="Changbai-2017")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")}, "身份证号校验位错误"),
        ({"id_number": DEMO_CANDIDATE["id_number"]}, "该身份证号已注册，请直接登录。"),
        ({"password2": "Changbai-2018"}, "两次输入的密码不一致。"),
        ({"password1": "12345678", "password2": "12345678"}, "密码"),
        ({"region": ""}, "请选择所在地区。"),
        ({"phone": "abc"}, "请输入正确的联系电话"),
    ],
    ids=["bad-checksum", "already-registered", "passwords-differ", "weak-password", "no-region", "bad-phone"],
)
def test_reg5_signup_bad_input_shows_chinese_error_and_saves_nothing(client, centers, overrides, message):
    before = User.objects.count()
    response = client.post(reverse("registration:signup"), signup_data(centers, **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


def test_signup_region_select_is_grouped_by_city_in_division_code_order(client, db):
    html = client.get(reverse("registration:signup")).content.decode()
    assert html.index('<optgroup label="长春市">') < html.index('<optgroup label="吉林市">') < html.index(
        '<optgroup label="延边朝鲜族自治州">'
    )
    assert "长春市本级（市区）" in html and "农安县" in html


# --- 我的申报 ------------------------------------------------------------------------------------


def test_my_applications_lists_own_with_status_center_and_return_reason(as_candidate, submitted, demo_user):
    services.return_application(submitted, actor=demo_user("staff_nongan"), reason="照片背景不是白色，请重新上传。")

    html = as_candidate.get(reverse("registration:my_applications")).content.decode()

    assert "汽车维修工" in html and "退回修改" in html
    assert "农安县职业技能鉴定中心" in html
    assert "照片背景不是白色，请重新上传。" in html
    assert reverse("registration:apply") in html  # 新建申报


def test_my_applications_is_for_candidates_only(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    assert client.get(reverse("registration:my_applications")).status_code == 403
    assert client.get(reverse("registration:apply")).status_code == 403


def test_my_applications_needs_login(client):
    response = client.get(reverse("registration:my_applications"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_applications_constant_queries(as_candidate, candidate, centers, occupation, open_day, form_data,
                                          django_assert_max_num_queries):
    for days in (40, 50, 60):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=5,
            target=open_day(centers["nongan"], days_ahead=days), **form_data,
        )
    with django_assert_max_num_queries(8):
        response = as_candidate.get(reverse("registration:my_applications"))
    assert response.content.decode().count('data-testid="status"') == 3


# --- New application: step one (choose) --------------------------------------------------------


def test_choose_shows_responsible_center_reason_and_open_days(as_candidate, centers, occupation, open_day):
    day = open_day(centers["nongan"])
    response = as_candidate.get(
        reverse("registration:apply"), {"occupation": occupation("汽车维修工").pk, "level": 5}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["choice"].center == centers["nongan"]
    assert "农安县职业技能鉴定中心负责本县（市）初级工、中级工鉴定。" in html
    assert f"target=day-{day.pk}" in html
    assert day.registration_deadline.isoformat() in html


def test_org4_level_two_of_a_daily_occupation_goes_to_the_province(as_candidate, centers, occupation):
    response = as_candidate.get(reverse("registration:apply"), {"occupation": occupation("汽车维修工").pk, "level": 2})

    assert response.context["choice"].center == centers["province"]
    assert "全省技师、高级技师鉴定由省职业技能鉴定中心负责。" in response.content.decode()


def test_occ4_cancelled_occupation_without_retake_shows_the_refusal(as_candidate, occupation):
    response = as_candidate.get(reverse("registration:apply"), {"occupation": occupation("物流师").pk, "level": 4})

    assert response.status_code == 400
    assert response.context["choice"] is None
    assert "“物流师”已于2016-12-01取消，不再受理鉴定申报。" in response.content.decode()


def test_cal5_cancelled_occupation_with_retake_goes_to_the_province(as_candidate, centers, occupation):
    response = as_candidate.get(
        reverse("registration:apply"), {"occupation": occupation("物流师").pk, "level": 4, "retake": "on"}
    )
    assert response.context["choice"].center == centers["province"]
    # The 2017 retake days are past: nothing to apply for now, and the page says so.
    assert 'data-testid="no-open-appraisals"' in response.content.decode()


def test_cal5_retake_of_an_active_occupation_is_refused(as_candidate, occupation):
    response = as_candidate.get(
        reverse("registration:apply"), {"occupation": occupation("汽车维修工").pk, "level": 5, "retake": "on"}
    )
    assert response.status_code == 400
    assert "补考仅适用于国务院取消的职业" in response.content.decode()


def test_occ3_level_the_occupation_does_not_offer(as_candidate, occupation):
    response = as_candidate.get(reverse("registration:apply"), {"occupation": occupation("育婴员").pk, "level": 2})

    assert response.status_code == 400
    assert "“育婴员”不设二级/技师鉴定。" in response.content.decode()
    assert response.context["choose"].errors["level"]


def test_choose_lists_cancelled_occupations_only_in_the_retake_group(as_candidate):
    html = as_candidate.get(reverse("registration:apply")).content.decode()
    group = html[html.index('<optgroup label="已取消职业（仅限补考）">'):]
    group = group[: group.index("</optgroup>")]
    assert "物流师" in group and "汽车维修工" not in group


def test_step_two_refuses_a_target_that_is_not_open(as_candidate, centers, occupation, open_day):
    day = open_day(centers["changchun"])  # not the candidate's center for level 5
    response = as_candidate.get(
        reverse("registration:apply"),
        {"occupation": occupation("汽车维修工").pk, "level": 5, "target": f"day-{day.pk}"},
    )
    assert response.status_code == 400
    assert "所选鉴定不存在或已截止报名，请重新选择。" in response.content.decode()
    assert response.context["form"] is None


@pytest.fixture
def open_retake_day(db):
    """A unified retake day (CAL-5, 物流师 and the like) far enough ahead that registration is open."""
    day = open_registration_date()
    retake_day, _created = RetakeDay.objects.get_or_create(
        year=day.year, kind=RetakeKind.UNIFIED, defaults={"day": day, "failed_in_year": 2016}
    )
    return retake_day


def test_cal5_retake_application_needs_the_failed_year(as_candidate, candidate, centers, occupation,
                                                        open_retake_day):
    logistics = occupation("物流师")
    query = {"occupation": logistics.pk, "level": 4, "retake": "on"}
    html = as_candidate.get(reverse("registration:apply"), query).content.decode()
    assert f"target=retake-{open_retake_day.pk}" in html

    form_page = as_candidate.get(reverse("registration:apply"), {**query, "target": f"retake-{open_retake_day.pk}"})
    assert "补考仅限2016年参加鉴定成绩不合格的考生。" in form_page.content.decode()
    data = reg1_post(open_retake_day, **query, target=f"retake-{open_retake_day.pk}", retake_original_year="2015",
                     retake_original_ticket="2016220000123", retake_subjects="理论知识")
    refused = as_candidate.post(reverse("registration:apply"), data)
    assert refused.status_code == 400
    assert "补考仅限2016年参加鉴定成绩不合格的考生" in str(refused.context["form"].errors["retake_original_year"])
    assert Application.objects.count() == 0

    data["retake_original_year"] = "2016"
    created = as_candidate.post(reverse("registration:apply"), data)
    assert created.status_code == 302
    application = Application.objects.get(candidate=candidate)
    assert application.is_retake and application.retake_day == open_retake_day
    assert application.center == centers["province"] and application.retake_subjects == "理论知识"


def test_cal5_retake_form_requires_the_retake_fields(as_candidate, occupation, open_retake_day):
    query = {"occupation": occupation("物流师").pk, "level": 4, "retake": "on"}
    data = reg1_post(open_retake_day, **query, target=f"retake-{open_retake_day.pk}")
    response = as_candidate.post(reverse("registration:apply"), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"retake_original_year", "retake_original_ticket",
                                                    "retake_subjects"}


# --- New application: step two (the REG-1 form) -----------------------------------------------


def test_reg1_step_two_prefills_name_and_shows_the_id_number_read_only(as_candidate, centers, occupation, open_day):
    day = open_day(centers["nongan"])
    response = as_candidate.get(
        reverse("registration:apply"),
        {"occupation": occupation("汽车维修工").pk, "level": 5, "target": f"day-{day.pk}"},
    )
    form = response.context["form"]
    html = response.content.decode()
    assert form["name"].value() == DEMO_CANDIDATE["full_name"]
    assert f'value="{DEMO_CANDIDATE["id_number"]}"' in html and "disabled" in str(form["id_number"])
    assert 'type="month"' in str(form["birth_month"])


def test_reg1_id_number_cannot_be_changed_by_posting_it(as_candidate, candidate, centers, occupation, open_day):
    day = open_day(centers["nongan"])
    data = reg1_post(day, occupation=occupation("汽车维修工").pk, id_number=NEW_ID)
    as_candidate.post(reverse("registration:apply"), data)
    application = Application.objects.get(candidate=candidate)
    assert application.id_number == DEMO_CANDIDATE["id_number"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"birth_month": "1991-03"}, "birth_month", "与身份证号中的出生日期（1990年03月15日）不一致"),
        ({"birth_month": f"{timezone.localdate().year + 1}-01"}, "birth_month", "出生年月不能是未来的日期。"),
        ({"birth_month": "1990/3"}, "birth_month", "请按“年-月”填写出生年月"),
        ({"gender": "F"}, "gender", "性别与身份证号不一致。"),
        ({"years_in_occupation": "-1"}, "years_in_occupation", "工作年限不能为负数。"),
        ({"held_certificate_date": "2099-01-01"}, "held_certificate_date", "颁证时间不能是未来的日期。"),
        ({"work_history": ""}, "work_history", "该字段是必填项。"),
    ],
    ids=["birth-month-vs-id", "future-birth-month", "bad-month-format", "gender-vs-id", "negative-years",
         "future-certificate", "empty-history"],
)
def test_reg5_bad_form_input_shows_error_on_the_field_and_saves_nothing(
    as_candidate, centers, occupation, open_day, overrides, field, message
):
    day = open_day(centers["nongan"])
    data = reg1_post(day, occupation=occupation("汽车维修工").pk, **overrides)
    response = as_candidate.post(reverse("registration:apply"), data)

    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert message in response.content.decode()
    assert Application.objects.count() == 0
    assert ApplicationTransition.objects.count() == 0


def test_reg5_second_live_application_for_the_same_day_is_a_non_field_error(
    as_candidate, draft, occupation
):
    data = reg1_post(draft.scheduled_day, occupation=occupation("汽车维修工").pk)
    response = as_candidate.post(reverse("registration:apply"), data)

    assert response.status_code == 400
    assert "您已申报过本次鉴定的该职业、等级，不能重复申报。" in response.context["form"].non_field_errors()
    assert Application.objects.count() == 1


# --- The happy path ---------------------------------------------------------------------------


def test_reg1_reg2_happy_path_choose_create_upload_submit(as_candidate, candidate, centers, occupation, open_day,
                                                          media):
    car = occupation("汽车维修工")
    day = open_day(centers["nongan"])
    apply_url = reverse("registration:apply")

    step_one = as_candidate.get(apply_url, {"occupation": car.pk, "level": 5})
    assert f"target=day-{day.pk}" in step_one.content.decode()
    step_two = as_candidate.get(apply_url, {"occupation": car.pk, "level": 5, "target": f"day-{day.pk}"})
    assert step_two.status_code == 200 and step_two.context["form"] is not None

    created = as_candidate.post(apply_url, reg1_post(day, occupation=car.pk))
    application = Application.objects.get(candidate=candidate)
    detail_url = reverse("registration:application_detail", args=[application.pk])
    assert created.status_code == 302 and created["Location"] == detail_url
    assert application.status == Status.DRAFT and application.center == centers["nongan"]
    assert application.scheduled_day == day and application.birth_month == datetime.date(1990, 3, 1)

    detail = as_candidate.get(detail_url).content.decode()
    assert "缺少材料：身份证复印件、学历证书复印件、小二寸彩色免冠照片、工作年限证明。" in detail
    # Camera or gallery: no capture attribute, so a phone offers both (a studio photo is common).
    assert 'accept="image/jpeg,image/png"' in detail and 'capture="user"' not in detail
    assert 'accept="image/jpeg,image/png,application/pdf"' in detail

    required = services.required_materials(application)
    assert MaterialKind.WORK_PROOF in required  # REG-6: level 5 asks for one year in the occupation
    for kind in required:
        response = as_candidate.post(
            reverse("registration:material_upload", args=[application.pk]), {"kind": kind, "file": good_file(kind)}
        )
        assert response.status_code == 302, messages_of(response)
    assert set(application.materials.values_list("kind", flat=True)) == set(required)
    assert len(stored_files(media)) == len(required)

    detail = as_candidate.get(detail_url).content.decode()
    assert "材料齐全。" in detail and "✗" not in detail
    for material in application.materials.all():  # files only through the permission-checked view
        assert reverse("registration:material_file", args=[material.pk]) in detail
    assert "/media/" not in detail

    response = as_candidate.post(reverse("registration:submit", args=[application.pk]), follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert "申报已提交，请等待鉴定机构审核。" in messages_of(response)
    html = response.content.decode()
    assert 'data-testid="application-status">待审核<' in html
    assert reverse("registration:submit", args=[application.pk]) not in html  # no 提交 button any more
    assert reverse("registration:application_edit", args=[application.pk]) not in html
    assert "（提交时核验结果）" in html  # the stored snapshot


def test_detail_shows_audit_trail_and_eligibility_marks(as_candidate, submitted, demo_user):
    services.return_application(submitted, actor=demo_user("staff_nongan"), reason="学历证书复印件不清晰")
    html = as_candidate.get(reverse("registration:application_detail", args=[submitted.pk])).content.decode()

    trail = html[html.index('data-testid="transitions"'):]
    assert trail.index("草稿") < trail.index("待审核") < trail.index("退回修改")
    assert "原因：学历证书复印件不清晰" in trail
    assert "✓" in html  # live checks again, the application is editable once more
    assert reverse("registration:application_edit", args=[submitted.pk]) in html


# --- Materials: checked by content and size (REG-2) --------------------------------------------


def test_reg2_renamed_pdf_uploaded_as_photo_is_refused_and_nothing_stored(as_candidate, draft, media):
    response = as_candidate.post(
        reverse("registration:material_upload", args=[draft.pk]),
        {"kind": MaterialKind.PHOTO, "file": upload("photo.jpg", pdf_bytes(), "image/jpeg")},
    )
    assert response.status_code == 400
    assert "照片必须是JPEG或PNG图片，上传的文件实际是PDF文件。" in response.content.decode()
    assert Material.objects.count() == 0
    assert stored_files(media) == []


def test_reg2_oversized_file_is_refused_and_nothing_stored(as_candidate, draft, media):
    big = pdf_bytes()[:-7] + b"0" * (5 * 1024 * 1024 + 10) + b"\n%%EOF\n"
    response = as_candidate.post(
        reverse("registration:material_upload", args=[draft.pk]),
        {"kind": MaterialKind.ID_CARD, "file": upload("id.pdf", big, "application/pdf")},
    )
    assert response.status_code == 400
    assert "身份证复印件过大" in response.content.decode() and "不能超过 5 MB" in response.content.decode()
    assert Material.objects.count() == 0
    assert stored_files(media) == []


def test_reg2_landscape_photo_is_refused(as_candidate, draft):
    response = as_candidate.post(
        reverse("registration:material_upload", args=[draft.pk]),
        {"kind": MaterialKind.PHOTO, "file": upload("p.jpg", image_bytes(480, 330), "image/jpeg")},
    )
    assert response.status_code == 400
    assert "照片应为竖版小二寸" in response.content.decode()
    assert Material.objects.count() == 0


def test_reg2_upload_without_a_file_says_so(as_candidate, draft):
    response = as_candidate.post(reverse("registration:material_upload", args=[draft.pk]), {"kind": "photo"})
    assert response.status_code == 400
    assert "请选择要上传的文件。" in response.content.decode()


def test_reg2_reupload_replaces_the_material(as_candidate, draft):
    url = reverse("registration:material_upload", args=[draft.pk])
    as_candidate.post(url, {"kind": "photo", "file": good_file(MaterialKind.PHOTO)})
    as_candidate.post(url, {"kind": "photo", "file": upload("p2.png", image_bytes(fmt="PNG"), "image/png")})
    photos = Material.objects.filter(application=draft, kind="photo")
    assert photos.count() == 1 and photos.get().content_type == "image/png"


def test_reg2_no_uploads_once_submitted(as_candidate, submitted):
    response = as_candidate.post(
        reverse("registration:material_upload", args=[submitted.pk]), {"kind": "photo", "file": good_file("photo")}
    )
    assert response.status_code == 400
    assert "不能更换材料" in response.content.decode()


# --- Submit, edit, withdraw ---------------------------------------------------------------------


def test_reg5_submit_with_missing_materials_shows_the_reasons(as_candidate, draft):
    response = as_candidate.post(reverse("registration:submit", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert any("申报未能提交" in m and "缺少材料" in m for m in messages_of(response))


def test_reg5_double_submit_is_refused_and_audited_once(as_candidate, complete_draft):
    url = reverse("registration:submit", args=[complete_draft.pk])
    first = as_candidate.post(url, follow=True)
    second = as_candidate.post(url, follow=True)

    assert "申报已提交，请等待鉴定机构审核。" in messages_of(first)
    assert any("申报当前状态为“待审核”，不能提交。" in m for m in messages_of(second))
    assert ApplicationTransition.objects.filter(application=complete_draft, to_status=Status.SUBMITTED).count() == 1


def test_submit_and_withdraw_need_post_and_a_get_goes_back_to_the_application(as_candidate, draft):
    # A reloaded or shared action address lands on the application, not on a blank 405; nothing happens.
    detail = reverse("registration:application_detail", args=[draft.pk])
    for name in ("submit", "withdraw", "material_upload"):
        response = as_candidate.get(reverse(f"registration:{name}", args=[draft.pk]))
        assert (response.status_code, response["Location"]) == (302, detail)
    assert as_candidate.put(reverse("registration:submit", args=[draft.pk])).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_reg1_edit_a_draft(as_candidate, draft):
    url = reverse("registration:application_edit", args=[draft.pk])
    form = as_candidate.get(url).context["form"]
    assert form["birth_month"].value() == datetime.date(1990, 3, 1)
    assert 'value="1990-03"' in str(form["birth_month"])

    data = reg1_post(draft.scheduled_day, years_in_occupation="6", professional_title="助理工程师")
    response = as_candidate.post(url, data)
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.years_in_occupation == 6 and draft.professional_title == "助理工程师"


def test_reg5_edit_rejects_birth_month_contradicting_id(as_candidate, draft):
    url = reverse("registration:application_edit", args=[draft.pk])
    response = as_candidate.post(url, reg1_post(draft.scheduled_day, birth_month="1989-03"))
    draft.refresh_from_db()
    assert response.status_code == 400
    assert "不一致" in response.content.decode()
    assert draft.birth_month == datetime.date(1990, 3, 1)


def test_edit_is_refused_once_submitted(as_candidate, submitted):
    response = as_candidate.get(reverse("registration:application_edit", args=[submitted.pk]), follow=True)
    assert "申报当前状态为“待审核”，不能修改。" in messages_of(response)
    assert response.redirect_chain[-1][0] == reverse("registration:application_detail", args=[submitted.pk])


def test_withdraw_a_submitted_application(as_candidate, submitted):
    response = as_candidate.post(reverse("registration:withdraw", args=[submitted.pk]), follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert "申报已撤回。" in messages_of(response)
    html = response.content.decode()
    assert reverse("registration:withdraw", args=[submitted.pk]) not in html
    assert ApplicationTransition.objects.filter(application=submitted, to_status=Status.WITHDRAWN).count() == 1


# --- Who may see what -------------------------------------------------------------------------


@pytest.fixture
def other_candidate(centers):
    return services.register_candidate(
        full_name="张别人", id_number=NEW_ID, phone="13900000002", password=DEMO_PASSWORD, region=centers["nongan"]
    )


def test_org8_another_candidate_guessing_the_id_gets_404(client, other_candidate, draft):
    client.force_login(other_candidate)
    for name in ("application_detail", "application_edit"):
        assert client.get(reverse(f"registration:{name}", args=[draft.pk])).status_code == 404
    for name in ("submit", "withdraw"):
        assert client.post(reverse(f"registration:{name}", args=[draft.pk])).status_code == 404
    response = client.post(
        reverse("registration:material_upload", args=[draft.pk]), {"kind": "photo", "file": good_file("photo")}
    )
    assert response.status_code == 404
    assert Material.objects.count() == 0
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "汽车维修工" not in client.get(reverse("registration:my_applications")).content.decode()


def test_detail_of_a_missing_application_is_404(as_candidate):
    assert as_candidate.get(reverse("registration:application_detail", args=[999999])).status_code == 404
