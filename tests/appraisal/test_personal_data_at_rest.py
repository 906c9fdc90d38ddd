"""Personal data at rest: stored files readable by the service only, failed-login records (which
name candidates by ID number) purged after the retention period, the API schema behind a login in
production."""

import datetime
import os
import stat
import subprocess
import sys

from axes.models import AccessAttempt, AccessFailureLog
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from appraisal.services import purge_login_attempts
from appraisal.tasks import purge_login_attempts as purge_task
from tests.appraisal.test_deploy_settings import ROOT, production_env, random_secret_key


def test_a_stored_file_and_its_folder_are_not_world_readable(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("forms/2026/申报表.pdf", ContentFile(b"%PDF-1.4 personal data"))
    path = tmp_path / name
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o750


def test_the_sms_log_and_a_signing_key_are_readable_by_the_service_only(settings, tmp_path):
    """The file SMS backend holds phone numbers and reset codes; a signing key's seed would let anyone
    forge certificates offline: both are created 0600, never briefly wider (umask 022 as on a server)."""
    from appraisal.messaging.backends import FileSmsBackend, SmsMessage
    from certificates import signing

    previous = os.umask(0o022)
    try:
        settings.SMS_FILE_PATH = tmp_path / "sms.log"
        FileSmsBackend().send_messages([SmsMessage(phone="13800000000", text="验证码 123456")])
        assert stat.S_IMODE(os.stat(settings.SMS_FILE_PATH).st_mode) == 0o600
        settings.CERTIFICATE_SIGNING_KEY_DIR = tmp_path / "keys"
        key_id = signing.create_key()
        assert stat.S_IMODE(os.stat(tmp_path / "keys" / f"{key_id}.key").st_mode) == 0o600
        assert stat.S_IMODE(os.stat(tmp_path / "keys").st_mode) == 0o700
    finally:
        os.umask(previous)


def attempt(username, age_days, now):
    record = AccessAttempt.objects.create(username=username, ip_address="127.0.0.1", user_agent="test",
                                          get_data="", post_data="", http_accept="", path_info="/login/",
                                          failures_since_start=1)
    AccessAttempt.objects.filter(pk=record.pk).update(attempt_time=now - datetime.timedelta(days=age_days))
    log = AccessFailureLog.objects.create(username=username, ip_address="127.0.0.1", user_agent="test",
                                          http_accept="", path_info="/login/")
    AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=now - datetime.timedelta(days=age_days))


def test_failed_logins_are_purged_after_the_retention_period(db, settings):
    settings.AXES_RECORDS_RETENTION_DAYS = 30
    now = timezone.now()
    attempt("220122199003150019", 31, now)
    attempt("staff_nongan", 2, now)
    assert purge_login_attempts(now=now) == 2
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["staff_nongan"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["staff_nongan"]
    assert purge_task() == 0  # the beat job runs the same service; nothing more is due


def test_api_schema_and_docs_need_a_login_in_production(tmp_path):
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); from django.test import Client; c = Client(); "
        "print(c.get('/api/schema/', secure=True).status_code, c.get('/api/docs/', secure=True).status_code)"
    )
    env = production_env(DJANGO_SECRET_KEY=random_secret_key(), DJANGO_SETTINGS_MODULE="config.settings",
                         DJANGO_ALLOWED_HOSTS="testserver", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                         DJANGO_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["403", "403"]
