"""From an exploratory pass on a phone: sign-up refuses identities that could never apply, the ID
login accepts a lower-case x, the 申报表 carries the registered name and a real phone number and
shows every error at once, payments wait for a submitted application, a paid candidate is warned
before withdrawing, and a GET of an action address goes back to its page."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from appraisal.models import User
from registration import services
from registration.models import Application, PaymentRecord, Status

NEW_ID_WITH_X = "22012219880709234X"


def _sign_up(centers, id_number, phone="13900000001"):
    return services.register_candidate(
        full_name="李新生", id_number=id_number, phone=phone, password="Changbai-2017", region=centers["nongan"],
    )


@pytest.mark.parametrize(
    "id_number, message",
    [("220122202801011237", "出生日期在未来"), ("220122201501011230", "未满16周岁")],
    ids=["born-in-the-future", "eleven-years-old"],
)
def test_reg5_sign_up_refuses_an_identity_that_could_never_apply(centers, id_number, message):
    with pytest.raises(ValidationError) as info:
        _sign_up(centers, id_number)
    assert message in info.value.message_dict["id_number"][0]
    assert not User.objects.filter(id_number=id_number).exists()


def test_reg1_sign_up_refuses_a_phone_that_is_not_a_number(centers):
    with pytest.raises(ValidationError) as info:
        _sign_up(centers, NEW_ID_WITH_X, phone="打电话给我")
    assert info.value.message_dict["phone"] == ["请输入正确的联系电话（手机号或固定电话）。"]


def test_the_id_login_takes_a_lower_case_x_and_phones_do_not_capitalise(client, centers):
    _sign_up(centers, NEW_ID_WITH_X.lower())  # stored upper case
    page = client.get(reverse("login")).content.decode()
    assert 'autocapitalize="none"' in page
    response = client.post(reverse("login"), {"username": NEW_ID_WITH_X.lower(), "password": "Changbai-2017"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].id_number == NEW_ID_WITH_X


def test_reg5_the_form_carries_the_registered_name_and_a_real_phone_and_shows_every_error(draft, candidate):
    with pytest.raises(ValidationError) as info:
        services.update_application(
            draft, actor=candidate, name="张三丰", phone="打电话给我",
            held_certificate_date=datetime.date.today() + datetime.timedelta(days=30),
            birth_month=datetime.date(1989, 3, 1),
        )
    errors = info.value.message_dict
    assert errors["name"] == [f"申报表中的姓名必须与注册姓名（{candidate.full_name}）一致。"]
    assert errors["phone"] == ["请输入正确的联系电话（手机号或固定电话）。"]
    assert errors["held_certificate_date"] == ["颁证时间不能是未来的日期。"]
    assert "不一致" in errors["birth_month"][0]
    draft.refresh_from_db()
    assert draft.name == candidate.full_name and draft.phone != "打电话给我"


def test_fee1_a_draft_cannot_be_marked_paid(draft, demo_user):
    with pytest.raises(ValidationError, match="只有已提交或审核通过的申报才能登记缴费"):
        services.record_payment(draft, actor=demo_user("staff_nongan"))
    draft.refresh_from_db()
    assert not draft.fee_paid and not PaymentRecord.objects.filter(application=draft).exists()
    assert not services.payment_can_change(draft)


def test_fee1_a_paid_candidate_is_warned_before_withdrawing(client, submitted, candidate):
    Application.objects.filter(pk=submitted.pk).update(fee_due="120.00", fee_paid=True)
    client.force_login(candidate)
    page = client.get(reverse("registration:application_detail", args=[submitted.pk])).content.decode()
    assert "您已缴纳鉴定费120.00元，撤回后请与农安县职业技能鉴定中心联系办理退费。" in page


def test_a_get_of_a_staff_action_goes_back_to_the_review_page(client, submitted, demo_user):
    client.force_login(demo_user("staff_nongan"))
    detail = reverse("registration:review_detail", args=[submitted.pk])
    for name in ("review_decide", "record_payment", "staff_material_upload", "staff_submit"):
        response = client.get(reverse(f"registration:{name}", args=[submitted.pk]))
        assert (response.status_code, response["Location"]) == (302, detail), name
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and not submitted.fee_paid


def test_the_embedded_sqlite_waits_for_the_write_lock():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite settings only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 10
