"""Certificates in the browser (CERT-2..CERT-4), on the demo's two published sessions of 农安县:

- 农安's clerk issues the recent session's certificates in one click (a double click gives each
  candidate one number);
- 长春's clerk prints a batch from the queue, watches the progress bar of the PDF's job while a
  worker lays it out, downloads the PDF and confirms the blanks;
- a candidate on a phone sees their certificate, its state and the day it is due, and downloads the
  electronic certificate; another candidate's certificate URL is a 404.
"""

import io
import threading

import pytest
from celery import current_app
from django.db import connection
from playwright.sync_api import expect
from pypdf import PdfReader

from appraisal.models import User
from certificates import documents, services
from certificates.models import Certificate, State
from exams.models import ExamSession
from tests.e2e.conftest import no_sideways_scroll

pytestmark = pytest.mark.e2e

RECENT_NAMES = ["蒋涛", "沈洁", "韩磊", "杨帆"]  # certificates/demo.py: the recent session's qualified four


def recent_session() -> ExamSession:
    """The demo's session published two days ago, not yet issued (the most recent of 农安)."""
    return ExamSession.objects.filter(center__division_code="220122", status="published").order_by("-day").first()


@pytest.fixture
def cert_demo(demo):
    """Every app's demo part (the `demo` fixture loads the core's only): the certificates' needs the
    exams' sites and rooms."""
    from config.management.commands.load_demo import demo_loaders

    for label, load in demo_loaders():
        if label != "appraisal":
            load(stdout=None, quiet=True)


@pytest.fixture
def recent_issued(cert_demo):
    """The recent session's four qualified candidates, issued by 农安's clerk."""
    result = services.issue_for_session(recent_session(), actor=User.objects.get(username="staff_nongan"))
    assert len(result.issued) == 4
    return sorted(result.issued, key=lambda c: c.number)


def test_cert4_clerk_issues_a_sessions_certificates_once_whatever_the_clicks(page, login, url, cert_demo, artifacts):
    session = recent_session()
    login(page, "staff_nongan")
    page.get_by_role("link", name="证书核发").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("证书核发")
    page.get_by_test_id("certify-sessions").locator("tbody tr").filter(
        has_text=f"{session.day:%Y-%m-%d}").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("核发证书：汽车维修工")
    expect(page.get_by_test_id("eligible-count")).to_have_text("4")
    rows = page.get_by_test_id("issue-rows").locator("tbody tr")
    expect(rows.filter(has_text="朱琳")).to_contain_text("鉴定结果为不合格")

    page.on("dialog", lambda dialog: dialog.accept())  # "为本场次全部符合条件的考生核发证书？", twice
    page.get_by_test_id("issue-all").dblclick()  # an impatient double click: two requests
    expect(page.get_by_test_id("issued-number")).to_have_count(4)
    page.reload()
    expect(page.get_by_test_id("eligible-count")).to_have_text("0")
    expect(page.get_by_test_id("issue-all")).to_be_disabled()
    page.screenshot(path=artifacts / "certificates-issued.png", full_page=True)

    certificates = Certificate.objects.filter(application__seat__session=session)
    assert sorted(certificates.values_list("holder_name", flat=True)) == sorted(RECENT_NAMES)
    running = sorted(certificates.values_list("running_number", flat=True))
    assert running == list(range(running[0], running[0] + 4))  # one number each, consecutive, none lost
    shown = page.get_by_test_id("issued-number").all_inner_texts()
    assert sorted(shown) == sorted(certificates.values_list("number", flat=True))


@pytest.fixture
def slow_worker(monkeypatch):
    """The PDF's job runs in a worker thread (not eagerly inside the request), one certificate per
    chunk, and holds after the first until the test releases it: the page can be watched."""
    release, errors, threads = threading.Event(), [], []
    render = documents.render_certificates

    def held_render(certificates, *, progress=None):
        def report(done, total):
            progress(done, total)
            if done == 1:
                release.wait(30)
        return render(certificates, progress=report)

    def work(job_id):
        from appraisal.jobs import run_job

        try:
            run_job(job_id)
        except Exception as exc:  # noqa: BLE001 (shown by the test)
            errors.append(exc)
        finally:
            connection.close()

    def deliver(args=None, **kwargs):
        thread = threading.Thread(target=work, args=tuple(args or ()), daemon=True)
        threads.append(thread)
        thread.start()

    import appraisal.tasks  # noqa: F401  (registers the task)

    monkeypatch.setattr(documents, "CHUNK", 1)
    monkeypatch.setattr(documents, "render_certificates", held_render)
    monkeypatch.setattr(current_app.tasks["appraisal.run_job"], "apply_async", deliver)
    yield release
    release.set()
    for thread in threads:
        thread.join(60)
    assert errors == []


