"""Usability fixes of the candidate's pages found by exploratory testing on a phone: a failed
upload shows its reason at the top and lands on the material (REG-2), a returned or rejected
application shows the reviewer's reason first (REG-5), sign-up reports every problem at once
(REG-5), step one refuses an appraisal already applied for (REG-5: one live application per
person, occupation, level and session), the REG-1 form is prefilled from the ID number (REG-1), and
the exam pages' duplicate seat-chart link and empty breadcrumb."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from appraisal.demo import DEMO_CANDIDATE
from appraisal.models import Occupation, RetakeDay, RetakeKind, Role, ScheduledAppraisalDay, User
from exams import services as exam_services
from registration import services
from registration.models import Application, ApplicationTransition, Material, MaterialKind
from tests.registration.conftest import ensure_calendar_known, good_file, image_bytes, pdf_bytes, upload


def valid_id(first17):
    return first17 + ric.calc_check_digit(first17 + "0")


NEW_ID = valid_id("22012219950101002")  # 农安县, born 1995-01-01, female
BAD_CHECKSUM_ID = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")


@pytest.fixture(autouse=True)
def media(tmp_media):
    return tmp_media


def stored_files(media):
    folder = media / "materials"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def as_candidate(client, candidate):
    client.force_login(candidate)
    return client


def html_of(response):
    return response.content.decode()


# --- 6. A failed upload on a phone: the reason on top, the page lands on the material (REG-2) ----


def test_reg2_failed_upload_shows_reason_on_top_and_anchors_the_material(as_candidate, draft, media):
    url = reverse("registration:material_upload", args=[draft.pk])
    assert as_candidate.post(url, {"kind": "photo", "file": good_file(MaterialKind.PHOTO)}).status_code == 302
    before = Material.objects.get(application=draft, kind="photo")
    files_before = stored_files(media)

    response = as_candidate.post(
        url, {"kind": "photo", "file": upload("wide.jpg", image_bytes(480, 330), "image/jpeg")}
    )

    assert response.status_code == 400
    html = html_of(response)
    banner = re.search(r'<ul class="messages" data-testid="upload-failed">(.*?)</ul>', html, re.S)
    assert banner, "no banner at the top"
    assert "上传失败：小二寸彩色免冠照片，照片应为竖版小二寸" in banner.group(1)
    # The banner comes before everything else on the page, the material block carries the reason too.
    assert html.index('data-testid="upload-failed"') < html.index("<h1>") < html.index('id="materials"')
    block = html[html.index('id="material-photo"'):]
    block = block[:block.index("</li>")]
    assert "照片应为竖版小二寸" in block
    assert re.search(r'<input type="file" name="file" id="file-photo"[^>]* aria-invalid="true"', block)
    # Every upload form posts to the page's own address at its anchor, so the browser lands on the
    # block that failed, at the address the candidate was on.
    page = reverse("registration:application_detail", args=[draft.pk])
    assert f'action="{page}#material-photo"' in html
    assert f'action="{page}#material-id_card"' in html
    # Nothing half-saved: the earlier photo is still there, unchanged; no file was added.
    after = Material.objects.get(application=draft, kind="photo")
    assert (after.pk, after.file.name, after.size, after.original_name) == (
        before.pk, before.file.name, before.size, before.original_name
    )
    assert stored_files(media) == files_before


def test_reg2_failed_upload_of_a_fake_pdf_names_the_material_and_the_reason(as_candidate, draft, media):
    response = as_candidate.post(
        reverse("registration:material_upload", args=[draft.pk]),
        {"kind": MaterialKind.ID_CARD, "file": upload("id.pdf", b"not really a pdf", "application/pdf")},
    )
    assert response.status_code == 400
    banner = html_of(response).split('data-testid="upload-failed"')[1].split("</ul>")[0]
    assert "上传失败：身份证复印件，" in banner and 'href="#material-id_card"' in banner
    assert Material.objects.count() == 0 and stored_files(media) == []


def test_reg2_upload_without_file_shows_the_banner_too(as_candidate, draft):
    response = as_candidate.post(reverse("registration:material_upload", args=[draft.pk]), {"kind": "education"})
    assert response.status_code == 400
    assert "上传失败：学历证书复印件，请选择要上传的文件。" in html_of(response)


def test_reg2_successful_upload_has_no_failure_banner(as_candidate, draft):
    response = as_candidate.post(
        reverse("registration:material_upload", args=[draft.pk]),
        {"kind": MaterialKind.ID_CARD, "file": upload("id.pdf", pdf_bytes(), "application/pdf")}, follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("#materials")
    assert 'data-testid="upload-failed"' not in html_of(response)
    assert "已上传：身份证复印件。" in html_of(response)


# --- 7. The reviewer's reason, prominently, on a returned or rejected application (REG-5) --------


def test_reg5_returned_application_shows_the_latest_return_reason_on_top(as_candidate, submitted, demo_user):
    staff = demo_user("staff_nongan")
    candidate = submitted.candidate
    services.return_application(submitted, actor=staff, reason="照片背景不是白色，请重新上传。")
    services.submit_application(Application.objects.get(pk=submitted.pk), actor=candidate)
    services.return_application(Application.objects.get(pk=submitted.pk), actor=staff, reason="工作年限证明缺少公章。")

    html = html_of(as_candidate.get(reverse("registration:application_detail", args=[submitted.pk])))

    box = html.split('data-testid="decision-reason"')[1].split("</div>")[0]
    assert "退回原因：</strong>工作年限证明缺少公章。" in box
    assert "照片背景不是白色" not in box  # the earlier reason stays in the history only
    assert "请按上述原因修改申报表或重新上传材料，然后再次提交。" in box
    assert html.index('data-testid="decision-reason"') < html.index('id="materials"')


def test_reg5_rejected_application_shows_the_rejection_reason(as_candidate, submitted, demo_user):
    services.reject_application(submitted, actor=demo_user("staff_nongan"), reason="从事本职业年限不足，不符合申报条件。")
    html = html_of(as_candidate.get(reverse("registration:application_detail", args=[submitted.pk])))
    box = html.split('data-testid="decision-reason"')[1].split("</div>")[0]
    assert "不通过原因：</strong>从事本职业年限不足，不符合申报条件。" in box
    assert "再次提交" not in box


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_no_reason_box_on_other_states(request, as_candidate, state):
    application = request.getfixturevalue(state)
    html = html_of(as_candidate.get(reverse("registration:application_detail", args=[application.pk])))
    assert 'data-testid="decision-reason"' not in html


# --- 9. Sign-up reports every problem at once and keeps what was typed (REG-5) -------------------


from tests.registration.test_candidate_pages import signup_data  # noqa: E402 (the same sign-up form data)


def test_reg5_signup_reports_all_errors_in_one_submit_and_keeps_the_values(client, centers):
    before = User.objects.count()
    response = client.post(reverse("registration:signup"), signup_data(
        centers, id_number=BAD_CHECKSUM_ID, password2="Changbai-2018", region="", phone="abc",
    ))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"id_number", "password2", "region", "phone"}
    assert "身份证号校验位错误，请核对后重新输入。" in errors["id_number"]
    assert "两次输入的密码不一致。" in errors["password2"]
    assert "请选择所在地区。" in errors["region"]
    html = html_of(response)
    summary = html.split('data-testid="signup-errors"')[1].split("</div>")[0]
    assert "请修改以下4处后重新提交" in summary
    for message in ("身份证号校验位错误", "两次输入的密码不一致。", "请选择所在地区。", "请输入正确的联系电话"):
        assert message in summary
    # What was typed is kept (the passwords are not sent back, by design).
    assert f'value="{BAD_CHECKSUM_ID}"' in html and 'value="李新生"' in html and 'value="农安县某饭店"' in html
    assert "Changbai-2017" not in html
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


def test_reg5_signup_already_registered_and_weak_password_together(client, centers):
    response = client.post(reverse("registration:signup"), signup_data(
        centers, id_number=DEMO_CANDIDATE["id_number"], password1="12345678", password2="12345678",
    ))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["id_number"] == ["该身份证号已注册，请直接登录。"]
    assert "password1" in errors
    assert User.objects.filter(id_number=DEMO_CANDIDATE["id_number"]).count() == 1


def test_reg5_signup_lowercase_x_is_normalised_and_saved_by_the_service(client, centers):
    id_x = next(valid_id(f"22012219900101{n:03d}") for n in range(1000)
                if valid_id(f"22012219900101{n:03d}").endswith("X"))
    response = client.post(reverse("registration:signup"), signup_data(centers, id_number=id_x.lower()))
    assert response.status_code == 302
    assert User.objects.get(username=id_x).role == Role.CANDIDATE


def test_reg5_signup_school_instead_of_region_is_accepted(client, centers):
    response = client.post(reverse("registration:signup"), signup_data(centers, region="", school=centers["school"].pk))
    assert response.status_code == 302
    assert User.objects.get(username=NEW_ID).school == centers["school"]


def test_signup_marks_required_fields(client, db):
    html = html_of(client.get(reverse("registration:signup")))
    for field_id, label in [("id_full_name", "姓名"), ("id_id_number", "身份证号"), ("id_phone", "联系电话"),
                            ("id_password1", "密码"), ("id_password2", "再次输入密码"), ("id_region", "所在地区")]:
        assert re.search(rf'<label for="{field_id}">{label}<span class="req"[^>]*>\*</span></label>', html), label
    assert '<label for="id_employer_name">工作单位</label>' in html  # optional: no star
    assert "带<span class=\"req\">*</span>的为必填项" in html


# --- 13. Step one refuses an appraisal already applied for (REG-5) --------------------------------


def apply_query(draft, **extra):
    return {"occupation": draft.occupation_id, "level": draft.level, **extra}


def test_reg5_step_one_marks_the_day_already_applied_for(as_candidate, draft, centers, open_day):
    other_day = open_day(centers["nongan"], days_ahead=80)
    html = html_of(as_candidate.get(reverse("registration:apply"), apply_query(draft)))

    options = html.split('data-testid="open-appraisals"')[1].split("</ul>")[0]
    taken = [li for li in options.split("<li")[1:] if 'data-applied="1"' in li]
    assert len(taken) == 1
    assert "已申报" in taken[0] and "您已申报过本次鉴定的该职业、等级，不能重复申报。" in taken[0]
    assert reverse("registration:application_detail", args=[draft.pk]) in taken[0]
    assert f"target=day-{draft.scheduled_day_id}" not in html  # not selectable
    assert f"target=day-{other_day.pk}" in html  # another day still is


def test_reg5_choosing_the_day_already_applied_for_is_refused_before_the_form(as_candidate, draft):
    response = as_candidate.get(
        reverse("registration:apply"), apply_query(draft, target=f"day-{draft.scheduled_day_id}")
    )
    assert response.status_code == 400
    assert response.context["form"] is None  # no REG-1 form to fill in for nothing
    errors = html_of(response).split('data-testid="choose-errors"')[1].split("</div></div>")[0]
    assert "您已申报过本次鉴定的该职业、等级，不能重复申报。" in errors
    assert reverse("registration:application_detail", args=[draft.pk]) in errors
    assert Application.objects.count() == 1


def test_reg5_other_level_and_withdrawn_application_do_not_block(as_candidate, draft, candidate):
    other_level = as_candidate.get(reverse("registration:apply"), {"occupation": draft.occupation_id, "level": 4})
    assert 'data-applied="1"' not in html_of(other_level)

    services.withdraw_application(draft, actor=candidate)
    response = as_candidate.get(
        reverse("registration:apply"), apply_query(draft, target=f"day-{draft.scheduled_day_id}")
    )
    assert response.status_code == 200 and response.context["form"] is not None


def test_cal5_retake_once_per_occupation_is_refused_at_step_one(as_candidate, candidate, occupation, form_data):
    day = timezone.localdate() + datetime.timedelta(days=45)
    for year in {timezone.localdate().year, day.year}:
        ensure_calendar_known(year)
    retake_day, _ = RetakeDay.objects.get_or_create(
        year=day.year, kind=RetakeKind.UNIFIED, defaults={"day": day, "failed_in_year": 2016}
    )
    logistics = occupation("物流师")
    services.create_application(
        candidate=candidate, actor=candidate, occupation=logistics, level=4, target=retake_day,
        retake_original_year=retake_day.failed_in_year, retake_original_ticket="2016220000123",
        retake_subjects="理论知识", **form_data,
    )
    query = {"occupation": logistics.pk, "level": 4, "retake": "on"}
    html = html_of(as_candidate.get(reverse("registration:apply"), query))
    assert 'data-applied="1"' in html and f"target=retake-{retake_day.pk}" not in html

    refused = as_candidate.get(reverse("registration:apply"), {**query, "target": f"retake-{retake_day.pk}"})
    assert refused.status_code == 400 and refused.context["form"] is None
    assert "同一职业只能申报一次补考。" in html_of(refused)


# --- 17. The REG-1 form starts from the ID number; exam pages ------------------------------------


def test_reg1_gender_and_birth_month_prefilled_from_the_id_number(as_candidate, centers, occupation, open_day):
    day = open_day(centers["nongan"])
    response = as_candidate.get(
        reverse("registration:apply"), {"occupation": occupation("汽车维修工").pk, "level": 5, "target": f"day-{day.pk}"}
    )
    form = response.context["form"]
    assert form["gender"].value() == "M"  # 220122199003150019: the 17th digit is odd
    assert form["birth_month"].value() == datetime.date(1990, 3, 1)
    html = html_of(response)
    assert re.search(r'<input type="month" name="birth_month" value="1990-03"', html)
    assert re.search(r'<option value="M" selected>', html)


def test_reg1_prefill_for_a_woman(client, centers, occupation, open_day):
    woman = User.objects.create_user(
        username=NEW_ID, password="Changbai-2017", role=Role.CANDIDATE, full_name="李新生", id_number=NEW_ID,
        region=centers["nongan"], phone="13900000001",
    )
    client.force_login(woman)
    day = open_day(centers["nongan"])
    form = client.get(
        reverse("registration:apply"), {"occupation": occupation("汽车维修工").pk, "level": 5, "target": f"day-{day.pk}"}
    ).context["form"]
    assert form["gender"].value() == "F" and form["birth_month"].value() == datetime.date(1995, 1, 1)


@pytest.fixture
def exam_session(centers, demo_user):
    staff = demo_user("staff_nongan")
    site = exam_services.create_site(actor=staff, center=centers["nongan"], name="农安县鉴定考点", address="农安县")
    exam_services.add_room(actor=staff, site=site, name="第一考场", capacity=3, equipment="")
    day, _ = ScheduledAppraisalDay.objects.get_or_create(center=centers["nongan"], day=datetime.date(2017, 6, 17))
    return exam_services.schedule_session(
        actor=staff, center=centers["nongan"], site=site, occupation=Occupation.objects.get(name="汽车维修工"),
        level=5, target=day, allow_past=True,
    )


def test_session_page_has_one_seat_chart_link(client, demo_user, exam_session):
    client.force_login(demo_user("staff_nongan"))
    html = html_of(client.get(reverse("exams:session_detail", args=[exam_session.pk])))
    assert html.count(f'href="{reverse("exams:seat_chart", args=[exam_session.pk])}"') == 1


def test_score_sheet_breadcrumb_names_the_session(client, demo_user, exam_session):
    client.force_login(demo_user("staff_nongan"))
    html = html_of(client.get(reverse("exams:score_sheet", args=[exam_session.pk])))
    crumb = html.split('data-testid="breadcrumb-session"')[1].split("</span>")[0]
    assert "2017-06-17 汽车维修工 · 五级/初级工" in crumb
    assert not re.search(r"成绩管理</a> ›</p>", html)


def test_no_transition_is_recorded_by_a_refused_step_one(as_candidate, draft):
    before = ApplicationTransition.objects.count()
    as_candidate.get(reverse("registration:apply"), apply_query(draft, target=f"day-{draft.scheduled_day_id}"))
    assert ApplicationTransition.objects.count() == before
