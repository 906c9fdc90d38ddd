"""MSG-3: a candidate locked out by django-axes after repeated wrong passwords resets the password
through 忘记密码 and logs in with the new one at once: the reset ends the lock and its count."""

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD
from appraisal.messaging import reset
from appraisal.models import User

pytestmark = [pytest.mark.lockout, pytest.mark.django_db]

WRONG = "not-the-password-1"
NEW_PASSWORD = "Songhua-River-2026"


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _lock_out(client, settings, username):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username, WRONG)
    assert _login(client, username, DEMO_PASSWORD).status_code == 429


def _reset_through_forgot_password(client, sms_outbox, capture):
    with capture(execute=True):  # the SMS task runs after the commit, as the worker would
        client.post(
            reverse("password_forgot"),
            {"id_number": DEMO_CANDIDATE["id_number"], "phone": DEMO_CANDIDATE["phone"]},
        )
    code = re.search(r"验证码(\d{6})", sms_outbox[-1].text).group(1)
    response = client.post(
        reverse("password_reset_confirm"),
        {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.url == reverse("login")


def test_msg3_locked_out_candidate_resets_and_logs_in_at_once(
    client, settings, sms_outbox, django_capture_on_commit_callbacks
):
    _lock_out(client, settings, "candidate")
    _reset_through_forgot_password(client, sms_outbox, django_capture_on_commit_callbacks)
    assert not AccessAttempt.objects.filter(username="candidate").exists()
    response = _login(client, "candidate", NEW_PASSWORD)
    assert response.status_code == 302  # in at once, not 429 for the rest of the cool-off


def test_msg3_the_reset_starts_the_failure_count_again(
    client, settings, sms_outbox, django_capture_on_commit_callbacks
):
    """A count short of the lock is cleared too: the next wrong passwords count from zero."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "candidate", WRONG)
    _reset_through_forgot_password(client, sms_outbox, django_capture_on_commit_callbacks)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "candidate", WRONG).status_code == 200
    assert _login(client, "candidate", NEW_PASSWORD).status_code == 302


def test_msg3_the_lock_of_the_id_number_typed_as_login_name_ends_too(client, settings):
    """A candidate's login name is their ID number; attempts typed under either name are cleared,
    and another account's lock stays."""
    user = User.objects.get(id_number=DEMO_CANDIDATE["id_number"])
    for name in (DEMO_CANDIDATE["id_number"], "staff_nongan"):
        _lock_out(client, settings, name)
    assert reset.end_lockout(user) == 1
    assert not AccessAttempt.objects.filter(username=DEMO_CANDIDATE["id_number"]).exists()
    assert AccessAttempt.objects.filter(username="staff_nongan").exists()
