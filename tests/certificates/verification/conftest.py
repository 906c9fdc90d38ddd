"""Fixtures of the verification tests (CERT-4): certificates the province accepted, and rate-limit
counters that start from zero in each test."""

import pytest

from certificates import services
from certificates.models import Report


@pytest.fixture(autouse=True)
def fresh_limits():
    """Each test counts from zero (the counters live in the test run's own Redis database)."""
    from django.core.cache import caches

    from certificates import throttle

    for name in ("ratelimit", "ratelimit-fallback"):
        caches[name].clear()
    throttle._redis_down_until = 0.0
    yield
    throttle._redis_down_until = 0.0


def accept_up_to_province(report, demo_user, capture):
    with capture(execute=True):  # the forward to the province runs through the outbox after the commit
        services.accept_report(report=report, actor=demo_user("staff_changchun"))
    services.accept_report(report=Report.objects.get(origin=report), actor=demo_user("province_admin"))


@pytest.fixture
def published(issued, demo_user, django_capture_on_commit_callbacks):
    """The three certificates of `issued`, reported by 农安县 and accepted by 长春 and the province."""
    report = services.send_report(actor=demo_user("staff_nongan"), certificate_ids=[c.pk for c in issued])
    accept_up_to_province(report, demo_user, django_capture_on_commit_callbacks)
    return issued




@pytest.fixture(autouse=True)
def keyring(settings, tmp_path):
    """A keyring of the test's own, made on first use (certificates/signing.py)."""
    settings.CERTIFICATE_SIGNING_KEY_DIR = tmp_path / "signing-keys"
    return settings.CERTIFICATE_SIGNING_KEY_DIR
