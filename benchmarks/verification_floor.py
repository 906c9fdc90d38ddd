"""The restated floor of bench_verification.py: gunicorn serves the site with one more endpoint, an
anonymous DRF view that parses the same JSON body and answers a constant, so that the cost of the
framework every API request pays is measured beside /healthz/ (plain Django, one SELECT 1).

    gunicorn --pythonpath benchmarks verification_floor:application
"""

from __future__ import annotations  # noqa: I001  (Django is set up by config.wsgi before the views below)

from config.wsgi import application  # noqa: F401
from django.conf import settings
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


NOOP_PATH = "/bench/noop/"
urlpatterns = [path(NOOP_PATH.strip("/") + "/", Noop.as_view()), *site]
settings.ROOT_URLCONF = __name__  # read at each request: set before gunicorn serves the first one
