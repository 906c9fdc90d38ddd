"""MSG-3, MSG-4: a candidate resets a forgotten password with their ID number, registered phone and
a six-digit SMS code; bad inputs are refused in Chinese; nothing reveals whether an ID is registered."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD
from appraisal.messaging.models import PasswordResetCode
from appraisal.models import User

NEW_PASSWORD = "Songhua-River-2026"
UNREGISTERED_ID = "11010519491231002X"  # a valid ID number nobody registered


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test counts from zero, with Redis answering (appraisal.ratelimits). Without REDIS_URL the
    counters live in this process's memory, which no other fixture clears."""
    from django.core.cache import caches

    from appraisal import ratelimits

    caches["ratelimit"].clear()
    ratelimits.reset_fallback()
    yield
    ratelimits.reset_fallback()


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Step 1 as a visitor; the SMS task runs (after the commit) as the worker would."""

    def post(id_number=DEMO_CANDIDATE["id_number"], phone=DEMO_CANDIDATE["phone"], **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_forgot"), {"id_number": id_number, "phone": phone}, **extra)

    return post


def sent_code(sms_outbox) -> str:
    assert len(sms_outbox) == 1, sms_outbox
    return re.search(r"验证码(\d{6})", sms_outbox[0].text).group(1)


def confirm(client, code, password=NEW_PASSWORD, again=None):
    return client.post(reverse("password_reset_confirm"),
                       {"code": code, "password1": password, "password2": again or password})


def test_msg3_the_login_page_offers_help_and_forgot_password(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_forgot") in page and "忘记密码" in page
    assert "报名咨询电话" in page and "(0431) 88690718" in page


def test_msg3_a_candidate_resets_their_password(client, ask, sms_outbox, db):
    response = ask()
    assert response.status_code == 302 and response.url == reverse("password_reset_confirm")
    assert sms_outbox[0].phone == DEMO_CANDIDATE["phone"]
    assert "10分钟内有效" in sms_outbox[0].text
    response = confirm(client, sent_code(sms_outbox))
    assert response.status_code == 302 and response.url == reverse("login")
    user = User.objects.get(id_number=DEMO_CANDIDATE["id_number"])
    assert user.check_password(NEW_PASSWORD) and not user.check_password(DEMO_PASSWORD)
    # The code is spent: it does not open the account again.
    assert confirm(client, sent_code(sms_outbox)).status_code == 302  # no token left: back to step 1
    assert PasswordResetCode.objects.get(user=user).used_at is not None


def test_msg3_a_wrong_code_is_refused_and_counted(client, ask, sms_outbox, db):
    ask()
    code = sent_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    response = confirm(client, wrong)
    assert "验证码不正确或已失效" in response.content.decode()
    assert PasswordResetCode.objects.get().attempts == 1
    assert User.objects.get(username="candidate").check_password(DEMO_PASSWORD)


def test_msg3_too_many_tries_spend_the_code(client, ask, sms_outbox, db, settings):
    ask()
    code = sent_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.RESET_CODE_MAX_ATTEMPTS):
        confirm(client, wrong)
    response = confirm(client, code)  # even the right code now
    assert "验证码输入错误次数过多，请重新获取验证码。" in response.content.decode()
    assert User.objects.get(username="candidate").check_password(DEMO_PASSWORD)


def test_msg3_an_expired_code_is_refused(client, ask, sms_outbox, db):
    ask()
    PasswordResetCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = confirm(client, sent_code(sms_outbox))
    assert "验证码不正确或已失效" in response.content.decode()
    assert User.objects.get(username="candidate").check_password(DEMO_PASSWORD)


def test_msg3_the_new_password_meets_the_validators(client, ask, sms_outbox, db):
    ask()
    code = sent_code(sms_outbox)
    page = confirm(client, code, password="12345678").content.decode()
    assert "这个密码太常见了" in page or "密码只包含数字" in page
    page = confirm(client, code, password=NEW_PASSWORD, again=NEW_PASSWORD + "x").content.decode()
    assert "两次输入的新密码不一致。" in page
    assert confirm(client, code).status_code == 302  # still good after those (3 tries of 5)


def test_msg3_bad_inputs_on_the_first_step(client, db):
    page = client.post(reverse("password_forgot"), {"id_number": "", "phone": ""}).content.decode()
    assert "请输入身份证号。" in page and "请输入注册时登记的手机号。" in page
    page = client.post(reverse("password_reset_confirm"), {"code": "12"})
    assert page.status_code == 302 and page.url == reverse("password_forgot")  # no request started


def _body(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("id_number,phone", [
    (UNREGISTERED_ID, DEMO_CANDIDATE["phone"]),  # nobody registered this number
    (DEMO_CANDIDATE["id_number"], "13912345678"),  # registered, but not with this phone
    ("not-an-id-number", "13800000000"),
])
def test_msg4_an_unknown_id_number_gets_the_same_answer(client, ask, sms_outbox, db, id_number, phone):
    known = ask()
    known_page = client.get(reverse("password_reset_confirm"))
    sms_outbox.clear()
    client.cookies.clear()
    unknown = ask(id_number=id_number, phone=phone)
    unknown_page = client.get(reverse("password_reset_confirm"))
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert _body(unknown_page) == _body(known_page)
    assert sms_outbox == []  # nothing was sent, but the same row and task were written
    row = PasswordResetCode.objects.order_by("-pk").first()
    assert row.user is None
    page = confirm(client, "123456").content.decode()
    assert "验证码不正确或已失效" in page


def test_msg3_requests_are_limited_per_id_number(client, ask, sms_outbox, db, settings):
    settings.RESET_RATE_PER_ID_NUMBER = "2/h"
    assert ask().status_code == 302
    assert ask().status_code == 302
    limited = ask()
    assert limited.status_code == 429 and "操作过于频繁，请稍后再试。" in limited.content.decode()
    # An unregistered number is limited the same way (nothing tells them apart).
    assert [ask(id_number=UNREGISTERED_ID).status_code for _ in range(3)] == [302, 302, 429]
    assert len(sms_outbox) == 2


def test_msg3_requests_are_limited_per_address(client, ask, db, settings):
    settings.RESET_RATE_PER_ADDRESS = "2/h"
    statuses = [ask(id_number=number).status_code
                for number in (UNREGISTERED_ID, DEMO_CANDIDATE["id_number"], "220122199003150035")]
    assert statuses == [302, 302, 429]
    # Another address is not held back by this one.
    assert ask(REMOTE_ADDR="10.0.0.9").status_code == 302


def test_msg3_staff_accounts_are_not_reset_here(client, ask, sms_outbox, db):
    staff = User.objects.get(username="staff_nongan")
    User.objects.filter(pk=staff.pk).update(id_number=UNREGISTERED_ID, phone="13700000000")
    assert ask(id_number=UNREGISTERED_ID, phone="13700000000").status_code == 302
    assert sms_outbox == []  # staff keep the hand-out by their center


# Nothing listens there: connections are refused at once, as when Redis is down.
DEAD_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture
def redis_down(settings):
    """The site's cache and the rate-limit counters both point at a Redis that does not answer."""
    from config.settings import redis_cache

    settings.CACHES = {**settings.CACHES, "default": redis_cache(DEAD_REDIS), "ratelimit": redis_cache(DEAD_REDIS)}


def test_msg3_the_id_number_limit_holds_when_redis_is_down(redis_down, client, ask, sms_outbox, db, settings):
    from appraisal import ratelimits

    settings.RESET_RATE_PER_ID_NUMBER = "2/h"
    assert [ask().status_code for _ in range(3)] == [302, 302, 429]
    assert ratelimits._redis_down_until > 0  # counted in this process's memory meanwhile
    assert "操作过于频繁，请稍后再试。" in ask().content.decode()
    assert len(sms_outbox) == 2  # no more codes texted to the phone than the limit allows


def test_msg3_the_address_limits_hold_when_redis_is_down(redis_down, client, ask, db, settings):
    settings.RESET_RATE_PER_ADDRESS = "2/h"
    statuses = [ask(id_number=number).status_code
                for number in (UNREGISTERED_ID, DEMO_CANDIDATE["id_number"], "220122199003150035")]
    assert statuses == [302, 302, 429]
    assert ask(REMOTE_ADDR="10.0.0.9").status_code == 302  # another address is not held back
    # Step 2 (guessing codes) is limited per address as well.
    responses = [confirm(client, "123456") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "操作过于频繁，请稍后再试。" in responses[2].content.decode()
