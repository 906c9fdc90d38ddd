"""Production settings (DESIGN, Runtime): `check --deploy` is clean with DJANGO_PRODUCTION=true,
the secret key is mandatory there, and passwords are hashed with Argon2."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides):
    """The test runner's environment without any Django setting, plus the production switches."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)  # `check` needs no database; keep the subprocess off the test database
    env.update({"DJANGO_PRODUCTION": "true", "DJANGO_ALLOWED_HOSTS": "appraisal.example.gov.cn",
                "SMS_BACKEND": "appraisal.messaging.backends.FileSmsBackend",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"})
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def random_secret_key(length=60):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_check_deploy_is_clean_in_production():
    key = random_secret_key()
    assert len(key) == 60
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_SECRET_KEY=key))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "System check identified no issues" in output


def test_check_deploy_catches_a_weak_secret_key():
    """The control: the same command does fail when production is misconfigured."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_SECRET_KEY="short-key")
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_without_a_secret_key_does_not_start():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_values():
    """The production defaults, read from the settings module in a subprocess."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE]))"
    )
    env = production_env(DJANGO_SECRET_KEY=random_secret_key(), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[false, true, true, true, 31536000, ["appraisal.example.gov.cn"], true]'


def test_password_hasher_is_argon2():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hasher().algorithm == "argon2"


@pytest.mark.django_db
def test_demo_user_passwords_are_argon2_hashes(demo_user):
    for username in ("province_admin", "staff_nongan", "candidate"):
        password = demo_user(username).password
        assert password.startswith("argon2$")
        assert identify_hasher(password).algorithm == "argon2"


@pytest.mark.parametrize("overrides", [
    {"SMS_BACKEND": None},
    {"EMAIL_BACKEND": None},
    {"SMS_BACKEND": "appraisal.messaging.backends.ConsoleSmsBackend"},
    {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
])
def test_production_refuses_to_print_messages_instead_of_sending_them(overrides):
    """MSG-2, MSG-3: in production a console backend would send candidates no reset code and write
    codes and phone numbers to the log; the site does not start until real backends are named."""
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=random_secret_key(), **overrides))
    assert result.returncode != 0
    assert ("SMS_BACKEND" in result.stderr) or ("EMAIL_BACKEND" in result.stderr)
