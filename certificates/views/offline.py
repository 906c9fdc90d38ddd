"""The province's public keys and signed revocation list at fixed URLs (CERT-4, offline
verification): what an inspector's verifier downloads when online and keeps for when it is not."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from certificates.services import offline


@require_safe
@cache_control(public=True, max_age=3600)
def public_keys(request):
    return JsonResponse(offline.public_keys_document(), json_dumps_params={"ensure_ascii": False})


@require_safe
@cache_control(public=True, max_age=300)
def revocations(request):
    return JsonResponse({"format": "jl-certificate-revocations/1", "list": offline.revocation_list()})
