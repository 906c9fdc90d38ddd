"""The personal-data access log: every view of full ID numbers is recorded (who, when, whose), and
the province center reads and filters it; nobody else may."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.demo import DEMO_PASSWORD
from appraisal.models import AppendOnlyError, PersonalDataAccess, PersonalDataKind, User
from appraisal.services import record_personal_data_access


@pytest.fixture
def accesses(db, rf):
    clerk = User.objects.get(username="staff_nongan")
    city = User.objects.get(username="staff_changchun")
    request = rf.get("/registration/staff/export/?status=approved", REMOTE_ADDR="10.1.2.3")
    first = record_personal_data_access(user=clerk, kind=PersonalDataKind.MATERIAL_FILE, application_ids=[11],
                                        request=request)
    second = record_personal_data_access(user=city, kind=PersonalDataKind.REGISTRATION_EXPORT,
                                         application_ids=[11, 12, 12, 13])
    return first, second


def test_an_access_records_who_what_and_whose(accesses):
    first, second = accesses
    assert first.user.username == "staff_nongan" and first.kind == PersonalDataKind.MATERIAL_FILE
    assert first.ip_address == "10.1.2.3" and first.path == "/registration/staff/export/?status=approved"
    assert second.record_count == 3
    assert sorted(second.records.values_list("application_id", flat=True)) == [11, 12, 13]


def test_the_log_is_append_only(accesses):
    with pytest.raises(AppendOnlyError):
        accesses[0].save()
    with pytest.raises(AppendOnlyError):
        accesses[0].delete()


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


def rows(response):
    return list(response.context["page"].object_list)


def test_the_province_reads_and_filters_the_log(client, accesses):
    login(client, "province_admin")
    url = reverse("access_log")
    assert len(rows(client.get(url))) == 2
    assert [a.user.username for a in rows(client.get(url, {"username": "钱市员"}))] == ["staff_changchun"]
    assert [a.kind for a in rows(client.get(url, {"kind": "material_file"}))] == ["material_file"]
    assert len(rows(client.get(url, {"application_id": 12}))) == 1
    assert len(rows(client.get(url, {"application_id": 11}))) == 2
    today = timezone.localdate()
    assert rows(client.get(url, {"date_to": (today - datetime.timedelta(days=1)).isoformat()})) == []
    html = client.get(url).content.decode()
    assert "个人信息访问记录" in html and "孙县员（staff_nongan）" in html


def test_bad_filters_get_a_chinese_message_and_no_error_page(client, accesses):
    login(client, "province_admin")
    response = client.get(reverse("access_log"), {"date_from": "2026-12-02", "date_to": "2026-12-01",
                                                  "application_id": "abc"})
    assert response.status_code == 200
    assert "起始日期不能晚于截止日期。" in response.content.decode()
    assert "请输入整数" in response.content.decode() or "整数" in str(response.context["form"].errors)


@pytest.mark.parametrize("username", ["staff_nongan", "staff_changchun", "hr_official", "examiner", "candidate"])
def test_nobody_but_the_province_reads_the_log(client, accesses, username):
    login(client, username)
    response = client.get(reverse("access_log"))
    assert response.status_code == 403
    assert PersonalDataAccess.objects.count() == 2


def test_the_province_home_links_to_the_log_and_a_county_home_does_not(client, db):
    login(client, "province_admin")
    assert reverse("access_log") in client.get(reverse("home")).content.decode()
    client.logout()
    login(client, "staff_nongan")
    assert reverse("access_log") not in client.get(reverse("home")).content.decode()
