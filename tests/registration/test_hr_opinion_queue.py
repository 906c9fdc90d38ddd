"""REG-1 / ORG-8 / FEE-1: the HR official's own queue. It opens on the applications waiting for
their opinion (approved, paid where a fee is due, no 人社部门意见 yet), their home counts them, and
a batch writes one opinion with one date on several at once: all or nothing, every refusal named."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from registration import selectors, services
from registration.models import Application
from registration.services import opinions

QUEUE = "/registration/staff/review/"


@pytest.fixture
def hr(demo_user):
    return demo_user("hr_official")  # 长春市: 农安县 is in scope


@pytest.fixture
def approved(submitted, demo_user):
    application = services.approve_application(submitted, actor=demo_user("staff_nongan"))
    Application.objects.filter(pk=application.pk).update(fee_due=None, fee_paid=False)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def another(approved, open_day):
    """A copy of `approved` for another day (another appraisal, so the one-live rule holds)."""

    def make(days_ahead=50, **changes):
        row = Application.objects.get(pk=approved.pk)
        row.pk = None
        row.scheduled_day = open_day(changes.pop("day_center", row.center), days_ahead)
        row.form_pdf = ""
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
        return row

    return make


def stored(application):
    return Application.objects.get(pk=application.pk)


def test_reg1_fee1_awaiting_means_approved_paid_if_due_and_no_opinion(approved, another, hr):
    unpaid = another(50, fee_due=100, fee_paid=False)
    paid = another(51, fee_due=100, fee_paid=True)
    free = another(52, fee_due=0)
    done = another(53, hr_opinion="同意", hr_opinion_date=timezone.localdate(), hr_opinion_by=hr)
    waiting = set(selectors.awaiting_hr_opinion(hr).values_list("pk", flat=True))
    assert {approved.pk, paid.pk, free.pk} <= waiting
    assert not {unpaid.pk, done.pk} & waiting


def test_reg1_batch_writes_one_opinion_and_date_on_every_selected(approved, another, hr):
    second = another()
    day = timezone.localdate()
    rows = opinions.record_hr_opinions([approved.pk, str(second.pk)], actor=hr, opinion=" 同意 ", opinion_date=day)
    assert [r.pk for r in rows] == sorted([approved.pk, second.pk])
    for row in (stored(approved), stored(second)):
        assert (row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by_id) == ("同意", day, hr.pk)
    assert not selectors.awaiting_hr_opinion(hr).filter(pk__in=[approved.pk, second.pk]).exists()


def test_org8_batch_refuses_out_of_scope_and_saves_nothing(approved, another, hr, centers):
    elsewhere = another(day_center=centers["jilin_city"], center=centers["jilin_city"])
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinions([approved.pk, elsewhere.pk, 10**12, 2**70], actor=hr)
    text = " ".join(caught.value.messages)
    assert f"编号{elsewhere.pk}的申报不存在或不在您的管辖范围内" in text
    assert "编号1000000000000的申报不存在" in text  # absent reads as out of scope, nothing confirmed
    assert elsewhere.name not in text
    assert stored(approved).hr_opinion == "" and stored(elsewhere).hr_opinion == ""


@pytest.mark.parametrize(("changes", "reason"), [
    ({"status": "submitted"}, "审核通过后才能填写"),
    ({"hr_opinion": "不同意", "hr_opinion_date": datetime.date(2026, 1, 5)}, "已于2026-01-05填写人社部门意见"),
    ({"fee_due": 120, "fee_paid": False}, "应缴鉴定费120"),
])
def test_reg1_fee1_batch_refuses_one_bad_application_and_saves_none(approved, another, hr, changes, reason):
    bad = another(**changes)
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinions([approved.pk, bad.pk], actor=hr)
    assert any(reason in m and bad.name in m for m in caught.value.messages)
    assert stored(approved).hr_opinion == ""
    assert stored(bad).hr_opinion == changes.get("hr_opinion", "")


def test_reg1_batch_date_must_be_between_approval_and_today(approved, hr):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinions([approved.pk], actor=hr, opinion_date=tomorrow)
    assert "不能晚于今天" in caught.value.messages[0]
    before = approved.center_opinion_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinions([approved.pk], actor=hr, opinion_date=before)
    assert "不能早于鉴定中心审核通过的日期" in caught.value.messages[0]
    assert stored(approved).hr_opinion == ""


@pytest.mark.parametrize(("ids", "opinion", "message"), [
    ([], "同意", "请至少选择一份申报"),
    (["x"], "同意", "编号不正确"),
    (list(range(1, 202)), "同意", "一次最多填写200份"),
    (None, "  ", "请填写人社部门意见"),
    (None, "意" * 201, "不能超过200个字"),
])
def test_reg1_batch_bad_input_is_refused_in_chinese(approved, hr, ids, opinion, message):
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinions([approved.pk] if ids is None else ids, actor=hr, opinion=opinion)
    assert message in " ".join(caught.value.messages)
    assert stored(approved).hr_opinion == ""


@pytest.mark.parametrize("username", ["staff_nongan", "province_admin", "examiner", "candidate"])
def test_org8_batch_is_for_hr_officials_only(approved, demo_user, username):
    with pytest.raises(PermissionDenied):
        opinions.record_hr_opinions([approved.pk], actor=demo_user(username))
    assert stored(approved).hr_opinion == ""


# --- Pages --------------------------------------------------------------------------------------


def test_reg1_hr_queue_opens_on_awaiting_with_the_batch_form(client, approved, another, hr):
    unpaid = another(fee_due=100, fee_paid=False)
    client.force_login(hr)
    response = client.get(QUEUE)
    body = response.content.decode()
    assert response.context["form"]["status"].value() == "awaiting_opinion"
    assert "待填写意见" in body and 'data-testid="batch-opinion-form"' in body
    listed = {a.pk for a in response.context["page"].object_list}
    assert approved.pk in listed and unpaid.pk not in listed
    assert f'value="{approved.pk}"' in body


def test_reg1_clerk_queue_still_opens_on_submitted_without_batch(client, approved, demo_user):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(QUEUE)
    assert response.context["form"]["status"].value() == "submitted"
    assert 'data-testid="batch-opinion-form"' not in response.content.decode()
    response = client.get(QUEUE, {"status": "awaiting_opinion"})
    assert approved.pk in {a.pk for a in response.context["page"].object_list}
    assert 'data-testid="batch-opinion-form"' not in response.content.decode()  # clerks only read it


def test_reg1_hr_home_counts_the_waiting_applications(client, approved, hr):
    client.force_login(hr)
    waiting = selectors.awaiting_hr_opinion(hr).count()
    body = client.get("/").content.decode()
    assert f"{waiting} 份申报待填写人社部门意见" in body
    assert f"{QUEUE}?status=awaiting_opinion" in body


def test_reg1_page_batch_saves_and_goes_back_to_the_same_queue(client, approved, another, hr):
    second = another()
    client.force_login(hr)
    response = client.post(reverse("registration:hr_opinions"), {
        "applications": [approved.pk, second.pk], "opinion": "同意",
        "opinion_date": timezone.localdate().isoformat(), "back": "status=awaiting_opinion&q=张",
    })
    assert response.status_code == 302 and response["Location"] == f"{QUEUE}?status=awaiting_opinion&q=%E5%BC%A0"
    assert stored(approved).hr_opinion == stored(second).hr_opinion == "同意"


def test_org8_page_batch_refusal_is_flashed_and_nothing_saved(client, approved, another, hr, centers):
    elsewhere = another(day_center=centers["jilin_city"], center=centers["jilin_city"])
    client.force_login(hr)
    response = client.post(reverse("registration:hr_opinions"), {
        "applications": [approved.pk, elsewhere.pk], "opinion": "同意", "opinion_date": timezone.localdate().isoformat(),
    }, follow=True)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "所选申报均未填写" in errors[0] and "不在您的管辖范围内" in errors[0]
    assert stored(approved).hr_opinion == ""


@pytest.mark.parametrize(("data", "message"), [
    ({"opinion": "同意", "opinion_date": "2026-13-01"}, "请输入正确的日期"),
    ({"opinion": "", "opinion_date": "2026-01-01"}, "请填写人社部门意见"),
    ({"applications": ["abc"], "opinion": "同意", "opinion_date": "2026-01-01"}, "编号不正确"),
])
def test_reg1_page_batch_bad_input(client, approved, hr, data, message):
    client.force_login(hr)
    data.setdefault("applications", [approved.pk])
    response = client.post(reverse("registration:hr_opinions"), data, follow=True)
    errors = " ".join(str(m) for m in response.context["messages"] if m.level_tag == "error")
    assert message in errors
    assert stored(approved).hr_opinion == ""


@pytest.mark.parametrize("username", ["staff_nongan", "examiner"])
def test_org8_page_batch_refuses_other_roles(client, approved, demo_user, username):
    client.force_login(demo_user(username))
    response = client.post(reverse("registration:hr_opinions"), {
        "applications": [approved.pk], "opinion": "同意", "opinion_date": timezone.localdate().isoformat()})
    assert response.status_code == 403
    assert stored(approved).hr_opinion == ""

