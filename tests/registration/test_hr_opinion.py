"""REG-1: the 申报表's 人力资源社会保障行政部门意见 (date, seal) is written later by an HR official whose
scope covers the application's center (ORG-8), once the application is approved: on the review page
and through the API, printed on the PDF; bad input and anyone else are refused, nothing saved."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Role, User
from registration import pdf, services
from registration.models import Application, ApplicationTransition, Status
from registration.services import forms_pdf, opinions

BASE = "/api/registration/applications/"
OPINION = "同意，按规定办理。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def hr(demo_user):
    """The demo HR official: 长春市, whose scope holds 农安县 (a county of the city)."""
    return demo_user("hr_official")


@pytest.fixture
def hr_elsewhere(centers):
    """An HR official of 吉林市: 农安县 is outside the scope."""
    return User.objects.create(username="hr_jilin", full_name="冯人社", role=Role.HR_OFFICIAL,
                               center=centers["jilin_city"])


@pytest.fixture
def approved(submitted, demo_user):
    """The submitted draft of conftest (农安县), approved by the county's clerk."""
    return services.approve_application(submitted, actor=demo_user("staff_nongan"))


def stored(application):
    return Application.objects.get(pk=application.pk)


def assert_nothing_saved(application):
    row = stored(application)
    assert (row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by_id) == ("", None, None)


def page(application):
    return reverse("registration:review_detail", args=[application.pk])


def post_url(application):
    return reverse("registration:hr_opinion", args=[application.pk])


