"""Papers and their custody in the browser (EXAM-9, EXAM-10): the 农安县 clerk (长春 runs a sub-bank of
the national question bank, so 农安 composes its own papers) composes the theory paper, appends a sealed
hand-over to the custody log, and opens the printable trace, which lists both hand-overs in order."""

import datetime

import pytest
from playwright.sync_api import expect

from appraisal.models import Center, Occupation, ScheduledAppraisalDay, User
from exams import demo as exams_demo
from exams import services
from exams.models import CustodyAction, CustodyEntry, Paper, Site

pytestmark = pytest.mark.e2e


@pytest.fixture
def planned_session(demo):
    """A session of 汽车维修工 level 5 at the demo site of 农安县 on the 2017-06-17 scheduled day."""
    exams_demo.load()
    nongan = Center.objects.get(division_code="220122")
    staff = User.objects.get(username="staff_nongan")
    day = ScheduledAppraisalDay.objects.get(center=nongan, day=datetime.date(2017, 6, 17))
    return services.schedule_session(actor=staff, center=nongan, site=Site.objects.get(center=nongan),
                                     occupation=Occupation.objects.get(name="汽车维修工"), level=5, target=day, allow_past=True)


def test_exam9_exam10_compose_paper_record_custody_print_trace(page, login, url, artifacts, planned_session):
    session = planned_session
    login(page, "staff_nongan")
    page.goto(url(f"/exams/sessions/{session.pk}/"))
    page.get_by_role("link", name="准考证、试卷、督导与违纪").click()
    expect(page.get_by_test_id("paper-source")).to_contain_text("自行抽题组卷")

    # Compose the theory paper: a bad number of copies is refused first, nothing saved.
    compose = page.get_by_test_id("compose-form")
    compose.get_by_label("科目").select_option(label="理论知识")
    compose.get_by_label("份数").fill("0")
    compose.get_by_label("试卷编号").fill("CC-2017-0617-LL")
    compose.get_by_role("button", name="组卷并封存").click()
    expect(page.get_by_test_id("compose-form")).to_contain_text("份数必须是正整数。")
    assert not Paper.objects.exists()
    compose = page.get_by_test_id("compose-form")
    compose.get_by_label("份数").fill("30")
    compose.get_by_role("button", name="组卷并封存").click()
    expect(page.locator(".messages")).to_contain_text("已组卷：CC-2017-0617-LL（理论知识，30份），已记入保密交接记录。")
    papers = page.get_by_test_id("papers")
    expect(papers).to_contain_text("CC-2017-0617-LL")
    paper = Paper.objects.get()

    # The custody log starts with the sealing; append the sealed hand-over to the exam site.
    papers.get_by_role("link", name="1 条").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("保密交接记录 · CC-2017-0617-LL")
    expect(page.get_by_test_id("custody-entry")).to_have_count(1)
    form = page.get_by_test_id("custody-form")
    form.get_by_label("环节").select_option(label="密封移交")
    form.get_by_label("交出人").fill("长春市鉴定中心 李保密")
    form.get_by_label("接收人").fill("农安县考点 孙主考")
    form.get_by_label("份数").fill("30")
    form.get_by_label("密封完好").check()
    form.get_by_role("button", name="追加记录").click()
    expect(page.locator(".messages")).to_contain_text("已追加交接记录。")
    entries = page.get_by_test_id("custody-entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(1)).to_contain_text("密封移交")
    assert list(CustodyEntry.objects.filter(paper=paper).order_by("at", "pk").values_list("action", flat=True)) == [
        CustodyAction.COMPOSED, CustodyAction.TRANSFERRED]

    # The printable trace: both hand-overs, oldest first, with the people responsible.
    page.get_by_test_id("trace-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("试卷交接追溯单")
    trace = page.get_by_test_id("trace")
    expect(trace).to_contain_text("试卷编号：CC-2017-0617-LL")
    rows = trace.get_by_test_id("trace-entry")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("组卷封存")
    expect(rows.nth(0).locator("td").nth(3)).to_have_text("孙县员")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("2")
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("密封移交")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("长春市鉴定中心 李保密")
    expect(rows.nth(1).locator("td").nth(4)).to_have_text("农安县考点 孙主考")
    expect(rows.nth(1).locator("td").nth(6)).to_have_text("密封完好")
    expect(trace).to_contain_text("共 2 次交接")
    page.screenshot(path=artifacts / "paper-trace.png", full_page=True)

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印追溯单")).to_be_hidden()
