"""Safety with personal data: candidates log in with their ID number, which is no secret, so an
account is locked for a while after repeated wrong passwords (django-axes), on the web login and on
the API token alike, with the reason in Chinese; other accounts are not affected."""

import pytest
from django.urls import reverse

from appraisal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.lockout, pytest.mark.django_db]

WRONG = "not-the-password-1"


def _try(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, settings, db):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "candidate", WRONG).status_code == 200
    locked = _try(client, "candidate", WRONG)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "连续5次密码错误，该账号已暂时锁定，请15分钟后再试" in text and 'value="candidate"' in text
    assert _try(client, "candidate", DEMO_PASSWORD).status_code == 429  # the right password waits too
    assert _try(client, "staff_nongan", DEMO_PASSWORD).status_code == 302  # another account is not locked


def test_a_success_before_the_limit_starts_the_count_again(client, settings, db):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "candidate", WRONG)
    assert _try(client, "candidate", DEMO_PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "candidate", WRONG).status_code == 200


def test_the_api_token_is_locked_the_same_way(client, settings, db):
    url = reverse("api-token")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "staff_nongan", "password": WRONG})
    response = client.post(url, {"username": "staff_nongan", "password": DEMO_PASSWORD})
    assert response.status_code == 429 and "该账号已暂时锁定" in response.json()["detail"]


def test_msg3_lockout_sends_candidates_to_forgot_password_and_staff_to_their_center(client, settings, db):
    """MSG-3: candidates reset a forgotten password themselves, so the lock points them to 忘记密码
    (a link to the reset page); staff have no self-service reset and still ask their center."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        locked = _try(client, "candidate", WRONG)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "忘记密码的考生可点击登录页的“忘记密码”，用身份证号和注册手机号自行重置" in text
    assert "工作人员请联系所在机构管理员重置密码" in text
    assert "联系受理的鉴定机构重置密码" not in text  # the old advice sent candidates to the counter
    link = f'<a href="{reverse("password_forgot")}" data-testid="lockout-forgot">忘记密码</a>'
    assert link in text
    assert client.get(reverse("password_forgot")).status_code == 200


def test_msg3_api_lockout_names_forgot_password_too(client, settings, db):
    url = reverse("api-token")
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(url, {"username": "candidate", "password": WRONG})
    detail = response.json()["detail"]
    assert response.status_code == 429 and "“忘记密码”" in detail and "工作人员请联系所在机构管理员重置密码" in detail
