"""REG-1: a worker killed (SIGKILL) while it renders a 申报表 loses nothing: the task was acknowledged
late, the broker hands it out again to the next worker, and the form is rendered exactly once.
A real Celery worker on a real Redis broker (a database of its own), against the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from appraisal.demo import load_demo
from registration import services
from registration.models import Application
from registration.services import forms_pdf
from tests.registration.conftest import good_file

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CRASH_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def start_worker(tmp_path, name) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                                         f"{db['PORT'] or 5432}/{db['NAME']}",
           "REDIS_URL": BROKER, "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_VISIBILITY_TIMEOUT": "2",
           "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT), "STARTED_FILE": str(tmp_path / "started"),
           "RENDERS_FILE": str(tmp_path / "renders")}
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "crashing_worker.py")], cwd=ROOT,
                            env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)


def log_of(tmp_path, name) -> str:
    return (tmp_path / f"{name}.log").read_text(errors="replace")[-3000:]


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def demo_data(on_postgres, transactional_db, settings, tmp_path):
    """Transactional (the worker must see the rows): the demo loaded afresh, before the fixtures
    that read it (transactional tests run last, after other ones flushed the database)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(years=(2017,))


@pytest.mark.postgres
@pytest.mark.skipif(not redis_up(), reason="needs Redis (the test command uses it when reachable, and in CI)")
def test_reg1_a_worker_killed_mid_render_is_replaced_and_the_form_rendered_once(
    demo_data, tmp_path, monkeypatch, demo_user, centers, open_day, occupation, form_data
):
    candidate = demo_user("candidate")
    application = services.create_application(candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"),
                                              level=5, target=open_day(centers["nongan"]), **form_data)
    for kind in services.required_materials(application):
        services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)
    redis.Redis.from_url(BROKER).flushdb()
    # Submitted without rendering here (the tests' Celery is eager); the render goes to the real
    # broker, as the outbox's relay sends it in production.
    monkeypatch.setattr(forms_pdf, "enqueue_form_render", lambda application_id: None)
    services.submit_application(application, actor=candidate)
    Celery(broker=BROKER, set_as_current=False).send_task("registration.render_application_form", args=[application.pk])
    first = start_worker(tmp_path, "first")
    try:
        assert wait_for((tmp_path / "started").exists, 120), log_of(tmp_path, "first")
        os.killpg(first.pid, signal.SIGKILL)  # mid-render: no acknowledgement, no form
        first.wait(timeout=10)
        assert not Application.objects.get(pk=application.pk).form_pdf
        second = start_worker(tmp_path, "second")
        try:
            redelivered = wait_for(lambda: Application.objects.get(pk=application.pk).form_pdf, 120)
            assert redelivered, "not redelivered:\n" + log_of(tmp_path, "second")
            time.sleep(3)  # a second delivery, if there were one, would have run by now
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        redis.Redis.from_url(BROKER).flushdb()
    assert (tmp_path / "renders").read_text().split() == [str(application.pk)]
