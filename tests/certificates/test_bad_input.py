"""The "bad input and safety" lists of the certificates issue (CERT-2..CERT-4) and of the reporting
half of the next (CERT-1), for the cases the other files do not try: clicks and clerks at the same
moment, a center that does not print or receive, a guessed URL, a correction whose original is not
reported."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from certificates import selectors, services
from certificates.models import (
    BatchStatus,
    Certificate,
    CertificateCorrection,
    CorrectionKind,
    Report,
    ReportItem,
    ReportState,
    State,
)
from registration.models import Application

# --- Issuing (CERT-4) ------------------------------------------------------------------------------


@pytest.fixture
def demo_loaded(on_postgres, transactional_db):
    """Transactional tests run after the others have flushed the demo data: load it again."""
    from appraisal.demo import load_demo

    load_demo(years=(2017,))


@pytest.mark.django_db(transaction=True)
def test_cert4_a_double_click_issuing_a_session_gives_one_number_each(demo_loaded, published_session, demo_user):
    """Two requests for the same session at the same moment: one issues, the other issues nothing
    (or is told someone just did); each candidate has one certificate, the numbers have no gap."""
    from tests.support.concurrency import at_once

    clerks = iter([demo_user("staff_nongan"), demo_user("staff_changchun")])

    def issue():
        try:
            return services.issue_for_session(published_session, actor=next(clerks))
        except ValidationError as exc:
            return exc

    results = at_once(issue, 2)
    issued = [r for r in results if isinstance(r, services.IssueResult) and r.issued]
    assert len(issued) == 1 and len(issued[0].issued) == 3
    for other in results:
        if other is not issued[0]:
            assert isinstance(other, ValidationError) or {reason for _a, reason in other.refused} == {
                "已核发证书，不能重复核发。"}
    certificates = Certificate.objects.filter(application__seat__session=published_session)
    assert certificates.count() == 3
    assert sorted(certificates.values_list("running_number", flat=True)) == [1, 2, 3]
    assert certificates.values("application").distinct().count() == 3


def test_cert4_issuing_an_application_of_another_session_through_a_session_page_is_ignored(
        published_session, logged_in_client, centers):
    """The row button posts an application id: one not of this session issues nothing."""
    stranger = Application.objects.exclude(seat__session=published_session).first()
    client = logged_in_client("staff_nongan")
    url = reverse("certificates:session_issue", args=[published_session.pk])
    if stranger is not None:
        client.post(url, {"application": [stranger.pk]})
        assert not Certificate.objects.filter(application=stranger).exists()
    # Garbage in the row's field once fell back to issuing the whole session.
    response = client.post(url, {"application": ["x; DROP TABLE", "-1"]}, follow=True)
    assert "所选考生不在本场次中" in response.content.decode()
    # Past the bigint column, or digits int() refuses ("²".isdigit() is true): the same refusal, no 500.
    for forged in ("99999999999999999999", "9223372036854775808", "²", "١٢"):
        response = client.post(url, {"application": [forged]}, follow=True)
        assert response.status_code == 200 and "所选考生不在本场次中" in response.content.decode()
    assert not Certificate.objects.exists()
    one = Application.objects.filter(seat__session=published_session).order_by("pk").first()
    client.post(url, {"application": [one.pk]})
    assert list(Certificate.objects.values_list("application_id", flat=True)) == [one.pk]


def test_cert4_an_hr_official_cannot_issue_even_one(published_session, demo_user):
    application = Application.objects.filter(seat__session=published_session).first()
    for username in ("hr_official", "staff_gongzhuling", "examiner", "staff_school"):
        with pytest.raises(PermissionDenied):
            services.issue_certificate(application, actor=demo_user(username))
    assert not Certificate.objects.exists()


# --- Printing (CERT-2) -----------------------------------------------------------------------------


@pytest.fixture
def batch(issued, demo_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.create_print_batch(actor=demo_user("staff_changchun"), certificate_ids=[c.pk for c in issued])


def test_cert2_a_center_that_does_not_print_them_cannot_batch_confirm_or_cancel(batch, issued, demo_user,
                                                                               logged_in_client):
    for username in ("staff_gongzhuling", "staff_nongan", "province_admin", "staff_school"):
        with pytest.raises(PermissionDenied):
            services.create_print_batch(actor=demo_user(username), certificate_ids=[issued[0].pk])
        with pytest.raises(PermissionDenied):
            services.confirm_batch(batch=batch, actor=demo_user(username), first_serial="Z0001")
        with pytest.raises(PermissionDenied):
            services.cancel_batch(batch=batch, actor=demo_user(username))
        with pytest.raises(PermissionDenied):
            services.record_spoiled(certificate=issued[0], actor=demo_user(username), reason="卡纸")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN
    assert not Certificate.objects.filter(pk__in=[c.pk for c in issued]).exclude(state=State.ISSUED).exists()
    # Another center's batch page, its PDF's job and the confirmation: a 404, as for no batch at all.
    client = logged_in_client("staff_gongzhuling")
    assert client.get(reverse("certificates:batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("certificates:batch", args=[batch.pk]), {"first_serial": "Z0001"}).status_code == 404
    assert client.post(reverse("certificates:batch_cancel", args=[batch.pk])).status_code == 404
    assert client.get(reverse("job_output", args=[batch.job_id])).status_code in (403, 404)


def test_cert2_a_batch_made_of_unknown_or_foreign_ids_is_refused_whole(issued, demo_user, logged_in_client):
    staff = demo_user("staff_changchun")
    with pytest.raises(ValidationError, match="请至少选择一张证书"):
        services.create_print_batch(actor=staff, certificate_ids=[])
    with pytest.raises(ValidationError, match="部分证书不存在"):
        services.create_print_batch(actor=staff, certificate_ids=[issued[0].pk, 10**9])
    response = logged_in_client("staff_changchun").post(reverse("certificates:batch_create"),
                                                        {"certificate": ["abc", str(10**9)]}, follow=True)
    assert "部分证书不存在" in response.content.decode()
    assert not selectors.print_batches_for(staff).exists()


def test_cert2_a_certificate_revoked_before_batching_is_not_printable(issued, demo_user):
    services.revoke(certificate=issued[0], actor=demo_user("province_admin"), reason="造假", document="吉鉴撤7号")
    with pytest.raises(ValidationError, match="已撤销，不能再打印"):
        services.create_print_batch(actor=demo_user("staff_changchun"), certificate_ids=[c.pk for c in issued])
    assert not selectors.print_batches_for(demo_user("staff_changchun")).exists()  # nothing half-made
    assert issued[0] not in selectors.print_queue(demo_user("staff_changchun"))


# --- The candidate (CERT-4) ------------------------------------------------------------------------


def test_cert4_a_candidate_guessing_another_certificate_learns_nothing(issued, logged_in_client):
    mine, other = issued[0], issued[1]
    client = logged_in_client(mine.application.candidate)
    for pk in (other.pk, 10**9):  # another's, and one that does not exist: the same 404
        assert client.get(reverse("certificates:pdf", args=[pk])).status_code == 404
    # The staff page of a certificate is closed to candidates whatever the number: no difference
    # between someone else's, a made-up one and their own.
    answers = {client.get(reverse("certificates:detail", args=[pk])).status_code for pk in (mine.pk, other.pk, 10**9)}
    assert answers == {403}
    listing = client.get(reverse("certificates:mine")).content.decode()
    assert mine.number in listing and other.number not in listing


def test_cert4_a_revoked_certificate_is_not_downloaded(issued, logged_in_client, demo_user):
    services.revoke(certificate=issued[0], actor=demo_user("province_admin"), reason="造假", document="吉鉴撤8号")
    client = logged_in_client(issued[0].application.candidate)
    assert client.get(reverse("certificates:pdf", args=[issued[0].pk])).status_code == 403
    assert "已撤销" in client.get(reverse("certificates:mine")).content.decode()


# --- Reporting (CERT-1) ----------------------------------------------------------------------------


@pytest.fixture
def county_report(issued, demo_user):
    return services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[c.pk for c in issued])


def test_cert1_a_report_posted_twice_is_one_report(issued, logged_in_client):
    client = logged_in_client("staff_nongan")
    ids = [c.pk for c in issued]
    client.post(reverse("certificates:report_send"), {"certificate": ids})
    again = client.post(reverse("certificates:report_send"), {"certificate": ids}, follow=True)
    assert "不在本机构的待上报列表中" in again.content.decode()
    assert Report.objects.count() == 1 and ReportItem.objects.count() == 3


def test_cert1_accepting_twice_or_after_a_return_is_refused(county_report, demo_user):
    city = demo_user("staff_changchun")
    services.accept_report(report=county_report, actor=city)
    with pytest.raises(ValidationError, match="该批次已接收，不能再处理"):
        services.accept_report(report=county_report, actor=city)
    with pytest.raises(ValidationError):
        services.return_report(report=county_report, actor=city, reason="晚了")
    county_report.refresh_from_db()
    assert county_report.state == ReportState.ACCEPTED and county_report.return_reason == ""


def test_cert1_a_forwarded_report_is_accepted_by_the_province_only(county_report, demo_user):
    services.accept_report(report=county_report, actor=demo_user("staff_changchun"))
    forwarded = services.forward_report(county_report.pk)
    for username in ("staff_changchun", "staff_nongan", "staff_gongzhuling", "hr_official"):
        with pytest.raises(PermissionDenied):  # the city that sent it on, the county, another center
            services.accept_report(report=forwarded, actor=demo_user(username))
    forwarded.refresh_from_db()
    assert forwarded.state == ReportState.SENT
    services.accept_report(report=forwarded, actor=demo_user("province_admin"))


def test_cert1_a_return_reason_too_long_is_refused(county_report, demo_user):
    with pytest.raises(ValidationError, match="退回原因不能超过"):
        services.return_report(report=county_report, actor=demo_user("staff_changchun"), reason="错" * 301)
    county_report.refresh_from_db()
    assert county_report.state == ReportState.SENT


def test_cert1_the_city_cannot_send_the_countys_certificates_before_accepting_them(county_report, issued,
                                                                                   demo_user):
    with pytest.raises(ValidationError, match="不在本机构的待上报列表中"):
        services.send_report(actor=demo_user("staff_changchun"), certificate_ids=[issued[0].pk])
    with pytest.raises(ValidationError, match="请选择1至"):
        services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[])


def test_cert1_a_correction_whose_original_was_returned_is_not_sent(county_report, issued, demo_user):
    """The name is amended after the report went up, then the city returns the report: the
    correction would refer to data the city never accepted. It waits until the original is sent
    again."""
    clerk = demo_user("staff_nongan")
    services.amend_holder_name(certificate=issued[0], actor=clerk, name="考生改名", reason="错字")
    correction = CertificateCorrection.objects.get(certificate=issued[0])
    services.return_report(report=county_report, actor=demo_user("staff_changchun"), reason="照片不清")
    with pytest.raises(ValidationError, match="首次上报已被退回"):
        services.send_corrections(actor=clerk, correction_ids=[correction.pk])
    assert not Report.objects.filter(kind="correction").exists()
    services.send_report(actor=clerk, certificate_ids=[c.pk for c in issued])  # carries the new name
    assert services.send_corrections(actor=clerk, correction_ids=[correction.pk]).kind == "correction"


def test_cert1_a_correction_is_sent_by_its_own_center_only(county_report, issued, demo_user):
    services.amend_holder_name(certificate=issued[0], actor=demo_user("staff_nongan"), name="考生改名",
                               reason="错字")
    correction = CertificateCorrection.objects.get(certificate=issued[0])
    with pytest.raises(ValidationError, match="请选择本机构待上报的更正"):
        services.send_corrections(actor=demo_user("staff_changchun"), correction_ids=[correction.pk])
    with pytest.raises(ValidationError, match="请选择本机构待上报的更正"):
        services.send_corrections(actor=demo_user("staff_nongan"), correction_ids=[])
    with pytest.raises(PermissionDenied):
        services.send_corrections(actor=demo_user("hr_official"), correction_ids=[correction.pk])


def test_cert1_a_correction_for_a_certificate_never_reported_is_refused(issued, demo_user):
    for kind in (CorrectionKind.AMENDMENT, CorrectionKind.REISSUE, CorrectionKind.REVOCATION):
        with pytest.raises(ValidationError, match="尚未上报，无需更正上报"):
            services.record_correction(certificate=issued[0], kind=kind, detail="x", actor=demo_user("staff_nongan"))
    services.amend_holder_name(certificate=issued[0], actor=demo_user("staff_nongan"), name="考生改名", reason="错字")
    assert not CertificateCorrection.objects.exists()  # the first report will carry the new name
