"""Against enumeration of public verification (CERT-4), for the page and the JSON endpoint alike:

- a limit per address (the client's IP; an IPv6 client's /64) and a limit per certificate number,
  counted with django-ratelimit in the `ratelimit` cache (Redis in production);
- after a few answers of "not found" (or bad input) from one address, a captcha
  (django-simple-captcha, drawn by the server: no third-party service) until the window ends.

The limits are settings (CERTIFICATE_VERIFY_*, docs/DEPLOY.md). When Redis does not answer, the
counters fall back to this process's memory for CACHE_RETRY seconds instead of refusing everyone
or letting everyone through: verification keeps working, still limited (per worker process).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_ratelimit.core import _split_rate, get_usage

CACHE_RETRY = 30  # seconds without asking Redis again after it failed
_redis_down_until = 0.0

ADDRESS, NUMBER, FAILURES = "certificates.verify.address", "certificates.verify.number", "certificates.verify.failures"


def _rate(name: str) -> str:
    return getattr(settings, name)


def client_address(request) -> str:
    raw = request.META.get(getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR", "")
    raw = raw.split(",")[0].strip()  # a proxy's X-Forwarded-For: the client is the first
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"
    if address.version == 6:  # one household or phone holds a whole /64
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _fallback_count(group: str, value: str, rate: str, increment: bool) -> int:
    limit_period = _split_rate(rate)[1]
    window = int(time.time()) // limit_period
    key = f"verify:{group}:{value}:{window}"
    cache = caches["ratelimit-fallback"]
    if increment:
        if cache.add(key, 1, limit_period + 5):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, limit_period + 5)
            return 1
    return cache.get(key, 0)


def count(request, group: str, value: str, rate: str, *, increment: bool) -> int:
    """How many hits `value` made in `group`'s current window (after this one, if `increment`)."""
    global _redis_down_until
    if time.monotonic() >= _redis_down_until:
        usage = get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=increment)
        if usage is not None:
            return usage["count"]
        _redis_down_until = time.monotonic() + CACHE_RETRY  # RATELIMIT_FAIL_OPEN: the cache failed
    return _fallback_count(group, value, rate, increment)


def _limit(rate: str) -> int:
    return _split_rate(rate)[0]


def _minutes(rate: str) -> int:
    return max(1, _split_rate(rate)[1] // 60)


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a request was refused, in Chinese, and the HTTP status that says so."""

    message: str
    status: int = 429
    captcha: bool = False


def check_address(request) -> Refusal | None:
    """Counted on every request, before anything else."""
    rate = _rate("CERTIFICATE_VERIFY_RATE_PER_ADDRESS")
    if count(request, ADDRESS, client_address(request), rate, increment=True) > _limit(rate):
        return Refusal(_("为防止批量查询，同一网络地址每%(m)d分钟最多查验%(n)d次。您的查验次数已达上限，请稍后再试。")
                       % {"m": _minutes(rate), "n": _limit(rate)})
    return None


def needs_captcha(request) -> bool:
    rate = _rate("CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA")
    return count(request, FAILURES, client_address(request), rate, increment=False) >= _limit(rate)


def captcha_refusal() -> Refusal:
    rate = _rate("CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA")
    return Refusal(_("从您的网络地址发出的查验已有%(n)d次未查到证书或输入有误。为防止批量查询，请输入图中的验证码后再查验。")
                   % {"n": _limit(rate)}, status=403, captcha=True)


def check_number(request, number: str) -> Refusal | None:
    """Counted once the number is well formed: one certificate asked about from many addresses."""
    rate = _rate("CERTIFICATE_VERIFY_RATE_PER_NUMBER")
    if count(request, NUMBER, number, rate, increment=True) > _limit(rate):
        return Refusal(_("证书编号%(number)s在%(m)d分钟内已被查验%(n)d次，为保护持证人信息暂停查验，请稍后再试。")
                       % {"number": number, "m": _minutes(rate), "n": _limit(rate)})
    return None


def record_failure(request) -> None:
    """A "not found" or bad input from this address: enough of them and the captcha is asked."""
    count(request, FAILURES, client_address(request), _rate("CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA"),
          increment=True)


def check_captcha(key: str, answer: str) -> None:
    """The captcha's answer (each challenge answers once), or a ValidationError in Chinese."""
    from captcha.fields import CaptchaField

    try:
        CaptchaField(error_messages={"invalid": _("验证码不正确，请重新输入。")}).clean([key or "", answer or ""])
    except ValidationError as exc:
        raise ValidationError({"captcha": _("验证码不正确，请重新输入。") if answer else _("请输入验证码。")}) from exc


def new_captcha() -> dict:
    from captcha.helpers import captcha_image_url
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    return {"captcha_key": key, "captcha_image_url": captcha_image_url(key)}
