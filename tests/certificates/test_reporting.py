"""CERT-1: certificate data reported once per issuance, level by level (county → city → province),
accepted or returned at each hop; corrections refer to the original; the province's records feed
the national exchange."""

import csv
import datetime
import hashlib
import io

import pytest
from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from kombu.exceptions import OperationalError

from appraisal import outbox
from appraisal.models import OutboxMessage
from certificates import services
from certificates.models import (
    Certificate,
    CorrectionKind,
    PublishedRecord,
    Report,
    ReportItem,
    ReportReminder,
    ReportState,
)


@pytest.fixture
def county_report(issued, demo_user):
    return services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[c.pk for c in issued])


def _accept_all_the_way(report, demo_user, capture):
    with capture(execute=True):  # the forward to the province runs through the outbox after the commit
        services.accept_report(report=report, actor=demo_user("staff_changchun"))
    forwarded = Report.objects.get(origin=report)
    services.accept_report(report=forwarded, actor=demo_user("province_admin"))
    return forwarded


def test_cert1_county_city_province_once(county_report, issued, demo_user, centers,
                                         django_capture_on_commit_callbacks):
    assert (county_report.sender, county_report.receiver, county_report.hop) == (centers["nongan"],
                                                                               centers["changchun"], 0)
    assert not services.unreported(centers["nongan"]).exists()
    forwarded = _accept_all_the_way(county_report, demo_user, django_capture_on_commit_callbacks)
    assert (forwarded.sender, forwarded.receiver, forwarded.hop, forwarded.created_by) == (
        centers["changchun"], centers["province"], 1, None)
    records = PublishedRecord.objects.order_by("pk")
    assert [r.certificate_id for r in records] == [c.pk for c in sorted(issued, key=lambda c: c.pk)]
    assert records[0].payload["number"] == issued[0].number and records[0].kind == "original"
    assert ReportItem.objects.filter(state=ReportState.ACCEPTED).count() == 6  # 3 certificates × 2 hops


def test_cert1_a_certificate_is_not_reported_twice(county_report, issued, demo_user):
    with pytest.raises(ValidationError, match="不在本机构的待上报列表中"):
        services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[issued[0].pk])
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it whatever the code does
        ReportItem.objects.create(report=county_report, certificate=issued[0], hop=0, kind="original")


def test_cert1_only_the_next_level_up_accepts(county_report, demo_user):
    for username in ("province_admin", "staff_gongzhuling", "staff_nongan", "hr_official"):
        with pytest.raises(PermissionDenied):
            services.accept_report(report=county_report, actor=demo_user(username))
    county_report.refresh_from_db()
    assert county_report.state == ReportState.SENT


def test_cert1_only_own_certificates_are_sent(issued, demo_user):
    with pytest.raises(ValidationError, match="不在本机构的待上报列表中"):
        services.send_report(actor=demo_user("staff_changchun"), certificate_ids=[issued[0].pk])
    with pytest.raises(PermissionDenied):
        services.send_report(actor=demo_user("hr_official"), certificate_ids=[issued[0].pk])


def test_cert1_returned_with_reason_then_sent_again(county_report, issued, demo_user):
    with pytest.raises(ValidationError, match="退回须填写原因"):
        services.return_report(report=county_report, actor=demo_user("staff_changchun"), reason=" ")
    services.return_report(report=county_report, actor=demo_user("staff_changchun"), reason="姓名与身份证不符")
    assert set(services.unreported(issued[0].body)) == set(issued)
    again = services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[c.pk for c in issued])
    assert again.pk != county_report.pk
    with pytest.raises(ValidationError, match="已退回"):
        services.accept_report(report=county_report, actor=demo_user("staff_changchun"))


def test_cert1_forward_runs_once_whatever_the_deliveries(county_report, demo_user):
    services.accept_report(report=county_report, actor=demo_user("staff_changchun"))  # on_commit not run here
    first = services.forward_report(county_report.pk)
    assert first is not None and services.forward_report(county_report.pk) is None
    assert Report.objects.filter(origin=county_report).count() == 1


def test_cert1_forward_survives_a_broker_outage(county_report, demo_user, monkeypatch,
                                                django_capture_on_commit_callbacks):
    import certificates.tasks  # noqa: F401  (registers the task)

    task = current_app.tasks["certificates.forward_report"]

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_report(report=county_report, actor=demo_user("staff_changchun"))
    message = OutboxMessage.objects.get(task="certificates.forward_report")
    assert message.sent_at is None and not Report.objects.filter(origin=county_report).exists()
    monkeypatch.undo()
    outbox.relay()
    assert Report.objects.filter(origin=county_report).count() == 1


def test_cert1_revocation_travels_as_a_correction(county_report, issued, demo_user,
                                                  django_capture_on_commit_callbacks):
    _accept_all_the_way(county_report, demo_user, django_capture_on_commit_callbacks)
    services.revoke(certificate=issued[0], actor=demo_user("province_admin"), reason="材料造假", document="吉鉴撤5号")
    correction = services.unreported_corrections(issued[0].body).get()
    assert correction.kind == CorrectionKind.REVOCATION and "吉鉴撤5号" in correction.detail
    report = services.send_corrections(actor=demo_user("staff_nongan"), correction_ids=[correction.pk])
    _accept_all_the_way(report, demo_user, django_capture_on_commit_callbacks)
    published = PublishedRecord.objects.get(kind="correction")
    assert published.correction == correction and published.payload["state"] == "revoked"
    assert PublishedRecord.objects.filter(certificate=issued[0], kind="original").count() == 1  # never twice


