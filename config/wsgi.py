"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# The tasks modules of every app, loaded now rather than by the first request that queues a task (the
# outbox looks the task up by name): on a busy machine that import took seconds of the first submit
# of each gunicorn worker (benchmarks/README.md, submitting an application).
from config.celery import app as celery_app  # noqa: E402

celery_app.loader.import_default_modules()
