"""REG-1, FEE-1: an approved application whose fee is due and not recorded as paid takes no HR
bureau's opinion, on its own (service, review page, API) as in a batch: one check, one message,
nothing saved. Paid, or with nothing to pay, it takes the opinion."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registration import services
from registration.models import Application
from registration.services import opinions

pytestmark = pytest.mark.django_db

OPINION = "同意，按规定办理。"
UNPAID = "应缴鉴定费120.00元尚未登记缴费。"


@pytest.fixture
def hr(demo_user):
    return demo_user("hr_official")  # 长春市: 农安县 is in scope


@pytest.fixture
def unpaid(submitted, demo_user):
    application = services.approve_application(submitted, actor=demo_user("staff_nongan"))
    Application.objects.filter(pk=application.pk).update(fee_due=120, fee_paid=False)
    return Application.objects.get(pk=application.pk)


def assert_nothing_saved(application):
    row = Application.objects.get(pk=application.pk)
    assert (row.hr_opinion, row.hr_opinion_date, row.hr_opinion_by_id) == ("", None, None)


def test_fee1_single_opinion_refuses_an_unpaid_application(unpaid, hr):
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinion(unpaid, actor=hr, opinion=OPINION)
    assert caught.value.messages == [UNPAID]
    assert_nothing_saved(unpaid)


def test_fee1_batch_opinion_refuses_it_with_the_same_message(unpaid, hr):
    with pytest.raises(ValidationError) as caught:
        opinions.record_hr_opinions([unpaid.pk], actor=hr)
    assert caught.value.messages == [f"{unpaid.name}：{UNPAID}"]
    assert_nothing_saved(unpaid)


def test_fee1_review_page_and_api_refuse_it_in_chinese(unpaid, hr, client, api):
    client.force_login(hr)
    # The page offers no form that would be refused: it says what the opinion waits for.
    page = client.get(reverse("registration:review_detail", args=[unpaid.pk])).content.decode()
    assert 'data-testid="hr-opinion-form"' not in page
    assert f"{UNPAID}登记缴费后方可填写人社部门意见。" in page
    response = client.post(
        reverse("registration:hr_opinion", args=[unpaid.pk]), {"hr-opinion": OPINION}, follow=True
    )
    assert ("error", f"人社部门意见未保存：{UNPAID}") in [
        (m.level_tag, str(m)) for m in response.context["messages"]
    ]
    response = api(hr).post(f"/api/registration/applications/{unpaid.pk}/hr-opinion/", {"opinion": OPINION})
    assert response.status_code == 400 and UNPAID in response.content.decode()
    assert_nothing_saved(unpaid)


@pytest.mark.parametrize("fee", [{"fee_paid": True}, {"fee_due": 0}, {"fee_due": None}])
def test_fee1_paid_or_nothing_to_pay_takes_the_opinion(unpaid, hr, fee):
    Application.objects.filter(pk=unpaid.pk).update(**fee)
    assert opinions.can_record_hr_opinion(hr, Application.objects.get(pk=unpaid.pk))
    opinions.record_hr_opinion(Application.objects.get(pk=unpaid.pk), actor=hr, opinion=OPINION)
    assert Application.objects.get(pk=unpaid.pk).hr_opinion == OPINION
