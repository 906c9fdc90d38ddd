"""The restated floors of bench_verification.py: gunicorn serves the site with two more endpoints,
anonymous DRF views that parse the same JSON body: one answers a constant (the framework every API
request pays), the other does the least any verification must (one counter incremented in Redis, one
certificate looked up by its number through its index) and answers its state, so that what the
stack itself costs is measured beside /healthz/ (plain Django, one SELECT 1).

    gunicorn --pythonpath benchmarks verification_floor:application
"""

from __future__ import annotations  # noqa: I001  (Django is set up by config.wsgi before the views below)

from config.wsgi import application  # noqa: F401
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as site


class Noop(APIView):
    """What the verification endpoint costs before it does anything: DRF, JSON in and out, no login."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request):
        return Response({"status": "ok", "fields": len(request.data)})


class Minimal(Noop):
    """The least a verification does: a rate counter in Redis and an indexed read of the certificate."""

    def post(self, request):
        caches["ratelimit"].client.get_client(write=True).incr("bench:minimal")
        with connection.cursor() as cursor:
            cursor.execute("SELECT state FROM certificates_certificate WHERE number = %s",
                           [str(request.data.get("number", ""))])
            row = cursor.fetchone()
        return Response({"status": row[0] if row else "not_found"})


NOOP_PATH = "/bench/noop/"
MINIMAL_PATH = "/bench/minimal/"
urlpatterns = [path(NOOP_PATH.strip("/") + "/", Noop.as_view()),
               path(MINIMAL_PATH.strip("/") + "/", Minimal.as_view()), *site]
settings.ROOT_URLCONF = __name__  # read at each request: set before gunicorn serves the first one