def test_cert1_a_never_reported_certificate_needs_no_correction(issued, demo_user):
    with pytest.raises(ValidationError, match="尚未上报，无需更正上报"):
        services.record_correction(certificate=issued[0], kind=CorrectionKind.AMENDMENT, detail="姓名",
                                   actor=demo_user("staff_nongan"))
    services.revoke(certificate=issued[0], actor=demo_user("province_admin"), reason="造假", document="吉鉴撤6号")
    assert not services.unreported_corrections(issued[0].body).exists()  # the first report carries it


def test_cert1_name_amendment_is_a_correction(county_report, issued, demo_user):
    services.amend_holder_name(certificate=issued[1], actor=demo_user("staff_nongan"), name="考生零一",
                               reason="录入错字")
    assert Certificate.objects.get(pk=issued[1].pk).holder_name == "考生零一"
    assert services.unreported_corrections(issued[1].body).get().kind == CorrectionKind.AMENDMENT
    with pytest.raises(PermissionDenied):
        services.amend_holder_name(certificate=issued[1], actor=demo_user("staff_gongzhuling"), name="x", reason="y")


def test_province_own_certificates_are_checked_by_the_province(demo_user, centers):
    from certificates.services.reporting import chain

    assert chain(centers["province"]) == [centers["province"], centers["province"]]
    assert chain(centers["nongan"]) == [centers["nongan"], centers["changchun"], centers["province"]]
    assert chain(centers["enterprise"]) == [centers["enterprise"], centers["province"]]


def test_national_export_is_incremental_with_a_manifest(county_report, issued, demo_user,
                                                        django_capture_on_commit_callbacks):
    Certificate.objects.filter(pk=issued[2].pk).update(holder_name="=HYPERLINK(1)")
    _accept_all_the_way(county_report, demo_user, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.export_increment(actor=demo_user("staff_changchun"))
    export = services.export_increment(actor=demo_user("province_admin"))
    content = export.file.open("rb").read()
    assert export.manifest["sha256"] == hashlib.sha256(content).hexdigest() and export.rows == 3
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert rows[0]["number"] == issued[0].number and rows[0]["record_kind"] == "original"
    assert "'=HYPERLINK(1)" in {r["holder_name"] for r in rows}  # never a formula in a spreadsheet
    with pytest.raises(ValidationError, match="没有新的"):
        services.export_increment(actor=demo_user("province_admin"))


def test_exchange_api_pages_by_cursor(county_report, demo_user, logged_in_client,
                                      django_capture_on_commit_callbacks):
    _accept_all_the_way(county_report, demo_user, django_capture_on_commit_callbacks)
    client = logged_in_client("province_admin")
    first = client.get("/api/certificates/exchange/", {"after": 0, "limit": 2}).json()
    assert len(first["records"]) == 2 and first["has_more"] and first["format"] == "jl-certificate-exchange/1"
    rest = client.get("/api/certificates/exchange/", {"after": first["next_after"], "limit": 2}).json()
    assert len(rest["records"]) == 1 and not rest["has_more"]
    assert client.get("/api/certificates/exchange/", {"limit": 0}).status_code == 400
    assert logged_in_client("staff_changchun").get("/api/certificates/exchange/").status_code == 403


def test_unreported_reminder_once_a_day(issued, demo_user, logged_in_client):
    today = issued[0].issued_on + datetime.timedelta(days=30)
    assert services.remind_unreported(today=today, working_days=5) == 1
    assert services.remind_unreported(today=today, working_days=5) == 0
    assert ReportReminder.objects.get().unreported == 3


def test_board_and_report_pages(county_report, logged_in_client):
    city = logged_in_client("staff_changchun")
    board = city.get("/certificates/reports/").content.decode()
    assert county_report.identifier in board
    page = city.get(f"/certificates/reports/{county_report.pk}/").content.decode()
    assert 'data-testid="accept-report"' in page
    response = city.post(f"/certificates/reports/{county_report.pk}/decide/", {"decision": "return", "reason": ""},
                         follow=True)
    assert "退回须填写原因" in response.content.decode()
    assert logged_in_client("staff_gongzhuling").get(f"/certificates/reports/{county_report.pk}/").status_code == 404


@pytest.fixture
def demo_loaded(on_postgres, transactional_db):
    """Transactional tests run after the others have flushed the demo data: load it again."""
    from appraisal.demo import load_demo

    load_demo(years=(2017,))


@pytest.mark.django_db(transaction=True)
def test_cert1_two_clerks_sending_at_once_make_one_report(demo_loaded, issued, demo_user):
    from tests.support.concurrency import at_once

    clerks = iter([demo_user("staff_nongan"), demo_user("staff_nongan")])
    ids = [c.pk for c in issued]

    def send():
        try:
            return services.send_report(actor=next(clerks), certificate_ids=ids)
        except ValidationError as exc:
            return exc

    results = at_once(send, 2)
    assert sum(isinstance(r, Report) for r in results) == 1
    assert ReportItem.objects.filter(hop=0).count() == 3
