"""REG-1 / ORG-8: the HR official opens their queue, which shows what waits for their opinion, ticks
two applications and writes "同意" with one date on both; the home count goes down to match."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.models import ScheduledAppraisalDay, User
from registration import selectors, services
from registration.models import Application
from tests.e2e.test_review_extras import apply_at_nongan  # noqa: F401  (a fixture)
from tests.registration.conftest import open_registration_date

pytestmark = pytest.mark.e2e


def test_reg1_hr_official_writes_a_batch_opinion_from_the_queue(page, login, url, artifacts, apply_at_nongan):  # noqa: F811
    first = apply_at_nongan(5)
    services.approve_application(first, actor=User.objects.get(username="staff_nongan"))
    # A second approved application of the same person for a later day (another appraisal).
    second = Application.objects.get(pk=first.pk)
    second.pk, second.form_pdf = None, ""
    second.scheduled_day, _ = ScheduledAppraisalDay.objects.get_or_create(
        center=second.center, day=open_registration_date(52))
    second.save()
    hr = User.objects.get(username="hr_official")
    waiting = selectors.awaiting_hr_opinion(hr).count()
    assert waiting >= 2

    login(page, "hr_official")
    notice = page.get_by_test_id("home-notices").get_by_role("link", name=f"{waiting} 份申报待填写人社部门意见")
    notice.click()
    expect(page.get_by_label("状态")).to_have_value("awaiting_opinion")
    form = page.get_by_test_id("batch-opinion-form")
    for application in (first, second):
        form.locator(f'input[name="applications"][value="{application.pk}"]').check()
    expect(form.get_by_label("人社部门意见")).to_have_value("同意")
    today = timezone.localdate()
    expect(form.get_by_label("意见日期")).to_have_value(today.isoformat())
    page.screenshot(path=artifacts / "hr-queue-batch.png", full_page=True)
    form.get_by_role("button", name="为所选申报填写意见").click()

    expect(page.locator(".messages")).to_contain_text(f"已为2份申报填写人社部门意见“同意”（{today:%Y-%m-%d}）")
    expect(page.get_by_label("状态")).to_have_value("awaiting_opinion")  # back on the same queue
    for application in (first, second):
        expect(page.locator(f'input[name="applications"][value="{application.pk}"]')).to_have_count(0)
        row = Application.objects.get(pk=application.pk)
        assert (row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by_id) == ("同意", today, hr.pk)
    page.goto(url("/"))
    left = waiting - 2
    if left:
        expect(page.get_by_test_id("home-notices")).to_contain_text(f"{left} 份申报待填写人社部门意见")
    else:
        expect(page.get_by_text("份申报待填写人社部门意见")).to_have_count(0)
