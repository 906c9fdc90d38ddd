"""CERT-3 hand-over and its deadline's alerts; reissue with the same number; revocation for good."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from certificates import selectors, services
from certificates.models import AlertKind, Certificate, DeliveryAlert, State


@pytest.fixture
def printed(issued, demo_user, django_capture_on_commit_callbacks):
    staff = demo_user("staff_changchun")
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.create_print_batch(actor=staff, certificate_ids=[c.pk for c in issued])
    services.confirm_batch(batch=batch, actor=staff, first_serial="D0001")
    return list(Certificate.objects.filter(pk__in=[c.pk for c in issued]).order_by("number"))


def test_deliver_to_the_holder_or_a_unit(printed, demo_user):
    with pytest.raises(ValidationError, match="不能早于发证日期"):
        services.deliver(certificate_ids=[printed[0].pk], actor=demo_user("staff_nongan"),
                         on=printed[0].issued_on - datetime.timedelta(days=1))
    one = services.deliver(certificate_ids=[printed[0].pk], actor=demo_user("staff_nongan"))[0]
    assert (one.state, one.delivered_to, one.delivered_to_unit) == (State.DELIVERED, one.holder_name, False)
    group = services.deliver(certificate_ids=[c.pk for c in printed[1:]], actor=demo_user("staff_changchun"),
                             to_unit=True, unit_name="农安县某汽车维修有限公司")
    assert {c.delivered_to for c in group} == {"农安县某汽车维修有限公司"}


def test_bad_hand_overs_are_refused(issued, printed, demo_user):
    staff = demo_user("staff_changchun")
    with pytest.raises(ValidationError, match="须填写领取单位名称"):
        services.deliver(certificate_ids=[printed[0].pk], actor=staff, to_unit=True)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.deliver(certificate_ids=[printed[0].pk], actor=staff, on=datetime.date.today() + datetime.timedelta(1))
    with pytest.raises(PermissionDenied):
        services.deliver(certificate_ids=[printed[0].pk], actor=demo_user("staff_gongzhuling"))
    services.deliver(certificate_ids=[printed[0].pk], actor=staff)
    with pytest.raises(ValidationError, match="当前为“已发放”，不能发放"):
        services.deliver(certificate_ids=[printed[0].pk, printed[1].pk], actor=staff)
    printed[1].refresh_from_db()
    assert printed[1].state == State.PRINTED  # all or nothing


def test_an_unprinted_certificate_cannot_be_delivered(issued, demo_user):
    with pytest.raises(ValidationError, match="当前为“已核发待打印”，不能发放"):
        services.deliver(certificate_ids=[issued[0].pk], actor=demo_user("staff_changchun"))


def test_reissue_keeps_the_number_and_prints_on_a_new_blank(printed, demo_user, django_capture_on_commit_callbacks):
    staff = demo_user("staff_changchun")
    services.deliver(certificate_ids=[printed[0].pk], actor=staff)
    certificate = services.request_reissue(certificate=printed[0], actor=staff, reason="遗失")
    assert (certificate.state, certificate.replacement_count) == (State.REISSUED, 1)
    assert list(selectors.print_queue(staff)) == [certificate]
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.create_print_batch(actor=staff, certificate_ids=[certificate.pk])
    services.confirm_batch(batch=batch, actor=staff, first_serial="E0001")
    certificate.refresh_from_db()
    assert (certificate.number, certificate.blank_serial, certificate.state) == (printed[0].number, "E0001", State.PRINTED)
    with pytest.raises(ValidationError, match="须填写原因"):
        services.request_reissue(certificate=printed[1], actor=staff, reason="")


def test_only_the_province_revokes_and_only_once(printed, demo_user):
    with pytest.raises(PermissionDenied, match="只有省职业技能鉴定中心"):
        services.revoke(certificate=printed[0], actor=demo_user("staff_changchun"), reason="x", document="y")
    with pytest.raises(ValidationError, match="请填写撤销文号"):
        services.revoke(certificate=printed[0], actor=demo_user("province_admin"), reason="造假", document=" ")
    revoked = services.revoke(certificate=printed[0], actor=demo_user("province_admin"), reason="造假",
                              document="吉鉴撤〔2017〕3号")
    assert revoked.state == State.REVOKED and revoked.revoked_on
    with pytest.raises(ValidationError, match="已撤销，不能再撤销"):
        services.revoke(certificate=printed[0], actor=demo_user("province_admin"), reason="再次", document="z")
    with pytest.raises(ValidationError, match="已撤销，不能再发放"):
        services.deliver(certificate_ids=[printed[0].pk], actor=demo_user("staff_changchun"))


def test_alerts_are_raised_once_near_and_past_the_deadline(issued, demo_user):
    due = issued[0].due_on  # 2017-07-24
    assert services.check_delivery_deadlines(today=datetime.date(2017, 7, 10)) == 0
    assert services.check_delivery_deadlines(today=datetime.date(2017, 7, 19)) == 3  # 3 working days before
    assert services.check_delivery_deadlines(today=datetime.date(2017, 7, 20)) == 0
    assert services.check_delivery_deadlines(today=due + datetime.timedelta(days=1)) == 3
    assert services.check_delivery_deadlines(today=due + datetime.timedelta(days=2)) == 0
    alert = DeliveryAlert.objects.filter(kind=AlertKind.OVERDUE).first()
    assert {c.name for c in alert.notified_centers.all()} == {"长春市职业技能鉴定中心", "农安县职业技能鉴定中心"}
    assert selectors.overdue_for(demo_user("staff_changchun")).count() == 3
    assert selectors.overdue_for(demo_user("staff_gongzhuling")).count() == 0


def test_home_shows_the_overdue_count(issued, demo_user, logged_in_client):
    services.check_delivery_deadlines(today=issued[0].due_on + datetime.timedelta(days=1))
    page = logged_in_client("staff_nongan").get("/").content.decode()
    assert "3 张证书已超过发放期限" in page
