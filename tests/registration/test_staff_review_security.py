"""Security fixes of the staff review pages: entry on a candidate's behalf only for candidates the
clerk may act for (ORG-8), full ID numbers and files only for center staff and province
administrators (ORG-8, personal data), and the center's 重置考生密码 for imported candidates (REG-3)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from stdnum.cn import ric

from appraisal import authority
from appraisal.demo import DEMO_PASSWORD
from appraisal.idnumbers import mask_id_number, sees_full_id_numbers
from appraisal.models import Role, User
from registration import exports, import_sheet, services
from registration.models import Application, MaterialKind, Status
from registration.views import entry

ENTER = reverse("registration:enter_for_candidate")
READ_ONLY = ("examiner", "hr_official")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def login(logged_in_client):
    return logged_in_client


def make_id(seq, birth="19880512", place="220122"):
    body = f"{place}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_candidate(seq, name, *, region=None, school=None, usable_password=True):
    id_number = make_id(seq)
    user = User(username=id_number, id_number=id_number, full_name=name, role=Role.CANDIDATE, region=region,
                school=school, phone="13900000000")
    if usable_password:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()  # as registration/services/imports.py creates them
    user.save()
    return user


def step_url(candidate):
    return reverse("registration:enter_application", args=[candidate.pk])


def token_of(url):
    return parse_qs(urlsplit(url).query)["t"][0]


def detail_url(application):
    return reverse("registration:review_detail", args=[application.pk])


def reset(client, application):
    return client.post(detail_url(application), {"action": "reset_password"})


def can_log_in(client, username, password):
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


# --- 1. IDOR of the entry on a candidate's behalf (ORG-8) -----------------------------------------


def test_org8_school_clerk_gets_404_for_a_nongan_candidates_pk(login, candidate, occupation, centers, open_day):
    open_day(centers["nongan"])
    client = login("staff_school")
    response = client.get(step_url(candidate))
    assert response.status_code == 404
    assert candidate.full_name not in response.content.decode()
    repair = occupation("汽车维修工")
    assert client.get(step_url(candidate), {"occupation": repair.pk, "level": 5}).status_code == 404
    assert client.post(step_url(candidate), {"occupation": repair.pk, "level": 5}).status_code == 404
    assert not Application.objects.filter(candidate=candidate).exists()


def test_org8_looping_over_pks_lists_only_candidates_in_scope(login, candidate, centers):
    student = make_candidate(41, "本校学生", region=centers["changchun"], school=centers["school"])
    yongji = make_candidate(42, "永吉考生", region=centers["yongji"])
    client = login("staff_school")
    seen = {pk for pk in (candidate.pk, student.pk, yongji.pk) if client.get(reverse(
        "registration:enter_application", args=[pk])).status_code == 200}
    assert seen == {student.pk}


def test_org8_nongan_clerk_opens_a_candidate_after_id_lookup(login, candidate):
    client = login("staff_nongan")
    response = client.get(ENTER, {"id_number": candidate.id_number})
    assert response.context["found"] == candidate
    url = response.context["found_url"]
    assert url.startswith(step_url(candidate) + "?t=") and url.replace("&amp;", "&") in response.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert candidate.full_name in response.content.decode() and "农安县" in response.content.decode()


def test_org8_out_of_scope_candidate_only_through_the_lookup_token(login, centers, occupation, open_day):
    """A 榆树 candidate is outside 农安's scope: 404 by number, reachable after the full-ID lookup
    (the engine then explains which center is responsible), and the token carries through the form."""
    yushu = make_candidate(43, "榆树考生", region=centers["yushu"])
    open_day(centers["yushu"])
    repair = occupation("汽车维修工")
    client = login("staff_nongan")
    assert client.get(step_url(yushu)).status_code == 404
    url = client.get(ENTER, {"id_number": yushu.id_number}).context["found_url"]
    token = token_of(url)
    response = client.get(step_url(yushu), {"t": token, "occupation": repair.pk, "level": 5})
    assert response.status_code == 200
    assert "该考生应由榆树市职业技能鉴定中心受理" in response.context["refusal"]
    assert f'name="t" value="{token}"' in response.content.decode()  # the choice form carries it on


def test_org8_token_is_bound_to_the_clerk_and_the_candidate(login, client, demo_user, centers):
    yushu = make_candidate(44, "榆树考生", region=centers["yushu"])
    other = make_candidate(45, "榆树考生二", region=centers["yushu"])
    client = login("staff_nongan")
    token = token_of(client.get(ENTER, {"id_number": yushu.id_number}).context["found_url"])
    assert client.get(step_url(other), {"t": token}).status_code == 404  # another candidate's pk
    assert client.get(step_url(yushu), {"t": token + "x"}).status_code == 404  # tampered
    assert client.get(step_url(yushu), {"t": "forged"}).status_code == 404
    client.force_login(demo_user("staff_gongzhuling"))  # another clerk replaying the link
    assert client.get(step_url(yushu), {"t": token}).status_code == 404


def test_org8_expired_lookup_sends_the_clerk_back_to_search(login, centers, monkeypatch):
    yushu = make_candidate(46, "榆树考生", region=centers["yushu"])
    client = login("staff_nongan")
    url = client.get(ENTER, {"id_number": yushu.id_number}).context["found_url"]
    monkeypatch.setattr(entry, "ENTRY_TOKEN_MAX_AGE", -1)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == ENTER
    assert "请重新按身份证号查找考生" in response.content.decode()
    assert "榆树考生" not in response.content.decode()


def test_org8_candidate_with_an_application_in_scope_is_reachable(login, centers, draft, candidate):
    """A candidate who moved away stays reachable for the center holding their application."""
    User.objects.filter(pk=candidate.pk).update(region=centers["yongji"])
    assert login("staff_nongan").get(step_url(candidate)).status_code == 200
    assert login("staff_gongzhuling").get(step_url(candidate)).status_code == 404


def test_reg3_new_candidate_link_carries_the_token(login, centers):
    id_number = make_id(47)  # registered by 农安 into 榆树's region: outside 农安's scope afterwards
    client = login("staff_nongan")
    response = client.post(ENTER, {"id_number": id_number, "full_name": "新考生", "phone": "13700000000",
                                   "region": centers["yushu"].pk})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    new = User.objects.get(id_number=id_number)
    assert response.context["entry_url"].startswith(step_url(new) + "?t=")
    assert client.get(response.context["entry_url"]).status_code == 200
    assert client.get(step_url(new)).status_code == 404


# --- 2. Full ID numbers and files only for center staff and province administrators ----------------


@pytest.mark.parametrize(("username", "full"), [
    ("center_staff", True), ("province_admin", True), ("examiner", False), ("hr_official", False),
    ("candidate", False),
])
def test_org8_sees_full_id_numbers_by_role(username, full):
    user = User(username=username, role=username)
    assert sees_full_id_numbers(user) is full
    assert exports.shows_full_id is sees_full_id_numbers  # one helper, also used by the exports


@pytest.mark.parametrize("username", READ_ONLY)
def test_org8_examiner_and_hr_detail_masks_the_id_and_hides_files(login, submitted, username):
    response = login(username).get(detail_url(submitted))
    assert response.status_code == 200
    html = response.content.decode()
    assert submitted.id_number not in html
    assert mask_id_number(submitted.id_number) in html
    files = reverse("registration:material_file", args=[1])[: -len("1/")]  # /registration/materials/
    assert files not in html
    assert 'data-testid="files-hidden"' in html
    assert "重置考生密码" not in html


def test_org8_clerk_detail_shows_full_id_files_and_reset_button(login, submitted):
    html = login("staff_nongan").get(detail_url(submitted)).content.decode()
    assert submitted.id_number in html
    photo = submitted.materials.get(kind=MaterialKind.PHOTO)
    assert reverse("registration:material_file", args=[photo.pk]) in html
    assert "重置考生密码" in html and 'data-testid="files-hidden"' not in html


@pytest.mark.parametrize("username", READ_ONLY)
def test_org8_examiner_and_hr_cannot_open_materials(login, submitted, username):
    client = login(username)
    for kind in (MaterialKind.ID_CARD, MaterialKind.PHOTO, MaterialKind.EDUCATION):
        material = submitted.materials.get(kind=kind)
        assert client.get(reverse("registration:material_file", args=[material.pk])).status_code == 404


def test_org8_materials_open_for_clerks_in_scope_and_the_candidate(login, submitted):
    id_card = submitted.materials.get(kind=MaterialKind.ID_CARD)
    url = reverse("registration:material_file", args=[id_card.pk])
    for username in ("staff_nongan", "staff_changchun", "province_admin", "candidate"):
        assert login(username).get(url).status_code == 200, username
    for username in ("staff_gongzhuling", "staff_school"):
        assert login(username).get(url).status_code == 404, username


@pytest.mark.parametrize("username", READ_ONLY)
def test_org8_examiner_and_hr_cannot_download_form_pdfs(login, submitted, username):
    client = login(username)
    assert client.get(reverse("registration:application_pdf", args=[submitted.pk])).status_code == 403
    assert client.get(reverse("registration:batch_pdf"), {"status": "submitted"}).status_code == 403


def test_reg1_clerk_still_prints_the_batch(login, submitted):
    response = login("staff_nongan").get(reverse("registration:batch_pdf"), {"status": "submitted"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- 3. 重置考生密码 ---------------------------------------------------------------------------------


@pytest.fixture
def imported(centers, occupation, open_day, demo_user):
    """A candidate created by the bulk import: no usable password, a draft entered by 农安."""
    user = make_candidate(51, "导入考生", region=centers["nongan"], usable_password=False)
    born = ric.get_birth_date(user.id_number)
    application = services.create_application(
        candidate=user, actor=demo_user("staff_nongan"), occupation=occupation("汽车维修工"), level=5,
        target=open_day(centers["nongan"]), name=user.full_name, gender="M", birth_month=born.replace(day=1),
        education="senior", id_number=user.id_number, phone=user.phone, years_in_occupation=3,
        work_history="2014年至今从事本职业工作。",
    )
    assert not user.has_usable_password() and application.status == Status.DRAFT
    return application


def test_reg3_imported_candidate_logs_in_after_center_resets_password(login, client, imported):
    candidate = imported.candidate
    assert not can_log_in(client, candidate.username, "")
    client = login("staff_nongan")
    response = reset(client, imported)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    password = response.context["password"]
    assert password in response.content.decode() and candidate.username in response.content.decode()
    assert len(password) == 10 and set(password) <= set(services.INITIAL_PASSWORD_CHARS)
    assert can_log_in(client, candidate.username, password)
    # Shown once: the review page never shows it again.
    client.force_login(User.objects.get(username="staff_nongan"))
    assert password not in client.get(detail_url(imported)).content.decode()


def test_reg3_reset_replaces_a_forgotten_password(login, client, submitted, candidate):
    response = reset(login("staff_changchun"), submitted)  # the city, for a county of its region
    assert response.status_code == 200
    password = response.context["password"]
    assert not can_log_in(client, candidate.username, DEMO_PASSWORD)
    assert can_log_in(client, candidate.username, password)


@pytest.mark.parametrize("username", ["staff_gongzhuling", "staff_school"])
def test_org8_out_of_scope_clerk_gets_404_and_nothing_changes(login, imported, username):
    before = User.objects.get(pk=imported.candidate_id).password
    assert reset(login(username), imported).status_code == 404
    assert User.objects.get(pk=imported.candidate_id).password == before


@pytest.mark.parametrize("username", READ_ONLY)
def test_org8_examiner_and_hr_get_403_and_nothing_changes(login, imported, username):
    before = User.objects.get(pk=imported.candidate_id).password
    assert reset(login(username), imported).status_code == 403
    assert User.objects.get(pk=imported.candidate_id).password == before


def test_reset_unknown_action_or_get_changes_nothing(login, imported):
    before = User.objects.get(pk=imported.candidate_id).password
    client = login("staff_nongan")
    response = client.post(detail_url(imported), {"action": "delete"}, follow=True)
    assert "未知的操作" in response.content.decode()
    assert client.get(detail_url(imported)).status_code == 200
    assert User.objects.get(pk=imported.candidate_id).password == before


def test_reg3_reset_service_checks_the_actor(demo_user, centers, imported):
    candidate = imported.candidate
    for username in ("staff_school", "staff_gongzhuling", "examiner", "hr_official", "candidate"):
        with pytest.raises(PermissionDenied):
            services.reset_candidate_password(actor=demo_user(username), candidate=candidate)
    with pytest.raises(PermissionDenied):  # never a staff account
        services.reset_candidate_password(actor=demo_user("province_admin"), candidate=demo_user("staff_nongan"))
    password = services.reset_candidate_password(actor=demo_user("province_admin"), candidate=candidate)
    assert User.objects.get(pk=candidate.pk).check_password(password)


def test_org8_reset_through_an_application_in_scope_or_affiliation(demo_user, centers, imported):
    """The candidate moved to 永吉: 农安 still holds their application; 永吉's city (吉林) has the region."""
    candidate = imported.candidate
    User.objects.filter(pk=candidate.pk).update(region=centers["yongji"])
    candidate.refresh_from_db()
    assert authority.can_manage_candidate(demo_user("staff_nongan"), candidate)
    assert not authority.can_manage_candidate(demo_user("staff_gongzhuling"), candidate)
    student = make_candidate(52, "本校学生", region=centers["yongji"], school=centers["school"])
    assert authority.can_manage_candidate(demo_user("staff_school"), student)
    assert not authority.can_manage_candidate(demo_user("staff_nongan"), student)
    password = services.reset_candidate_password(actor=demo_user("staff_school"), candidate=student)
    assert User.objects.get(pk=student.pk).check_password(password)


def test_reg3_initial_passwords_are_unambiguous_letters_and_digits():
    passwords = {services.new_initial_password() for _i in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) == 10 and not set(password) & set("0O1lIio")
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


def test_reg3_import_sheet_tells_to_use_the_reset():
    from io import BytesIO

    from openpyxl import load_workbook

    notes = load_workbook(BytesIO(import_sheet.build_template()))["填写说明"]
    text = " ".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "重置考生密码" in text and "找回密码" not in text


def test_reg3_reset_is_for_logged_in_users_only(client, imported):
    response = reset(client, imported)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not User.objects.get(pk=imported.candidate_id).has_usable_password()

