"""MSG-1, MSG-2 in the browser on a phone: a candidate gets the message that their application was
returned (unread count in the header), opens it (read), follows its link to the application,
fixes it and resubmits."""

import pytest
from playwright.sync_api import expect

from appraisal.messaging.models import Message, MessageKind
from appraisal.models import User
from registration import services
from registration.models import Application, Status
from tests.e2e.conftest import no_sideways_scroll
from tests.e2e.test_staff_review import submitted_application  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.e2e

REASON = "工作单位请填写全称（营业执照上的名称）。"
FIXED_EMPLOYER = "农安县某汽车维修有限公司（营业执照全称）"


def test_msg1_msg2_candidate_fixes_a_returned_application_from_the_message(
        phone_page, login, url, artifacts, submitted_application):  # noqa: F811
    services.return_application(submitted_application, actor=User.objects.get(username="staff_nongan"),
                                reason=REASON)
    page = phone_page
    login(page, "candidate")
    badge = page.locator(".nav-messages .badge")
    expect(badge).to_have_text("2")  # submitted, then returned
    page.locator(".nav-messages").click()
    page.wait_for_url(url("/messages/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "messages-list-phone.png", full_page=True)

    page.get_by_role("link", name="退回修改").click()
    expect(page.locator(".message-body")).to_contain_text(REASON)
    expect(page.locator(".nav-messages .badge")).to_have_text("1")  # opened: read
    returned = Message.objects.get(kind=MessageKind.APPLICATION_RETURNED)
    assert returned.read_at is not None
    no_sideways_scroll(page)
    page.screenshot(path=artifacts / "message-returned-phone.png", full_page=True)

    page.get_by_role("link", name="查看详情并处理").click()
    page.wait_for_url(url(f"/registration/my/{submitted_application.pk}/"))
    page.get_by_role("link", name="修改", exact=True).click()
    page.get_by_label("工作单位").fill(FIXED_EMPLOYER)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(url(f"/registration/my/{submitted_application.pk}/"))
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".messages")).to_be_visible()
    application = Application.objects.get(pk=submitted_application.pk)
    assert (application.status, application.employer_name) == (Status.SUBMITTED, FIXED_EMPLOYER)
    # The resubmission is a new event: the candidate is told, and so is the county's clerk.
    assert Message.objects.filter(recipient__username="candidate", kind=MessageKind.APPLICATION_SUBMITTED).count() == 2
    assert Message.objects.filter(recipient__username="staff_nongan",
                                  kind=MessageKind.QUEUE_NEW_APPLICATION).count() == 2
    page.screenshot(path=artifacts / "message-resubmitted-phone.png", full_page=True)