def test_cert2_city_prints_a_batch_watching_its_progress(page, login, url, recent_issued, slow_worker, artifacts):
    login(page, "staff_changchun")
    page.get_by_role("link", name="证书打印", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("证书打印队列")
    queue = page.get_by_test_id("print-queue").locator("tbody tr")
    expect(queue).to_have_count(4)
    for certificate in recent_issued:
        expect(queue.filter(has_text=certificate.number)).to_contain_text(certificate.holder_name)
    page.get_by_test_id("create-batch").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("证书打印批次")
    expect(page.get_by_test_id("job-state")).to_contain_text("已处理 1 / 4 张")  # polled while the worker holds
    bar = page.locator("[data-job-progress]")
    expect(bar).to_have_attribute("max", "4")
    expect(bar).to_have_attribute("value", "1")
    page.screenshot(path=artifacts / "certificates-print-progress.png", full_page=True)
    slow_worker.set()

    download_link = page.get_by_test_id("job-file")  # the page reloads itself once the job is done
    expect(download_link).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        download_link.click()
    with open(download_info.value.path(), "rb") as saved:
        reader = PdfReader(io.BytesIO(saved.read()))
    assert len(reader.pages) == 4
    first = reader.pages[0].extract_text()
    assert f"证书编号：{recent_issued[0].number}" in first and recent_issued[0].holder_name in first

    page.get_by_label("本批第一张证书的流水码").fill("J2026100001")
    page.get_by_test_id("confirm-batch").click()
    expect(page.locator(".messages")).to_contain_text("已确认：打印 4 张。")
    expect(page.get_by_test_id("batch-status")).to_have_text("已确认打印")
    expect(page.get_by_test_id("batch-items")).to_contain_text("J2026100004")
    page.screenshot(path=artifacts / "certificates-print-confirmed.png", full_page=True)
    printed = Certificate.objects.filter(pk__in=[c.pk for c in recent_issued]).order_by("number")
    assert [(c.state, c.blank_serial) for c in printed] == [
        (State.PRINTED, f"J202610000{i}") for i in range(1, 5)]
    page.get_by_role("link", name="返回打印队列").click()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()


def test_cert3_candidate_on_a_phone_sees_the_due_day_and_downloads_the_certificate(
        phone_page, login, url, recent_issued, artifacts):
    page = phone_page
    mine = recent_issued[0]
    other = recent_issued[1]
    login(page, mine.application.candidate.username)
    page.get_by_role("link", name="我的证书", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的证书")
    card = page.get_by_test_id("my-certificate")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("my-certificate-number")).to_have_text(mine.number)
    expect(card).to_contain_text("已核发待打印")
    due = mine.due_on
    expect(card.get_by_test_id("due-on")).to_have_text(
        f"{due.year}年{due.month}月{due.day}日前由长春市职业技能鉴定中心发放")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "certificates-mine-phone.png", full_page=True)

    with page.expect_download() as download_info:
        card.get_by_test_id("download-certificate").click()
    with open(download_info.value.path(), "rb") as saved:
        reader = PdfReader(io.BytesIO(saved.read()))
    assert len(reader.pages) == 1
    assert f"证书编号：{mine.number}" in reader.pages[0].extract_text()

    # Someone else's certificate, by its URL: the same 404 as a certificate that does not exist.
    for pk in (other.pk, 10**9):
        response = page.request.get(url(f"/certificates/{pk}/pdf/"))
        assert response.status == 404, pk
    assert other.number not in page.content()


def _log_in_as(page, login, username):
    page.context.clear_cookies()
    login(page, username)


def test_cert1_county_reports_the_city_then_the_province_accept(page, login, url, recent_issued, artifacts):
    from certificates.models import PublishedRecord, Report, ReportState

    # 农安 (the county that appraised) reports the four new certificates to 长春.
    _log_in_as(page, login, "staff_nongan")
    page.get_by_role("link", name="证书数据上报", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("证书数据上报")
    unreported = page.get_by_test_id("unreported")
    expect(unreported.get_by_role("heading", level=2)).to_have_text("待上报证书（4）")
    for certificate in recent_issued:
        expect(unreported).to_contain_text(certificate.number)
    page.screenshot(path=artifacts / "certificates-report-board.png", full_page=True)
    unreported.get_by_test_id("send-report").click()
    expect(page.locator(".messages")).to_contain_text("已上报 4 张证书")
    expect(page.locator(".messages")).to_contain_text("等待长春市职业技能鉴定中心接收")
    expect(page.get_by_test_id("report-state")).to_have_text("待接收")
    report = Report.objects.get(sender__division_code="220122", state=ReportState.SENT)

    # 长春 accepts it; the outbox forwards it to the province.
    _log_in_as(page, login, "staff_changchun")
    page.goto(url("/certificates/reports/"))
    page.get_by_test_id("incoming").get_by_role("link", name=report.identifier).click()
    expect(page.get_by_test_id("report-items").locator("tbody tr")).to_have_count(4)
    page.get_by_test_id("accept-report").click()
    expect(page.locator(".messages")).to_contain_text("已接收，数据将自动转报上一级。")
    expect(page.get_by_test_id("report-state")).to_contain_text("已接收")
    forwarded = Report.objects.get(origin=report)
    assert (forwarded.sender.name, forwarded.receiver.parent_id) == ("长春市职业技能鉴定中心", None)

    # The province accepts: the four are published (verification and the national exchange).
    _log_in_as(page, login, "province_admin")
    page.goto(url("/certificates/reports/"))
    incoming = page.get_by_test_id("incoming")
    expect(incoming).to_contain_text("长春市职业技能鉴定中心")
    incoming.get_by_role("link", name=forwarded.identifier).click()
    page.get_by_test_id("accept-report").click()
    expect(page.locator(".messages")).to_contain_text("已接收。")
    expect(page.get_by_test_id("accept-report")).to_have_count(0)
    assert set(PublishedRecord.objects.filter(kind="original", certificate__in=recent_issued)
               .values_list("certificate_id", flat=True)) == {c.pk for c in recent_issued}

    # Back at 农安, the report it sent reads accepted, and nothing is left to report.
    _log_in_as(page, login, "staff_nongan")
    page.goto(url("/certificates/reports/"))
    expect(page.get_by_test_id("sent").locator("tbody tr").filter(has_text=report.identifier)).to_contain_text(
        "已接收")
    expect(page.get_by_test_id("unreported")).to_contain_text("没有待上报的证书。")
    page.screenshot(path=artifacts / "certificates-report-accepted.png", full_page=True)
