"""The Django admin: every registered model opens for the province administrator, center search
works, and the admin cannot save what the rules refuse (ORG-4, ORG-5, CAL-3, CAL-4)."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from appraisal.models import AuthorityGrant, Center, ScheduledAppraisalDay, WorkdayOverride

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    ((model._meta.app_label, model._meta.model_name) for model in admin.site._registry),
)


@pytest.fixture
def admin_client(client, demo_user):
    user = demo_user("province_admin")
    assert user.is_superuser and user.is_staff
    client.force_login(user)
    return client


def test_admin_index(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "吉林省职业技能鉴定管理系统 · 管理后台" in response.content.decode()


def test_every_core_model_is_registered():
    assert {name for app, name in REGISTERED if app == "appraisal"} >= {
        "center", "authoritygrant", "occupation", "occupationlevel", "eligibilitycondition",
        "unifiedappraisal", "retakeday", "scheduledappraisalday", "workdayoverride", "user",
    }


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_province_admin_opens_changelist_and_add_page(admin_client, app_label, model_name):
    changelist = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    model_admin = next(ma for m, ma in admin.site._registry.items() if m._meta.model_name == model_name
                       and m._meta.app_label == app_label)
    request = changelist.wsgi_request
    if model_admin.has_add_permission(request):
        add = admin_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
        assert add.status_code == 200


@pytest.mark.parametrize(
    ("model_name", "obj"),
    [("center", lambda: Center.objects.get(division_code="220381")),
     ("scheduledappraisalday", lambda: ScheduledAppraisalDay.objects.filter(day__year=2017).first())],
)
def test_province_admin_opens_change_pages(admin_client, model_name, obj):
    response = admin_client.get(reverse(f"admin:appraisal_{model_name}_change", args=[obj().pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [("农安", ["农安县职业技能鉴定中心"]), ("220281", ["蛟河市职业技能鉴定中心"]), ("长白山", ["长白山管委会职业技能鉴定中心"])],
)
def test_center_changelist_search(admin_client, query, expected):
    response = admin_client.get(reverse("admin:appraisal_center_changelist"), {"q": query})
    assert response.status_code == 200
    assert [c.name for c in response.context["cl"].result_list] == expected
    assert response.context["cl"].result_count == len(expected)


def test_scheduled_day_changelist_shows_the_deadline(admin_client):
    """CAL-3: the admin list shows each day's registration deadline."""
    response = admin_client.get(
        reverse("admin:appraisal_scheduledappraisalday_changelist"),
        {"q": "农安县", "day__gte": "2017-10-01", "day__lt": "2017-11-01"},
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "2017年10月9日" in response.content.decode()


# --- Grants: ORG-4 and ORG-5 ----------------------------------------------------------------------


def post_grant(admin_client, center, level):
    return admin_client.post(
        reverse("admin:appraisal_authoritygrant_add"),
        {"center": center.pk, "level": level, "approved_on": "2017-03-01", "document": "测试批复"},
    )


def test_org4_admin_refuses_a_level_2_grant(admin_client, centers):
    """ORG-4: technicians (level 2) belong to the province; no grant of level 2 for an expanded county."""
    before = AuthorityGrant.objects.count()
    response = post_grant(admin_client, centers["gongzhuling"], 2)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert "技师、高级技师鉴定由省鉴定中心负责，不能批准给其他机构。" in response.content.decode()
    assert AuthorityGrant.objects.count() == before
    assert not AuthorityGrant.objects.filter(center=centers["gongzhuling"], level=2).exists()


def test_org5_admin_refuses_a_grant_for_a_plain_county(admin_client, centers):
    """ORG-2/ORG-5: only expanded counties (and school/enterprise bodies) hold grants."""
    before = AuthorityGrant.objects.count()
    response = post_grant(admin_client, centers["nongan"], 3)
    assert response.status_code == 200
    assert "只有扩权县、院校和行业企业鉴定机构可以单独批准鉴定权限。" in response.content.decode()
    assert AuthorityGrant.objects.count() == before
    assert not centers["nongan"].grants.exists()


def test_org5_admin_accepts_a_valid_grant(admin_client, centers):
    """The positive control: the same form saves a grant the rules allow."""
    body = Center.objects.create(name="测试企业鉴定站", kind="enterprise", parent=centers["province"])
    response = post_grant(admin_client, body, 4)
    assert response.status_code == 302
    assert list(body.grants.values_list("level", flat=True)) == [4]


def center_form(center, **grant_rows):
    data = {
        "name": center.name, "kind": center.kind, "parent": center.parent_id or "",
        "division_code": center.division_code or "", "is_active": "on", "address": center.address,
        "supervision_phone": center.supervision_phone, "enquiry_phone": center.enquiry_phone,
        "duty_phone": center.duty_phone,
        "grants-TOTAL_FORMS": str(len(grant_rows)), "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0", "grants-MAX_NUM_FORMS": "1000",
    }
    for i, level in enumerate(grant_rows.values()):
        data.update({f"grants-{i}-level": level, f"grants-{i}-center": center.pk, f"grants-{i}-document": "测试"})
    return data


def test_org5_center_inline_refuses_a_grant_for_a_plain_county(admin_client, centers):
    nongan = centers["nongan"]
    response = admin_client.post(
        reverse("admin:appraisal_center_change", args=[nongan.pk]), center_form(nongan, first=3)
    )
    assert response.status_code == 200
    assert "只有扩权县、院校和行业企业鉴定机构可以单独批准鉴定权限。" in response.content.decode()
    assert not nongan.grants.exists()


def test_center_change_without_grants_saves(admin_client, centers):
    """The positive control for the inline: the same form without grant rows saves."""
    nongan = centers["nongan"]
    data = center_form(nongan)
    data["address"] = "吉林省长春市农安县（测试）"
    response = admin_client.post(reverse("admin:appraisal_center_change", args=[nongan.pk]), data)
    assert response.status_code == 302
    nongan.refresh_from_db()
    assert nongan.address == "吉林省长春市农安县（测试）"


# --- Calendar: CAL-3, CAL-4 -----------------------------------------------------------------------


def post_day(admin_client, center, day, extension):
    return admin_client.post(
        reverse("admin:appraisal_scheduledappraisalday_add"),
        {"center": center.pk, "day": day, "registration_extension_days": extension, "note": ""},
    )


def test_cal4_admin_refuses_a_scheduled_day_in_an_unmaintained_year(admin_client, centers):
    response = post_day(admin_client, centers["nongan"], "2035-06-16", 0)
    assert response.status_code == 200
    assert "2035年的法定节假日尚未维护" in response.content.decode()
    assert not ScheduledAppraisalDay.objects.filter(day__year=2035).exists()


def test_cal3_admin_refuses_extension_3(admin_client, centers):
    response = post_day(admin_client, centers["nongan"], "2017-09-09", 3)
    assert response.status_code == 200
    assert "报名截止只能延长0、1或2个工作日" in response.content.decode()
    assert not ScheduledAppraisalDay.objects.filter(day=datetime.date(2017, 9, 9)).exists()


def test_cal3_admin_saves_a_valid_scheduled_day(admin_client, centers):
    response = post_day(admin_client, centers["nongan"], "2017-09-09", 2)
    assert response.status_code == 302
    assert ScheduledAppraisalDay.objects.get(center=centers["nongan"], day=datetime.date(2017, 9, 9)).registration_extension_days == 2


def test_cal4_admin_workday_override_saves_through_the_service(admin_client):
    response = admin_client.post(
        reverse("admin:appraisal_workdayoverride_add"),
        {"day": "2035-01-01", "is_working_day": "", "name": "元旦"},
    )
    assert response.status_code == 302
    override = WorkdayOverride.objects.get(day=datetime.date(2035, 1, 1))
    assert override.is_working_day is False and override.name == "元旦"
    # The year now counts as maintained, so a day in it can be scheduled.
    assert post_day(admin_client, Center.objects.get(division_code="220122"), "2035-06-16", 0).status_code == 302


def test_admin_greets_by_chinese_name(client, db):
    from appraisal.demo import DEMO_PASSWORD

    assert client.login(username="province_admin", password=DEMO_PASSWORD)
    html = client.get("/admin/").content.decode()
    assert "赵省管" in html and "PROVINCE_ADMIN" not in html