def flashed(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


# --- The service -----------------------------------------------------------------------------


def test_reg1_hr_official_in_scope_records_the_opinion_dated_today(approved, hr):
    transitions = ApplicationTransition.objects.filter(application=approved).count()
    opinions.record_hr_opinion(approved, actor=hr, opinion=f"  {OPINION}\n")
    row = stored(approved)
    assert row.hr_opinion == OPINION  # stripped
    assert row.hr_opinion_date == timezone.localdate()
    assert row.hr_opinion_by == hr
    assert row.status == Status.APPROVED
    # Not a change of status: the transition audit is untouched.
    assert ApplicationTransition.objects.filter(application=approved).count() == transitions


def test_reg1_a_changed_opinion_replaces_the_first_and_the_same_text_changes_nothing(approved, hr, centers):
    opinions.record_hr_opinion(approved, actor=hr, opinion=OPINION)
    earlier = datetime.date(2017, 3, 1)
    Application.objects.filter(pk=approved.pk).update(hr_opinion_date=earlier)
    province_hr = User.objects.create(username="hr_province", full_name="陈省人社", role=Role.HR_OFFICIAL,
                                      center=centers["province"])
    opinions.record_hr_opinion(approved, actor=province_hr, opinion=f" {OPINION} ")  # same text
    row = stored(approved)
    assert (row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by) == (OPINION, earlier, hr)
    opinions.record_hr_opinion(approved, actor=province_hr, opinion="同意。")  # the province sees everything
    row = stored(approved)
    assert (row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by) == ("同意。", timezone.localdate(), province_hr)


def test_reg1_opinion_of_exactly_the_maximum_length_is_kept(approved, hr):
    text = "意" * opinions.HR_OPINION_MAX_LENGTH
    opinions.record_hr_opinion(approved, actor=hr, opinion=f" {text} ")
    assert stored(approved).hr_opinion == text


@pytest.mark.parametrize(("opinion", "message"), [
    ("", "请填写人社部门意见。"),
    ("  \n ", "请填写人社部门意见。"),
    (None, "请填写人社部门意见。"),
    ("意" * 201, "人社部门意见不能超过200个字"),
])
def test_reg1_empty_or_too_long_opinion_is_refused_in_chinese(approved, hr, opinion, message):
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinion(approved, actor=hr, opinion=opinion)
    assert message in caught.value.message_dict["opinion"][0]
    assert_nothing_saved(approved)


@pytest.mark.parametrize("fixture", ["draft", "submitted"])
def test_reg1_opinion_only_after_approval(request, hr, fixture):
    application = request.getfixturevalue(fixture)
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinion(application, actor=hr, opinion=OPINION)
    assert "审核通过后才能填写人社部门意见" in caught.value.messages[0]
    assert not opinions.can_record_hr_opinion(hr, stored(application))
    assert_nothing_saved(application)


def test_reg1_rejected_application_takes_no_opinion(submitted, hr, demo_user):
    services.reject_application(submitted, actor=demo_user("staff_nongan"), reason="材料不实。")
    with pytest.raises(ValidationError):
        opinions.record_hr_opinion(submitted, actor=hr, opinion=OPINION)
    assert_nothing_saved(submitted)


@pytest.mark.parametrize("username", ["staff_nongan", "staff_changchun", "province_admin", "examiner", "candidate"])
def test_org8_only_hr_officials_write_the_opinion(approved, demo_user, username):
    with pytest.raises(PermissionDenied) as caught:
        opinions.record_hr_opinion(approved, actor=demo_user(username), opinion=OPINION)
    assert "人力资源社会保障行政部门工作人员" in str(caught.value)
    assert_nothing_saved(approved)


def test_org8_hr_official_out_of_scope_is_refused(approved, hr_elsewhere, hr):
    assert opinions.can_record_hr_opinion(hr, stored(approved))
    assert not opinions.can_record_hr_opinion(hr_elsewhere, stored(approved))
    with pytest.raises(PermissionDenied) as caught:
        opinions.record_hr_opinion(approved, actor=hr_elsewhere, opinion=OPINION)
    assert "管辖范围" in str(caught.value)
    assert_nothing_saved(approved)


# --- The review page -------------------------------------------------------------------------


def test_reg1_hr_official_records_the_opinion_on_the_review_page(client, approved, hr, demo_user):
    client.force_login(hr)
    body = client.get(page(approved)).content.decode()
    assert 'data-testid="hr-opinion-form"' in body and post_url(approved) in body
    response = client.post(post_url(approved), {"hr-opinion": f" {OPINION} "}, follow=True)
    assert response.redirect_chain[-1][0] == page(approved)
    assert ("success", "已保存人社部门意见。") in flashed(response)
    body = response.content.decode()
    assert OPINION in body and hr.display_name in body and f"{timezone.localdate():%Y-%m-%d}" in body
    assert (stored(approved).hr_opinion, stored(approved).hr_opinion_by) == (OPINION, hr)
    assert f"{OPINION}</textarea>" in body  # the form shows the current opinion, to be edited on purpose

    # The clerk sees the recorded opinion, its date and writer, and no form.
    client.force_login(demo_user("staff_nongan"))
    body = client.get(page(approved)).content.decode()
    assert 'data-testid="hr-opinion-recorded"' in body and OPINION in body and hr.display_name in body
    assert 'data-testid="hr-opinion-form"' not in body


def test_reg1_the_candidate_sees_the_opinion_on_their_page(client, approved, hr, candidate):
    opinions.record_hr_opinion(approved, actor=hr, opinion=OPINION)
    client.force_login(candidate)
    body = client.get(reverse("registration:application_detail", args=[approved.pk])).content.decode()
    assert OPINION in body


def test_reg1_no_form_before_approval_nor_for_clerks(client, submitted, hr, demo_user):
    client.force_login(hr)
    body = client.get(page(submitted)).content.decode()
    assert 'data-testid="hr-opinion"' not in body  # nothing recorded, nothing to write yet
    services.approve_application(submitted, actor=demo_user("staff_nongan"))
    client.force_login(demo_user("staff_nongan"))
    body = client.get(page(submitted)).content.decode()
    assert 'data-testid="hr-opinion-form"' not in body


@pytest.mark.parametrize(("opinion", "message"), [("   ", "请填写人社部门意见"), ("意" * 201, "不能超过200个字")])
def test_reg1_page_shows_bad_opinions_as_messages_and_saves_nothing(client, approved, hr, opinion, message):
    client.force_login(hr)
    response = client.post(post_url(approved), {"hr-opinion": opinion}, follow=True)
    assert response.redirect_chain[-1][0] == page(approved)
    errors = [text for level, text in flashed(response) if level == "error"]
    assert len(errors) == 1 and message in errors[0] and errors[0].startswith("人社部门意见未保存")
    assert_nothing_saved(approved)


def test_reg1_page_refuses_an_opinion_before_approval(client, submitted, hr):
    client.force_login(hr)
    response = client.post(post_url(submitted), {"hr-opinion": OPINION}, follow=True)
    errors = [text for level, text in flashed(response) if level == "error"]
    assert len(errors) == 1 and "审核通过后才能填写" in errors[0]
    assert_nothing_saved(submitted)


@pytest.mark.parametrize(("username", "status"), [
    ("staff_nongan", 403),  # the center's clerk: sees the application, may not write the HR opinion
    ("province_admin", 403),
    ("candidate", 403),  # the candidate of this very application
    ("staff_gongzhuling", 404),  # a clerk of another county does not see it at all
])
def test_org8_page_refuses_everyone_but_hr_officials_in_scope(client, approved, demo_user, username, status):
    client.force_login(demo_user(username))
    assert client.post(post_url(approved), {"hr-opinion": OPINION}).status_code == status
    assert_nothing_saved(approved)


def test_org8_page_hr_official_out_of_scope_gets_404(client, approved, hr_elsewhere):
    client.force_login(hr_elsewhere)
    assert client.get(page(approved)).status_code == 404
    assert client.post(post_url(approved), {"hr-opinion": OPINION}).status_code == 404
    assert client.post(reverse("registration:hr_opinion", args=[10**9]), {"hr-opinion": OPINION}).status_code == 404
    assert_nothing_saved(approved)


def test_reg1_page_needs_login_and_post(client, approved, hr):
    response = client.post(post_url(approved), {"hr-opinion": OPINION})
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(hr)
    response = client.get(post_url(approved))  # back to the review page, nothing saved
    assert response.status_code == 302 and response["Location"] == page(approved)
    assert_nothing_saved(approved)


# --- The API ---------------------------------------------------------------------------------


def test_reg1_hr_official_records_the_opinion_through_the_api(api, approved, hr):
    response = api(hr).post(f"{BASE}{approved.pk}/hr-opinion/", {"opinion": f" {OPINION} "}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["hr_opinion"] == OPINION
    assert body["hr_opinion_date"] == timezone.localdate().isoformat()
    assert body["hr_opinion_by_name"] == hr.display_name
    assert "*" in body["id_number"]  # HR officials read ID numbers masked, here too
    detail = api(hr).get(f"{BASE}{approved.pk}/").json()
    assert (detail["hr_opinion"], detail["hr_opinion_date"]) == (OPINION, body["hr_opinion_date"])


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "opinion", "请填写人社部门意见"),
    ({"opinion": "   "}, "opinion", "请填写人社部门意见"),
    ({"opinion": "意" * 201}, "opinion", "不能超过200个字"),
])
def test_reg1_api_errors_are_structured_and_chinese(api, approved, hr, data, field, message):
    response = api(hr).post(f"{BASE}{approved.pk}/hr-opinion/", data, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert_nothing_saved(approved)


def test_reg1_api_refuses_an_opinion_before_approval(api, submitted, hr):
    response = api(hr).post(f"{BASE}{submitted.pk}/hr-opinion/", {"opinion": OPINION}, format="json")
    assert response.status_code == 400
    assert "审核通过后才能填写" in response.json()["detail"][0]
    assert_nothing_saved(submitted)


@pytest.mark.parametrize(("username", "status"), [
    ("staff_nongan", 403), ("province_admin", 403), ("candidate", 403), ("staff_gongzhuling", 404),
])
def test_org8_api_refuses_everyone_but_hr_officials_in_scope(api, approved, demo_user, username, status):
    response = api(demo_user(username)).post(f"{BASE}{approved.pk}/hr-opinion/", {"opinion": OPINION}, format="json")
    assert response.status_code == status
    assert_nothing_saved(approved)


def test_org8_api_hr_official_out_of_scope_gets_404(api, approved, hr_elsewhere):
    response = api(hr_elsewhere).post(f"{BASE}{approved.pk}/hr-opinion/", {"opinion": OPINION}, format="json")
    assert response.status_code == 404
    assert_nothing_saved(approved)


def test_openapi_schema_lists_the_hr_opinion_action(client, db):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/registration/applications/{id}/hr-opinion/" in schema
    assert "填写人社部门意见" in schema


# --- The printed form ------------------------------------------------------------------------


def pdf_text(name, directory):
    path = directory / "form.pdf"
    with Application._meta.get_field("form_pdf").storage.open(name, "rb") as handle:
        path.write_bytes(handle.read())
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_reg1_recorded_opinion_is_printed_and_outdates_the_stored_pdf(approved, hr, tmp_path):
    today = timezone.localdate()
    dated = f"{today.year}年{today.month}月{today.day}日(章)"
    fingerprint = pdf.pdf_name(stored(approved), None)
    before = forms_pdf.ensure_application_pdf(stored(approved))
    text = pdf_text(before, tmp_path)
    assert OPINION not in text and text.count(dated) == 1  # only the center's opinion is dated yet

    opinions.record_hr_opinion(approved, actor=hr, opinion=OPINION)
    row = stored(approved)
    assert pdf.pdf_name(row, None) != fingerprint  # the fingerprint covers the opinion and its date
    after = forms_pdf.ensure_application_pdf(row)
    assert after != before
    text = pdf_text(after, tmp_path)
    assert OPINION in text and text.count(dated) == 2  # the center's and the HR bureau's
