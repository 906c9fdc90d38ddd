"""CERT-4 and CERT-3: who gets a certificate, its number, its deadline; refusals in Chinese."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from certificates import services
from certificates.models import Certificate, CertificateTransition, State
from exams.models import Subject
from registration.models import Application, Status
from tests.certificates.conftest import score_and_publish, write_opinions


def test_cert4_session_issue_numbers_follow_the_scheme(issued, centers):
    nongan = centers["nongan"]
    numbers = sorted(c.number for c in issued)
    year = issued[0].issued_on.year % 100
    prefix = f"{year:02d}22{nongan.certificate_prefecture}{nongan.certificate_body_kind}{nongan.certificate_body_serial:03d}5"
    assert numbers == [f"{prefix}{n:05d}" for n in (1, 2, 3)]
    assert all(len(n) == 16 and n.isdigit() for n in numbers)
    assert nongan.certificate_prefecture == "01"  # 长春's code 220100


def test_cert2_county_certificates_are_printed_by_the_city(issued, centers):
    assert {c.printing_center for c in issued} == {centers["changchun"]}
    assert {c.body for c in issued} == {centers["nongan"]}


def test_cert3_due_fifteen_working_days_after_publication(issued):
    # Published Monday 2017-07-03; 15 working days later (no holiday in July) is Monday 2017-07-24.
    assert {c.due_on for c in issued} == {datetime.date(2017, 7, 24)}
    # Across 国庆/中秋 2017: Saturday 9-30 was a working day, 10-1..10-8 were off: 1 + 5 + 5 + 4 = 15.
    assert services.delivery_due(datetime.date(2017, 9, 29)) == datetime.date(2017, 10, 26)


def test_issue_is_audited_and_copies_the_holder(issued, demo_user):
    certificate = issued[0]
    application = certificate.application
    assert (certificate.holder_name, certificate.holder_id_number) == (application.name, application.id_number)
    entry = CertificateTransition.objects.get(certificate=certificate)
    assert (entry.from_state, entry.to_state, entry.actor) == ("", State.ISSUED, demo_user("staff_nongan"))


def test_a_second_issue_gives_no_second_certificate(issued, published_session, demo_user):
    again = services.issue_for_session(published_session, actor=demo_user("staff_nongan"))
    assert again.issued == []
    assert {reason for _a, reason in again.refused} == {"已核发证书，不能重复核发。"}
    with pytest.raises(ValidationError, match="已核发证书"):
        services.issue_certificate(issued[0].application, actor=demo_user("staff_nongan"))
    assert Certificate.objects.count() == 3


@pytest.mark.parametrize(("change", "reason"), [
    ({"fee_paid": False}, "鉴定费尚未缴纳"),
    ({"center_opinion": ""}, "尚无职业技能鉴定中心意见"),
    ({"hr_opinion": ""}, "尚无人力资源社会保障行政部门意见"),
    ({"status": Status.WITHDRAWN}, "申报状态为“已撤回”"),
])
def test_not_eligible_is_refused_with_the_reason(published_session, demo_user, change, reason):
    application = Application.objects.filter(seat__session=published_session).first()
    Application.objects.filter(pk=application.pk).update(**change)
    with pytest.raises(ValidationError, match=reason):
        services.issue_certificate(application, actor=demo_user("staff_nongan"))
    assert not Certificate.objects.filter(application=application).exists()


def test_failed_and_unpublished_are_refused(seated_session, demo_user):
    staff = demo_user("staff_nongan")
    first = Application.objects.filter(seat__session=seated_session).order_by("pk").first()
    with pytest.raises(ValidationError, match="本场次成绩尚未发布"):
        services.issue_for_session(seated_session, actor=staff)
    with pytest.raises(ValidationError, match="鉴定成绩尚未发布"):
        services.issue_certificate(first, actor=staff)
    score_and_publish(seated_session, staff, values={(first.pk, Subject.SKILL): 40})
    write_opinions(Application.objects.filter(seat__session=seated_session), demo_user("hr_official"))
    result = services.issue_for_session(seated_session, actor=staff)
    assert len(result.issued) == 2
    assert [(a.pk, r) for a, r in result.refused] == [(first.pk, "鉴定结果为不合格，不能核发证书。")]


def test_staff_outside_scope_cannot_issue(published_session, demo_user):
    for username in ("staff_gongzhuling", "hr_official", "examiner"):
        with pytest.raises(PermissionDenied):
            services.issue_for_session(published_session, actor=demo_user(username))
    assert not Certificate.objects.exists()


def test_the_city_and_the_province_may_issue_for_the_county(published_session, demo_user):
    assert len(services.issue_for_session(published_session, actor=demo_user("staff_changchun")).issued) == 3


def test_certified_application_cannot_be_withdrawn_nor_unpaid(issued, demo_user):
    from appraisal import extensions
    from certificates.services import guards

    application = issued[0].application
    assert guards.certified_application_stays in extensions.APPLICATION_WITHDRAWAL_GUARDS.implementations
    assert guards.certified_application_stays in extensions.PAYMENT_WITHDRAWAL_GUARDS.implementations
    assert extensions.APPLICATION_WITHDRAWAL_GUARDS.first_refusal(application) == (
        f"该申报已核发证书（编号{issued[0].number}），不能撤回或撤销缴费。")


def test_score_correction_of_a_certified_application_needs_revocation_first(issued, demo_user):
    from exams import services as exam_services
    from exams.models import Score

    score = Score.objects.filter(application=issued[0].application).first()
    with pytest.raises(ValidationError, match="须先由省鉴定中心撤销证书"):
        exam_services.request_score_correction(score=score, new_value=50, reason="复核", actor=demo_user("staff_nongan"))
    services.revoke(certificate=issued[0], actor=demo_user("province_admin"), reason="成绩复核", document="吉鉴撤1号")
    assert exam_services.request_score_correction(score=score, new_value=50, reason="复核",
                                                  actor=demo_user("staff_nongan")).pk


def test_form_prints_the_certificate_number(issued):
    from registration import pdf

    application = issued[0].application
    assert pdf.later_filled([application])[application.pk]["certificate_number"] == issued[0].number


def test_revoked_certificate_leaves_the_form_and_allows_a_new_one(issued, demo_user):
    from registration import pdf

    certificate = issued[0]
    services.revoke(certificate=certificate, actor=demo_user("province_admin"), reason="材料造假", document="吉鉴撤〔2017〕1号")
    application = certificate.application
    assert "certificate_number" not in pdf.later_filled([application]).get(application.pk, {})
    again = services.issue_certificate(application, actor=demo_user("staff_nongan"))
    assert again.number != certificate.number and again.running_number == 4  # the revoked number is never reused
