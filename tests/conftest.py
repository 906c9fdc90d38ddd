"""Shared fixtures. The demo data set is loaded once per test session into the test database;
pytest-django runs transactional tests (live server, end-to-end) after the others, and those load
what they need themselves because their database is flushed after each test."""

import pytest
from django.db import connection

from appraisal.demo import load_demo
from appraisal.models import Center, Occupation, User


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    return f"database: {engine}; celery broker: {broker}; eager: {settings.CELERY_TASK_ALWAYS_EAGER}"


@pytest.fixture(autouse=True)
def _login_lockout_only_where_tested(request, settings):
    """django-axes needs the request in every authenticate(), and Django's test client login()
    passes none: the lockout is on only in the tests of it (marked `lockout`)."""
    if "lockout" not in request.keywords:
        settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a rolled-back test must not leave cached rows behind
    (workday overrides, hotlines) for the next one."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _celery_join_flag_reset():
    """Celery runs each eager task under `denied_join_result()`, which saves and restores one
    process-wide flag: two threads running eager tasks at once (the concurrency tests' `at_once`, a
    live server's threads) can restore it in the wrong order and leave it set, and every later
    `.get()` then raises "Never call result.get() within a task!". Each test starts with it cleared."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """Text messages go to a list, like Django's mail.outbox in tests (appraisal/messaging)."""
    from appraisal.messaging.backends import LocmemSmsBackend

    settings.SMS_BACKEND = "appraisal.messaging.backends.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(years=(2017,))


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (the test command uses it when reachable, and always in CI)")


@pytest.fixture
def centers(db):
    """The demo centers by short name: province, changchun (city), nongan (county), gongzhuling
    (expanded county, granted 5-3), jilin_city, school, enterprise, affiliated."""
    by_code = {c.division_code: c for c in Center.objects.filter(division_code__isnull=False)}
    return {
        "province": by_code["220000"],
        "changchun": by_code["220100"],
        "nongan": by_code["220122"],
        "yushu": by_code["220182"],
        "jilin_city": by_code["220200"],
        "yongji": by_code["220221"],
        "siping": by_code["220300"],
        "gongzhuling": by_code["220381"],
        "meihekou": by_code["220581"],
        "changbaishan": Center.objects.get(name="长白山管委会职业技能鉴定中心"),
        "school": Center.objects.get(kind="school"),
        "enterprise": Center.objects.get(kind="enterprise"),
        "affiliated": Center.objects.get(kind="affiliated_unit"),
    }


@pytest.fixture
def occupation(db):
    """Look up a demo occupation by name, with its levels prefetched."""

    def get(name):
        return Occupation.objects.prefetch_related("levels").get(name=name)

    return get


@pytest.fixture
def demo_user(db):
    def get(username):
        return User.objects.select_related("center", "region").get(username=username)

    return get


@pytest.fixture
def logged_in_client(client, demo_user):
    """The test client logged in (session) as a demo user, by username, or as a given user."""

    def as_user(user):
        client.force_login(demo_user(user) if isinstance(user, str) else user)
        return client

    return as_user
