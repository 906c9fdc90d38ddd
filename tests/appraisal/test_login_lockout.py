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
