"""Offline verification's public side (CERT-4): the province's public keys and signed revocation
list at fixed URLs (what a verifier downloads when online and keeps for when it is not), the
offline verifier page and its service worker (static/js/certificate-verify.js, certificate-sw.js)."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from certificates.services import offline

PRECACHED_STATIC = ("css/site.css", "js/site.js", "js/certificate-verify.js")


@require_safe
@cache_control(public=True, max_age=3600)
def public_keys(request):
    return JsonResponse(offline.public_keys_document(), json_dumps_params={"ensure_ascii": False})


@require_safe
@cache_control(public=True, max_age=300)
def revocations(request):
    return JsonResponse({"format": "jl-certificate-revocations/1", "list": offline.revocation_list()})


@require_safe
def verifier(request):
    """The offline verifier: paste a QR code's link or statement; works without a network once
    opened (the service worker keeps it)."""
    return render(request, "certificates/offline.html")


@require_safe
@cache_control(no_cache=True)
def service_worker(request):
    """The verifier's service worker, served under /certificates/ so that its scope covers the
    verification pages (a script under /static/ could only control /static/)."""
    precache = [reverse("certificates:offline_verifier"), reverse("certificates:verify"),
                reverse("certificates:offline_keys"), reverse("certificates:offline_revocations"),
                *(static(name) for name in PRECACHED_STATIC)]
    source = Path(finders.find("js/certificate-sw.js")).read_text(encoding="utf-8")
    return HttpResponse(f"self.PRECACHE = {json.dumps(precache)};\n{source}",
                        content_type="application/javascript; charset=utf-8")
