"""Rate limits that hold when Redis does not answer.

The counters live in the `ratelimit` cache (Redis in production), counted by django-ratelimit.
The project sets RATELIMIT_FAIL_OPEN so that a Redis outage does not refuse everyone; alone, that
would let everyone through, and a limit that guards against abuse (SMS bombing through 忘记密码,
enumeration) would vanish exactly while Redis stalls. So here, when the cache fails, the count goes
on in this process's memory (the `ratelimit-fallback` cache) and Redis is asked again only after
CACHE_RETRY seconds: the pages keep working, still limited (per worker process).

    from appraisal import ratelimits

    if ratelimits.exceeded(request, "password-reset-address", ratelimits.client_address(request), rate):
        ...  # 429

certificates/throttle.py counts public verification the same way with a copy of its own that
predates this module.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django_ratelimit.core import _split_rate, get_usage

CACHE_RETRY = 30  # seconds without asking Redis again after it failed
FALLBACK_CACHE = "ratelimit-fallback"
_redis_down_until = 0.0


def client_address(request) -> str:
    """The client's address as the limits count it: behind a proxy the header RATELIMIT_IP_META_KEY
    names (its first entry), and an IPv6 client's /64 (one household or phone holds a whole /64)."""
    raw = request.META.get(getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR", "")
    raw = raw.split(",")[0].strip()
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def limit_of(rate: str) -> int:
    """The count a rate such as "3/h" allows in its window."""
    return _split_rate(rate)[0]


def _fallback_count(group: str, value: str, rate: str, increment: bool) -> int:
    period = _split_rate(rate)[1]
    # Hashed like django-ratelimit's keys: a value may be personal (an ID number).
    digest = hashlib.sha256(value.encode()).hexdigest()
    key = f"ratelimit:{group}:{rate}:{digest}:{int(time.time()) // period}"
    cache = caches[FALLBACK_CACHE]
    if increment:
        if cache.add(key, 1, period + 5):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, period + 5)
            return 1
    return cache.get(key, 0)


def count(request, group: str, value: str, rate: str, *, increment: bool) -> int:
    """How many hits `value` made in `group`'s current window (this one included, if `increment`)."""
    global _redis_down_until
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return 0
    if time.monotonic() >= _redis_down_until:
        usage = get_usage(
            request, group=group, key=lambda _group, _request: value, rate=rate, increment=increment
        )
        if usage is not None:
            return usage["count"]
        # RATELIMIT_FAIL_OPEN turned the cache's failure into None: count here meanwhile.
        _redis_down_until = time.monotonic() + CACHE_RETRY
    return _fallback_count(group, value, rate, increment)


def exceeded(request, group: str, value: str, rate: str) -> bool:
    """Counts this request for `value` in `group` and tells whether it goes past `rate`."""
    return count(request, group, value, rate, increment=True) > limit_of(rate)


def reset_fallback() -> None:
    """Forget the outage and the in-memory counts (tests, and after a deliberate cache flush)."""
    global _redis_down_until
    _redis_down_until = 0.0
    caches[FALLBACK_CACHE].clear()
