"""A real Celery worker for tests/registration/test_worker_crash.py, started as its own process.

The first form it renders hangs (the test kills the worker with SIGKILL meanwhile); later renders
run normally. Every finished render appends the application's id to RENDERS_FILE. Test code only:
it patches the renderer in this process before the worker starts."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from registration import pdf  # noqa: E402

STARTED, RENDERS = Path(os.environ["STARTED_FILE"]), Path(os.environ["RENDERS_FILE"])
real_render = pdf.render_application_pdf


def render(application, **kwargs):
    if not STARTED.exists():
        STARTED.write_text(str(application.pk))
        time.sleep(120)  # killed long before this ends
    content = real_render(application, **kwargs)
    with RENDERS.open("a") as log:
        log.write(f"{application.pk}\n")
    return content


pdf.render_application_pdf = render

from config.celery import app  # noqa: E402

# The test kills a worker and waits for the next one to find the task again: look for abandoned
# tasks on every poll rather than every tenth (production keeps kombu's defaults).
app.conf.broker_transport_options = {**app.conf.broker_transport_options, "unacked_restore_throttle": 1,
                                     "unacked_restore_interval": 1}
app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--loglevel=WARNING", "--without-heartbeat",
                 "--without-gossip", "--without-mingle"])
